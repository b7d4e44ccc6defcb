"""Walk an expanded SPL pipeline and collect event-field predicates up to the first transforming command.

* Base search and ``| search`` -> search-language predicates (context ``search``), case-insensitive.
* Leading ``| tstats``/``| mstats`` -> predicates of their ``where`` clause (context ``tstats``/``mstats``),
  the data model into ``datamodels``, the ``by`` fields into ``by_fields``; then the walk stops.
* ``| where`` -> eval-expression predicates (context ``where``), case-sensitive; ``| regex`` -> regex.
* Fields created by ``eval``/``rex``/``rename``/``lookup … OUTPUT``/``spath output=``/``iplocation``/
  ``eventstats``/``streamstats`` are tracked; later filters on them get context ``computed``.
* The walk stops at the first transforming or otherwise opaque command (see ``TRANSFORMING``) and at
  any command it does not know: a later filter works on aggregates, not on events. After
  ``stats``/``tstats``/``mstats`` only, filters on a group-by field (also without its data-model
  prefix, as ``drop_dm_object_name`` leaves it) are kept with context ``post-stats``; the others
  are dropped and counted in ``dropped_post_stats``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from loaders.records import Operator, Predicate

from .macros import split_args
from .spl_eval import Expr, expr_has_filter, parse_eval, where_predicates
from .spl_lexer import SplSyntaxError, Token, split_pipeline, strip_quotes, tokenize, unquote
from .spl_search import Node, has_filter, parse_search, parse_search_prefix, search_predicates


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


TRANSFORMING = _names(
    "stats chart timechart top rare transaction xyseries untable geostats contingency tstats mstats "
    "append appendcols appendpipe join map union multisearch inputlookup outputlookup collect apply "
    "fit anomalydetection outlier cluster kmeans predict datamodel pivot makeresults sistats sichart "
    "sitimechart sitop sirare metadata rest loadjob savedsearch cyberchef "
)
# Streaming commands that keep events and do not create fields the walk needs to track.
PASS_THROUGH = _names(
    "convert table fields fillnull bucket bin dedup sort mvexpand xmlkv replace fromjson makemv nomv "
    "multikv extract kv head tail reverse fieldformat addinfo typer mvcombine tags foreach addtotals "
    "abstract highlight setfields xpath "
)
STATS_FAMILY = frozenset({"stats", "tstats", "mstats"})
CREATING = _names("eval rex rename lookup spath iplocation eventstats streamstats strcat rangemap")
SELECTION_FIELDS = ("index", "sourcetype", "source", "eventtype")
IGNORED_LEAVES = frozenset({"nodename"})  # data-model node selection: a logsource hint, not a filter

_REX_GROUP = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
_EVAL_TARGET = re.compile(r"""^\s*'?([^=\s',()]+)'?\s*=(?!=)""")
_SPATH_OUT = re.compile(r"""\boutput\s*=\s*"?([^\s"]+)""")
_IPLOCATION = ("City", "Country", "Region", "lat", "lon")


@dataclass(slots=True)
class SplAnalysis:
    predicates: list[Predicate] = field(default_factory=list)
    logsource: list[tuple[str, str]] = field(default_factory=list)  # ("datamodel"|"index"|..., value)
    datamodels: list[str] = field(default_factory=list)
    by_fields: list[str] = field(default_factory=list)  # group-by fields of the stopping command
    commands: list[str] = field(default_factory=list)  # command names, in order
    stopped_at: str | None = None  # the command the walk stopped at
    unknown_commands: list[str] = field(default_factory=list)
    filter_leaves: int = 0  # comparisons/terms seen in event-level filters (before the stop)
    detection_leaves: int = 0  # ... of those, on fields other than index/source/sourcetype/eventtype
    dropped_post_stats: int = 0  # filter leaves after the stop on aggregates/created fields (dropped)
    warnings: list[str] = field(default_factory=list)


