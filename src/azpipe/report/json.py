"""Machine-readable diagnostics for CI: ``{"diagnostics": [...], "files": N}``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from azpipe.diagnostics import Diagnostic


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic as a JSON-ready dict."""
    span = diagnostic.span
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "severity": str(diagnostic.severity),
        "code": diagnostic.code,
        "rule": diagnostic.rule,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def render(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """The JSON document."""
    return json.dumps({"diagnostics": [as_dict(d) for d in diagnostics], "files": files}, indent=2)
