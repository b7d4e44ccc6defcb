from __future__ import annotations

from loaders.sigma.documents import expand
from loaders.sigma.yamlio import load_documents


def docs(text: str) -> list:
    return expand(load_documents(text))[0]


def test_global_reset_and_repeat() -> None:
    text = (
        "action: global\ntitle: G\ndetection:\n  condition: sel\n"  # 1-4
        "---\nid: a\ndetection:\n  sel: {x: 1}\n"  # 6-8
        "---\naction: repeat\nid: b\ndetection:\n  sel: {x: 2}\n"  # 10-13
        "---\naction: reset\n"  # 15
        "---\nid: c\ntitle: C\n"  # 17-18
    )
    got = docs(text)
    assert [
        (d.data.get("id"), d.data.get("title"), d.data.get("detection"), d.line, d.index) for d in got
    ] == [
        ("a", "G", {"sel": {"x": 1}, "condition": "sel"}, 6, 2),
        ("b", "G", {"sel": {"x": 2}, "condition": "sel"}, 10, 3),
        ("c", "C", None, 17, 5),
    ]


def test_correlations_and_filters_ignore_the_global_template() -> None:
    text = "action: global\nlevel: high\n---\ntitle: c\ncorrelation: {type: event_count}\n"
    got = docs(text + "---\ntitle: f\nfilter: {}\n")
    assert [d.data for d in got] == [
        {"title": "c", "correlation": {"type": "event_count"}},
        {"title": "f", "filter": {}},
    ]


def test_problems() -> None:
    rules, problems = expand(load_documents("- a\n---\naction: explode\n"))
    assert rules == []
    assert [(p.message, p.line) for p in problems] == [
        ("document 1 is a list, not a mapping", 1),
        ("unknown collection action 'explode' in document 2", 3),
    ]
