"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line each."""

from __future__ import annotations

from collections.abc import Sequence

from azpipe.diagnostics import Diagnostic, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    """The workflow command for one diagnostic."""
    span = diagnostic.span
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    props = (
        f"file={_property(span.file)},line={span.line},col={span.column},"
        f"endLine={span.end_line},endColumn={span.end_column},"
        f"title={_property(f'{diagnostic.code} {diagnostic.rule}')}"
    )
    return f"::{_LEVEL[diagnostic.severity]} {props}::{_data(message)}"


def render(diagnostics: Sequence[Diagnostic]) -> str:
    """Every annotation, one per line."""
    return "\n".join(annotation(d) for d in diagnostics)
