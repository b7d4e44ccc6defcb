"""ES|QL rules: FROM indices and the event-field predicates of the WHERE commands.

Only WHERE commands before the first ``STATS`` are read (``INLINE STATS`` keeps events and does not
stop the reading). Columns created by ``EVAL``, ``STATS``/``INLINE STATS``, ``RENAME``, ``DISSECT``,
``GROK`` and ``COMPLETION`` are *computed*: a filter on them is kept with ``context="computed"`` so that
it is never mistaken for an event-field predicate. ``kql("...")`` goes through the KQL grammar
(``context="kql"``). Other commands (KEEP, DROP, SORT, LIMIT, MV_EXPAND, ...) are skipped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from ..errors import QueryParseError
from ..records import Operator, Predicate
from .kql import parse_kql
from .values import glob_literal

_GRAMMAR = Path(__file__).with_name("esql.lark")
_RANGE = {"<": Operator.LT, "<=": Operator.LTE, ">": Operator.GT, ">=": Operator.GTE}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_CASE_FOLD = {"to_lower", "to_upper"}
_ASSIGN_RE = re.compile(r"^\s*(`[^`]+`|[A-Za-z_@][\w.@]*)\s*=(?!=)")
_PATTERN_FIELD_RE = re.compile(r"%\{(?:[^}:]*:)?([^}:]+)(?::[^}]*)?\}")
_RENAME_RE = re.compile(r"([\w.@`]+)\s+as\s+([\w.@`]+)|([\w.@`]+)\s*=\s*([\w.@`]+)", re.I)


@functools.cache
def _parser() -> Lark:
    return Lark(
        _GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        start=["from_cmd", "where_expr"],
        propagate_positions=False,
    )


@dataclass
class EsqlResult:
    indices: list[str] = field(default_factory=list)
    predicates: list[Predicate] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)  # event fields of the first STATS ... BY
    errors: list[QueryParseError] = field(default_factory=list)


_PIPE_TOKEN_RE = re.compile(
    r'"""[\s\S]*?(?:"""|\Z)'  # triple-quoted string (to the end when unclosed)
    r'|"(?:\\.|[^"\\\n])*"?'  # quoted string (ends at the line end when unclosed)
    r"|//[^\n]*"  # line comment (skipped)
    r"|/\*[\s\S]*?(?:\*/|\Z)"  # block comment (skipped)
    r"|\|"  # command separator
    r'|[^"|/]+|/'  # anything else
)
_NON_SPACE_RE = re.compile(r"\S")


def split_pipes(text: str) -> list[tuple[str, int]]:
    """Split an ES|QL query into ``(command, line)`` pieces at top-level ``|``, skipping comments.

    One regex pass (linear in the query length); ``line`` is the line of the command's first character.

    >>> [c for c, _ in split_pipes('from a | where x == "|" // c | d\\n| keep y')]
    ['from a', 'where x == "|"', 'keep y']
    """
    pieces: list[tuple[str, int]] = []
    buf: list[str] = []
    started = False  # buf holds a non-blank character
    line = start_line = 1
    for m in _PIPE_TOKEN_RE.finditer(text):
        chunk = m.group(0)
        first = chunk[0]
        if first == "|":
            pieces.append(("".join(buf).strip(), start_line))
            buf, started, start_line = [], False, line
            continue
        if first == "/" and chunk[1:2] in ("/", "*"):
            line += chunk.count("\n")
            continue
        if not started:
            visible = _NON_SPACE_RE.search(chunk)
            if visible is not None:
                started, start_line = True, line + chunk.count("\n", 0, visible.start())
        buf.append(chunk)
        line += chunk.count("\n")
    pieces.append(("".join(buf).strip(), start_line))
    return [(c, ln) for c, ln in pieces if c]


def parse_esql(text: str) -> EsqlResult:
    """Read an ES|QL query; problems go to ``result.errors`` (the rest is still read)."""
    result = EsqlResult()
    computed: set[str] = set()
    aliases: dict[str, tuple[str, tuple[str, ...]]] = {}
    after_stats = False
    for command, line in split_pipes(text):
        words = command.split(None, 2)
        verb = words[0].lower()
        if verb == "inline" and len(words) > 1 and words[1].lower() == "stats":
            verb, body = "inline stats", command.split(None, 2)[2] if len(words) > 2 else ""
        else:
            body = command[len(words[0]) :]
        result.commands.append(verb)
        try:
            if verb == "from":
                tree = _parse(command, "from_cmd", line)
                result.indices.extend(_index_names(tree))
            elif verb == "where" and not after_stats:
                tree = _parse(body, "where_expr", line)
                _Walker(computed, result.predicates, aliases).walk(tree, negated=False)
            elif verb == "stats" and not after_stats:
                result.group_by.extend(f for f in _by_fields(body) if f not in computed)
            if verb in ("eval", "stats", "inline stats", "completion"):
                for name, expr in _assigned(body):
                    computed.add(name)
                    aliases.pop(name, None)
                    if verb == "eval":
                        _note_alias(name, expr, aliases, computed)
                after_stats = after_stats or verb == "stats"
            elif verb in ("dissect", "grok"):
                computed.update(_PATTERN_FIELD_RE.findall(body))
            elif verb == "rename":
                for m in _RENAME_RE.finditer(body):
                    computed.add((m.group(2) or m.group(3)).strip("`"))
        except QueryParseError as exc:
            result.errors.append(exc)
    result.computed = sorted(computed)
    return result


def _parse(text: str, start: str, line: int) -> Tree:
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput as exc:
        where = line + exc.line - 1 if exc.line > 0 else line
        snippet = (
            text.splitlines()[exc.line - 1][max(exc.column - 20, 0) : exc.column + 20] if exc.line > 0 else ""
        )
        raise QueryParseError(f"ES|QL syntax not covered near {snippet.strip()!r}", line=where) from None
    except LarkError as exc:  # pragma: no cover - defensive
        raise QueryParseError(f"ES|QL parse error: {exc}", line=line) from None


def _index_names(tree: Tree) -> list[str]:
    return [str(t.children[0]).strip('"') for t in tree.children if isinstance(t, Tree) and t.data == "index"]


def _by_fields(body: str) -> list[str]:
    """Plain field names after the top-level ``BY`` of a STATS command."""
    masked = re.sub(r'"(?:\\.|[^"\\])*"', lambda m: "_" * len(m.group(0)), body)
    hits = list(re.finditer(r"(?<![\w.@])by(?![\w.@])", masked, re.I))
    if not hits:
        return []
    names = [part.strip() for part in body[hits[-1].end() :].split(",")]
    return [_field_text(n) for n in names if re.fullmatch(r"[\w.@`]+", n)]


def _note_alias(
    name: str, expr: str, aliases: dict[str, tuple[str, tuple[str, ...]]], computed: set[str]
) -> None:
    """Remember ``name = field`` / ``name = to_lower(field)``: a filter on ``name`` filters ``field``."""
    try:
        tree = _parser().parse(expr, start="where_expr")
    except LarkError:
        return
    walker = _Walker(computed - {name}, [], aliases)
    source, mods = walker._field(tree)
    if source is not None and source not in computed and all(m in _CASE_FOLD for m in mods):
        aliases[name] = (source, (*mods, f"eval:{name}"))


def _assigned(body: str) -> list[tuple[str, str]]:
    names, depth, start, quote = [], 0, 0, False
    parts: list[str] = []
    for i, ch in enumerate(body):
        if ch == '"':
            quote = not quote
        elif not quote and ch in "([{":
            depth += 1
        elif not quote and ch in ")]}":
            depth -= 1
        elif not quote and depth == 0 and ch == ",":
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    for part in parts:
        m = _ASSIGN_RE.match(part)
        if m:
            names.append((_field_text(m.group(1)), part[m.end() :]))
    return names


def _field_text(raw: str) -> str:
    """Field name without ES|QL backquotes: ``source.`as`.name`` is ``source.as.name``."""
    return re.sub(r"`((?:``|[^`])*)`", lambda m: m.group(1).replace("``", "`"), raw)


def _unquote(token: Any) -> str:
    raw = str(token)
    if raw.startswith('"""'):
        return raw[3:-3]
    body = raw[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), body)


