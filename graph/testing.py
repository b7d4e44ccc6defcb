"""A tiny hand-made knowledge graph for doctests and unit tests of the analytics."""

from __future__ import annotations

from loaders.attack import AttackData
from loaders.records import LoadResult, Operator, Predicate, Rule, Tactic, Technique, Vendor

from .builder import build_graph
from .store import KnowledgeGraph


def _rule(vendor: Vendor, rid: str, techniques: tuple[str, ...], *preds: Predicate,
          events: tuple[str, ...] = ()) -> Rule:
    return Rule(uid=f"{vendor.value}:{rid}", vendor=vendor, native_id=rid, title=f"Rule {rid}", path=f"{rid}.yml",
                techniques=techniques, predicates=preds, logsource=tuple(("event", e) for e in events))


def tiny_graph() -> KnowledgeGraph:
    """Four techniques, four rules; ``rclone.exe`` is used by T1, T1.001 and T2, ``cmd.exe`` by every rule.

    >>> kg = tiny_graph()
    >>> sorted(kg.rules_by_technique)
    ['T1', 'T1.001', 'T2', 'T3']
    >>> kg.reach("f:proc|eq|cmd.exe"), kg.reach("f:proc|eq|rclone.exe")
    (4, 3)
    """
    attack = AttackData(
        techniques={t.id: t for t in (
            Technique(id="T1", name="One", tactics=("exfiltration",)),
            Technique(id="T1.001", name="One sub", tactics=("exfiltration",), parent="T1", is_subtechnique=True),
            Technique(id="T2", name="Two", tactics=("exfiltration",)),
            Technique(id="T3", name="Three", tactics=("execution",)),
        )},
        tactics={"execution": Tactic(id="TA0002", shortname="execution", name="Execution", order=0),
                 "exfiltration": Tactic(id="TA0010", shortname="exfiltration", name="Exfiltration", order=1)},
    )
    eq, wc = Operator.EQ, Operator.WILDCARD
    rules = [
        _rule(Vendor.SIGMA, "a", ("T1",), Predicate("proc", eq, "rclone.exe"), Predicate("proc", eq, "cmd.exe"),
              Predicate("cmd", wc, "*copy*"), Predicate("parent", eq, "explorer.exe", excluded=True),
              events=("sysmon:1",)),
        _rule(Vendor.ELASTIC, "b", ("T1.001",), Predicate("proc", eq, "rclone.exe"), Predicate("proc", eq, "cmd.exe"),
              events=("sysmon:1", "security:4688")),
        _rule(Vendor.SIGMA, "c", ("T2",), Predicate("proc", eq, "rclone.exe"), Predicate("proc", eq, "cmd.exe"),
              events=("sysmon:3",)),
        _rule(Vendor.SPLUNK, "d", ("T3",), Predicate("proc", eq, "CMD.EXE"), Predicate("cmd", wc, "*/c*")),
    ]
    return build_graph(attack, [LoadResult(source="tiny", rules=rules)], corpus="tiny", normalizer=_TinyNormalizer())


class _TinyNormalizer:
    """Fields become ``f:<field>``; events come from ``("event", id)`` logsource pairs."""

    def field(self, rule, predicate):
        return f"f:{predicate.field}"

    def indicator(self, rule, predicate, field):
        return field, predicate.operator.value, (predicate.value or "").lower()

    def events(self, rule):
        return tuple(v for k, v in rule.logsource if k == "event")

    def recommended_events(self, technique):
        return ("sysmon:1", "sysmon:22") if technique.id == "T1" else ()

    def event_records(self):
        from loaders.records import Event

        return {e: Event(id=e, name=e, platform="windows", provider=e.split(":")[0])
                for e in ("sysmon:1", "sysmon:3", "sysmon:22", "security:4688")}

    def describe_field(self, field):
        from loaders.records import Field

        return Field(id=field)