def analyze(text: str) -> SplAnalysis:
    """Analyze an expanded (macro-free, comment-free) search; raises :class:`SplSyntaxError`."""
    out = SplAnalysis()
    computed: set[str] = set()
    segments = split_pipeline(text)
    base = segments[0].strip()
    if base:
        if base.lower().startswith("search "):
            base = base[7:]
        out.commands.append("search")
        _filter_search(base, "search", computed, out)
    for index, seg in enumerate(segments[1:], start=1):
        s = seg.strip()
        if not s:
            continue
        name, _, rest = s.partition(" ")
        name = name.lower()
        out.commands.append(name)
        leading = index == 1 and not base
        if name in ("tstats", "mstats") and leading:
            _stats_like(rest, name, out)
        elif name == "from" and leading:
            _from(rest, out)
            continue
        elif name in ("search", "where", "regex"):
            _filter(name, rest, "where" if name == "where" else name, computed, out)
            continue
        elif name in CREATING:
            computed.update(_created_fields(name, rest))
            continue
        elif name in TRANSFORMING:
            out.by_fields = _by_fields(tokenize(rest, "search"), 0)
        elif name in PASS_THROUGH:
            continue
        else:
            out.unknown_commands.append(name)
        out.stopped_at = name
        if name in STATS_FAMILY:
            _post_stats(segments[index + 1 :], out)
        break
    return out


def _filter(name: str, rest: str, context: str, computed: set[str], out: SplAnalysis) -> None:
    if name == "search":
        _add_search(parse_search(rest), context, computed, out)
    elif name == "where":
        expr = parse_eval(rest)
        out.predicates.extend(where_predicates(expr, context, frozenset(computed)))
        out.filter_leaves += _count_leaves(expr)
        out.detection_leaves += _count_leaves(expr)
    else:
        _regex(rest, computed, out)


def _post_stats(segments: list[str], out: SplAnalysis) -> None:
    """Filters after ``stats``/``tstats``/``mstats`` on a group-by field still test event values: keep
    them with context ``post-stats``; filters on aggregates or created fields are dropped (counted)."""
    keep = {f for by in out.by_fields for f in _suffixes(by)}  # drop_dm_object_name strips "Processes."
    computed: set[str] = set()
    for seg in segments:
        s = seg.strip()
        if not s:
            continue
        name, _, rest = s.partition(" ")
        name = name.lower()
        if name in ("search", "where", "regex"):
            scratch = SplAnalysis()
            try:
                _filter(name, rest, "post-stats", computed, scratch)
            except SplSyntaxError as exc:
                out.warnings.append(f"post-stats {name} not parsed: {exc}")
                return
            for p in scratch.predicates:
                if p.field in keep and p.context != "computed":
                    out.predicates.append(replace(p, context="post-stats"))
                else:
                    out.dropped_post_stats += 1
        elif name in CREATING:
            computed.update(_created_fields(name, rest))
        elif name not in PASS_THROUGH:
            return


def _suffixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def _count_leaves(expr: Expr) -> int:
    return 1 if expr_has_filter(expr) else 0


def _filter_search(text: str, context: str, computed: set[str], out: SplAnalysis) -> None:
    node = parse_search(text)
    _add_search(node, context, computed, out)


def _add_search(node: Node, context: str, computed: set[str], out: SplAnalysis) -> None:
    preds = list(search_predicates(node, context, frozenset(computed)))
    if has_filter(node, ignore=IGNORED_LEAVES):
        out.filter_leaves += 1
    for p in preds:
        if p.field is not None and p.field.lower() == "nodename":  # tstats data-model node selection
            if p.value:
                _hint(out, "datamodel_node", p.value)
            continue
        out.predicates.append(p)
        if p.field in SELECTION_FIELDS:
            if not p.excluded and p.operator in (Operator.EQ, Operator.WILDCARD) and p.value:
                _hint(out, p.field, p.value)
        elif p.field is None or p.field.lower() not in ("nodename",):
            out.detection_leaves += 1


def _hint(out: SplAnalysis, key: str, value: str) -> None:
    if (key, value) not in out.logsource:
        out.logsource.append((key, value))


def _stats_like(rest: str, name: str, out: SplAnalysis) -> None:
    """``tstats``/``mstats``: ``[options] aggregates [from datamodel=X] [where <search>] [by fields]``."""
    toks = tokenize(rest, "search")
    i = 0
    depth = 0
    while toks[i].kind != "EOF":
        tok = toks[i]
        depth += (tok.kind == "LP") - (tok.kind == "RP")
        if depth == 0 and tok.is_word("FROM"):
            i = _datamodel(toks, i + 1, out)
            continue
        if depth == 0 and tok.is_word("WHERE"):
            node, i = parse_search_prefix(toks, i + 1, frozenset({"by"}))
            _add_search(node, name, set(), out)
            continue
        if depth == 0 and tok.is_word("BY"):
            out.by_fields = _by_fields(toks, i)
            return
        i += 1