def like_glob(pattern: str) -> str:
    """ES|QL LIKE pattern (``*``, ``?``, ``\\`` escapes) as a glob.

    >>> like_glob(r"a\\*b*")
    'a[*]b*'
    """
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(glob_literal(pattern[i + 1]))
            i += 2
            continue
        out.append(ch if ch in "*?" else glob_literal(ch))
        i += 1
    return "".join(out)


class _Walker:
    def __init__(
        self, computed: set[str], out: list[Predicate], aliases: dict[str, tuple[str, tuple[str, ...]]]
    ) -> None:
        self.computed = computed
        self.out = out
        self.aliases = aliases

    def _field(self, node: Tree | Token) -> tuple[str | None, tuple[str, ...]]:
        if isinstance(node, Tree) and node.data == "field":
            name = _field_text(str(node.children[0]))
            return self.aliases.get(name, (name, ()))
        if isinstance(node, Tree) and node.data == "function" and len(node.children) > 1:
            inner, _ = self._field(node.children[1])
            return inner, (str(node.children[0]).lower(),)
        return None, ()

    def add(
        self,
        node: Tree | Token,
        op: Operator,
        value: str | None,
        raw: str | None,
        *,
        negated: bool,
        extra: tuple[str, ...] = (),
    ) -> None:
        field_name, mods = self._field(node)
        if field_name is None:
            return
        sensitive = not any(m in _CASE_FOLD for m in mods)
        context = "computed" if field_name in self.computed else ""
        self.out.append(
            Predicate(
                field_name,
                op,
                value,
                raw=raw,
                excluded=negated,
                case_sensitive=sensitive,
                modifiers=mods + extra,
                context=context,
            )
        )

    def walk(self, node: Tree | Token, *, negated: bool) -> None:
        if not isinstance(node, Tree):
            return
        kind, kids = node.data, node.children
        if kind == "not_":
            self.walk(kids[-1], negated=not negated)
        elif kind in ("or_", "and_"):
            for kid in kids:
                self.walk(kid, negated=negated)
        elif kind == "comparison":
            self.comparison(kids, negated)
        elif kind in ("like", "rlike"):
            neg = negated ^ (len(kids) == 3)
            for s in kids[-1].children:
                text = _unquote(s.children[0])
                op = Operator.WILDCARD if kind == "like" else Operator.REGEX_MATCH
                self.add(
                    kids[0],
                    op,
                    like_glob(text) if kind == "like" else text,
                    str(s.children[0]),
                    negated=neg,
                    extra=(kind,),
                )
        elif kind == "in_":
            neg = negated ^ (isinstance(kids[1], Token) and kids[1].type == "NOT")
            for item in kids[1:]:
                if isinstance(item, Tree) and item.data == "literal":
                    self.add(kids[0], Operator.EQ, _literal(item), _raw(item), negated=neg, extra=("in",))
        elif kind == "is_null":
            is_not = len(kids) == 2
            self.add(
                kids[0],
                Operator.EXISTS if is_not else Operator.NULL,
                None,
                "IS NOT NULL" if is_not else "IS NULL",
                negated=negated,
            )
        elif kind == "match_op" and isinstance(kids[1], Tree) and kids[1].data == "literal":
            self.add(kids[0], Operator.MATCH, _literal(kids[1]), _raw(kids[1]), negated=negated, extra=(":",))
        elif kind == "function":
            self.function(kids, negated)
        elif kind == "field":  # a bare boolean column: WHERE gen_ai.compliance.violation_detected
            self.add(node, Operator.EQ, "true", "true", negated=negated)

    def comparison(self, kids: list, negated: bool) -> None:
        left, op, right = kids[0], str(kids[1]), kids[2]
        if isinstance(left, Tree) and left.data == "literal":
            left, right, op = right, left, _FLIP.get(op, op)
        if not (isinstance(right, Tree) and right.data == "literal"):
            return
        if op in ("==", "!="):
            self.add(
                left,
                Operator.EQ,
                _literal(right),
                f"{op} {_raw(right)}",
                negated=negated ^ (op == "!="),
                extra=(op,) if op == "!=" else (),
            )
        else:
            self.add(left, _RANGE[op], _literal(right), f"{op} {_raw(right)}", negated=negated)

    def function(self, kids: list, negated: bool) -> None:
        name = str(kids[0]).lower()
        args = [k for k in kids[1:] if isinstance(k, Tree)]
        strings = [_literal(a) for a in args[1:] if a.data == "literal"]
        if name == "kql" and args and args[0].data == "literal":
            for p in parse_kql(_literal(args[0]) or "", context="kql"):
                ctx = "computed" if p.field in self.computed else "kql"
                self.out.append(
                    Predicate(
                        p.field,
                        p.operator,
                        p.value,
                        raw=p.raw,
                        excluded=p.excluded ^ negated,
                        case_sensitive=p.case_sensitive,
                        modifiers=p.modifiers,
                        context=ctx,
                    )
                )
        elif name == "cidr_match" and args:
            for s in strings:
                self.add(args[0], Operator.CIDR, s, s, negated=negated, extra=(name,))
        elif name in ("starts_with", "ends_with") and args:
            for s in strings:
                glob = f"{glob_literal(s or '')}*" if name == "starts_with" else f"*{glob_literal(s or '')}"
                self.add(args[0], Operator.WILDCARD, glob, s, negated=negated, extra=(name,))
        elif name == "match" and args:
            for s in strings[:1]:
                self.add(args[0], Operator.MATCH, s, s, negated=negated, extra=(name,))


def _literal(node: Tree) -> str | None:
    inner = node.children[0]
    if isinstance(inner, Tree) and inner.data == "string":
        return _unquote(inner.children[0])
    if isinstance(inner, Tree):  # number / true_ / false_ / null_ / param
        if inner.data == "null_":
            return None
        return str(inner.children[0]) if inner.children else inner.data.rstrip("_")
    return str(inner)


def _raw(node: Tree) -> str:
    inner = node.children[0]
    if isinstance(inner, Tree):
        return str(inner.children[0]) if inner.children else inner.data.rstrip("_")
    return str(inner)
