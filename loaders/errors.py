"""One error base class; subclasses carry a source location."""

from __future__ import annotations

from .records import Diagnostic, Severity


class DetgraphError(Exception):
    """Base class of every error detgraph raises on purpose."""

    source = "detgraph"

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def to_diagnostic(self, severity: Severity = Severity.ERROR, rule_id: str | None = None) -> Diagnostic:
        return Diagnostic(
            source=self.source,
            path=self.path or "",
            message=self.message,
            severity=severity,
            line=self.line,
            rule_id=rule_id,
        )


class CorpusError(DetgraphError):
    """The corpus location is missing or unusable."""

    source = "corpus"


class BundleError(DetgraphError):
    """An ATT&CK STIX bundle that is not JSON, has the wrong shape, or lacks fields."""

    source = "attack"


class RuleParseError(DetgraphError):
    """A rule file that cannot be read or parsed."""

    source = "rule"


class QueryParseError(DetgraphError):
    """A rule's query (KQL, EQL, ES|QL, Lucene, SPL) that cannot be parsed."""

    source = "query"
