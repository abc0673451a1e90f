"""Diagnostics: the values every stage of azpipe produces instead of raising.

A diagnostic carries a stable rule code, a severity, a message, an optional hint
and a 1-based span in a file. Stages yield them; the driver sorts, filters and
prints them.
"""

from __future__ import annotations

import enum
from dataclasses import field, replace
from typing import NamedTuple

from azpipe.records import record


class Severity(enum.IntEnum):
    """How bad a diagnostic is; the order is used for ``--strict`` and sorting."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class Span(NamedTuple):
    """A 1-based, end-exclusive region of a source file (lines and columns).

    A named tuple rather than a frozen dataclass: the loader makes one per YAML
    node, and a tuple is built three times faster (ordering and equality are the
    same: field by field)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, file: str, line: int = 1, column: int = 1) -> Span:
        """A one-character span at ``line``:``column``."""
        return cls(file, line, column, line, column + 1)


@record(frozen=True)
class Diagnostic:
    """One problem found in a pipeline file."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    rule: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, position, code and message so output is stable."""
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        """A copy with another severity."""
        return replace(self, severity=severity)