def _datamodel(toks: list[Token], i: int, out: SplAnalysis) -> int:
    tok = toks[i]
    value: str | None = None
    if tok.kind == "WORD" and tok.text.lower() == "datamodel" and toks[i + 1].text == "=":
        value, i = unquote(toks[i + 2].text), i + 3
    elif tok.is_word("DATAMODEL") and toks[i + 1].kind in ("WORD", "STRING"):  # from datamodel Web.Web
        value, i = unquote(toks[i + 1].text), i + 2
    elif tok.kind == "WORD" and tok.text.lower().startswith("datamodel:"):
        value = tok.text.split(":", 1)[1]
        i += 1
        if not value and toks[i].kind == "STRING":
            value, i = unquote(toks[i].text), i + 1
    else:
        return i + 1
    if value:
        out.datamodels.append(value)
        _hint(out, "datamodel", value)
    return i


def _from(rest: str, out: SplAnalysis) -> None:
    toks = tokenize(rest, "search")
    _datamodel(toks, 0, out)


def _by_fields(toks: list[Token], start: int) -> list[str]:
    """Fields after the last top-level ``by`` (``span=…``-style options and commas skipped)."""
    depth = 0
    by = -1
    for j in range(start, len(toks)):
        depth += (toks[j].kind == "LP") - (toks[j].kind == "RP")
        if depth == 0 and toks[j].is_word("BY"):
            by = j
    if by < 0:
        return []
    fields: list[str] = []
    j = by + 1
    while toks[j].kind != "EOF":
        tok = toks[j]
        if toks[j + 1].kind == "OP":
            j += 3
            continue
        if tok.kind in ("WORD", "STRING"):
            fields.append(unquote(tok.text))
        j += 1
    return fields


def _regex(rest: str, computed: set[str], out: SplAnalysis) -> None:
    toks = tokenize(rest, "search")
    if (
        toks[0].kind == "WORD"
        and toks[1].kind == "OP"
        and toks[1].text in ("=", "!=")
        and toks[2].kind != "EOF"
    ):
        fld, negate, val = toks[0].text, toks[1].text == "!=", toks[2]
    elif toks[0].kind in ("STRING", "WORD"):
        fld, negate, val = "_raw", False, toks[0]
    else:
        raise SplSyntaxError("bad regex command", toks[0].pos)
    ctx = "computed" if fld in computed else "regex"
    out.predicates.append(
        Predicate(
            fld,
            Operator.REGEX_MATCH,
            unquote(val.text),
            raw=strip_quotes(val.text),
            excluded=negate,
            case_sensitive=True,
            context=ctx,
        )
    )
    out.filter_leaves += 1
    out.detection_leaves += 1


def _created_fields(name: str, rest: str) -> set[str]:
    """Names of the fields a streaming command creates or overwrites."""
    if name == "eval":
        return {m.group(1) for part in split_args(rest) if (m := _EVAL_TARGET.match(part))}
    if name == "rex":
        return set() if re.search(r"\bmode\s*=\s*sed\b", rest) else set(_REX_GROUP.findall(rest))
    if name == "spath":
        return set(_SPATH_OUT.findall(rest))
    if name == "iplocation":
        prefix = re.search(r"\bprefix\s*=\s*\"?([^\s\"]+)", rest)
        return {(prefix.group(1) if prefix else "") + f for f in _IPLOCATION}
    if name == "rangemap":
        return {"range"}
    toks = [t for t in tokenize(rest, "search") if t.kind in ("WORD", "STRING")]
    if name == "strcat":
        return {unquote(toks[-1].text)} if toks else set()
    created = {unquote(toks[j + 1].text) for j in range(len(toks) - 1) if toks[j].is_word("AS")}
    if name == "lookup":
        outs = [j for j, t in enumerate(toks) if t.is_word("OUTPUT", "OUTPUTNEW")]
        if not outs:
            return set()
        after = toks[outs[0] + 1 :]
        created = set()
        j = 0
        while j < len(after):
            if j + 2 < len(after) and after[j + 1].is_word("AS"):
                created.add(unquote(after[j + 2].text))
                j += 3
            else:
                created.add(unquote(after[j].text))
                j += 1
        return created
    if name in ("eventstats", "streamstats") and any(t.text == "count" for t in toks):
        created.add("count")
    return created
