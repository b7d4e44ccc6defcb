"""The ``detgraph`` command: serve, schema, check, fetch."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from graph.store import KnowledgeGraph
from loaders.errors import DetgraphError
from loaders.records import Severity
from loaders.settings import ENV_VAR, SAMPLE_CORPUS, corpus_path


def _progress_factory(console_err: bool = True) -> tuple[Callable[[str, int], Callable[[str], None]], object]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=console_err), transient=False)

    def factory(label: str, total: int) -> Callable[[str], None]:
        task = progress.add_task(label, total=total or None)
        return lambda _path: progress.advance(task)

    return factory, progress


def choose_corpus(explicit: str | None, *, sample: bool = False) -> tuple[Path, str]:
    """The corpus to serve and its label; the bundled sample when asked, or when nothing is configured or found."""
    if sample:
        return SAMPLE_CORPUS, f"bundled sample ({SAMPLE_CORPUS})"
    if explicit:
        root = Path(explicit)
        if not (root / "attack").is_dir():
            raise DetgraphError(f"corpus not found: {root} has no attack/ folder", str(root))
        return root, str(root.resolve())
    root = corpus_path()
    if (root / "attack").is_dir():
        return root, str(root.resolve())
    return SAMPLE_CORPUS, f"bundled sample ({SAMPLE_CORPUS}); set --corpus or {ENV_VAR} for the real corpus"


def load_graph(explicit: str | None, *, show_progress: bool = True, snapshot: bool = True,
               cache_dir: str | None = None, sample: bool = False) -> KnowledgeGraph:
    """Build the graph of the chosen corpus, or load its current snapshot."""
    from graph.pipeline import build_from_corpus
    from graph.snapshot import load_or_build

    root, label = choose_corpus(explicit, sample=sample)
    logging.getLogger("detgraph").info("loading corpus: %s", label)

    def build() -> KnowledgeGraph:
        if not show_progress:
            return build_from_corpus(root, label=label)
        factory, progress = _progress_factory()
        with progress:  # type: ignore[attr-defined]
            return build_from_corpus(root, label=label, progress=factory)

    if not snapshot:
        return build()
    kg, _ = load_or_build(root, build, cache_dir=Path(cache_dir) if cache_dir else None, label=label)
    return kg


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import cors_origins_from_env, create_app

    kg = load_graph(args.corpus, snapshot=not args.no_snapshot, cache_dir=args.cache_dir, sample=args.sample)
    origins = args.cors_origin or cors_origins_from_env()
    uvicorn.run(create_app(kg, cors_origins=origins), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .query import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    kg = load_graph(args.corpus, show_progress=not args.quiet, snapshot=False, sample=args.sample)
    errors = [d for d in kg.diagnostics if d.severity is Severity.ERROR]
    shown = [d for d in kg.diagnostics if args.warnings or d.severity is Severity.ERROR]
    for diag in shown[: args.limit] if args.limit else shown:
        print(diag)
    print(f"corpus: {kg.corpus}")
    print(f"techniques: {len(kg.technique_order)} listed, {len(kg.techniques)} in all; "
          f"rules: {len(kg.rule_order)} active, {len(kg.rules)} in all")
    for source, stats in sorted(kg.stats.items()):
        print(f"{source}: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
    warnings = sum(1 for d in kg.diagnostics if d.severity is Severity.WARNING)
    print(f"diagnostics: {len(errors)} errors, {warnings} warnings")
    return 1 if errors else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from loaders.fetch import fetch_corpus

    fetch_corpus(Path(args.dest))
    print(f"corpus fetched into {args.dest}; serve it with: detgraph serve --corpus {args.dest}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="detgraph", description="GraphQL knowledge graph over detection content")
    sub = parser.add_subparsers(dest="command", required=True)
    corpus_help = (f"corpus folder (attack/, sigma/, elastic/, splunk/); default ${ENV_VAR}, else ../shared/corpus, "
                   "else the bundled sample")

    serve = sub.add_parser("serve", help="serve GraphQL and the playground at /graphql")
    serve.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    serve.add_argument("--port", type=int, default=8000, help="default: %(default)s")
    serve.add_argument("--corpus", help=corpus_help)
    serve.add_argument("--sample", action="store_true", help="serve the small sample bundled in the package")
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--no-snapshot", action="store_true", help="always reparse the corpus")
    serve.add_argument("--cache-dir", help="snapshot folder; default $DETGRAPH_CACHE or ~/.cache/detgraph")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="allow this origin (repeatable); default $DETGRAPH_CORS_ORIGINS, else CORS closed")
    serve.set_defaults(func=cmd_serve)

    schema = sub.add_parser("schema", help="print the GraphQL SDL")
    schema.set_defaults(func=cmd_schema)

    check = sub.add_parser("check", help="load the corpus, print diagnostics, exit 1 on errors")
    check.add_argument("--corpus", help=corpus_help)
    check.add_argument("--sample", action="store_true", help="check the small sample bundled in the package")
    check.add_argument("--warnings", action="store_true", help="print warnings too")
    check.add_argument("--limit", type=int, default=0, help="print at most N diagnostics")
    check.add_argument("--quiet", action="store_true", help="no progress bars")
    check.set_defaults(func=cmd_check)

    fetch = sub.add_parser("fetch", help="download the real upstream repositories (needs internet and git)")
    fetch.add_argument("dest", help="folder to create, laid out like ../shared/corpus")
    fetch.set_defaults(func=cmd_fetch)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DetgraphError as exc:
        print(f"detgraph: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
