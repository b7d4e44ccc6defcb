"""Run the overlap query against a running detgraph server.

    detgraph serve --corpus ../shared/corpus &
    python examples/overlap_client.py --url http://127.0.0.1:8000/graphql T1567.002 T1048.003

Plain standard library (urllib), no client package needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

OVERLAP_QUERY = """
query Overlap($a: String!, $b: String!) {
  overlap(a: $a, b: $b) {
    a { attackId name }
    b { attackId name }
    indicatorJaccard fieldJaccard eventJaccard ruleJaccard
    sharedIndicators { field operator value reach }
    sharedFields
    sharedEvents
  }
  similarTechniques(technique: $a, first: 5) {
    technique { attackId name }
    sharedCount jaccard
  }
}
"""


def run(url: str, a: str, b: str) -> dict:
    body = json.dumps({"query": OVERLAP_QUERY, "variables": {"a": a, "b": b}}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    args = parser.parse_args()
    answer = run(args.url, args.a, args.b)
    if answer.get("errors"):
        print(json.dumps(answer["errors"], indent=2), file=sys.stderr)
        return 1
    o = answer["data"]["overlap"]
    print(f"{o['a']['attackId']} {o['a']['name']}  vs  {o['b']['attackId']} {o['b']['name']}")
    print(f"jaccard: indicators {o['indicatorJaccard']:.3f}, fields {o['fieldJaccard']:.3f}, "
          f"events {o['eventJaccard']:.3f}, rules {o['ruleJaccard']:.3f}")
    print(f"shared indicators ({len(o['sharedIndicators'])}):")
    for ind in sorted(o["sharedIndicators"], key=lambda i: i["reach"])[:20]:
        print(f"  {ind['field']} {ind['operator']} {ind['value']!r}  (corpus reach {ind['reach']})")
    print(f"shared events: {', '.join(o['sharedEvents']) or '-'}")
    print(f"most similar to {args.a}:")
    for s in answer["data"]["similarTechniques"]:
        print(f"  {s['technique']['attackId']} {s['technique']['name']}: {s['sharedCount']} shared, "
              f"jaccard {s['jaccard']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
