"""Human-readable diagnostics: ``path:line:col: error[CODE]: message`` and the source line."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from azpipe.diagnostics import Diagnostic, Severity
from azpipe.source.text import split_lines

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a name cannot break lines or
    send escape codes to the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def format_diagnostic(diagnostic: Diagnostic, source_line: str | None, color: bool = False) -> str:
    """One diagnostic, its source line with the span underlined, and its hint."""
    span = diagnostic.span
    severity = _paint(f"{diagnostic.severity}[{diagnostic.code}]", "1;" + _COLORS[diagnostic.severity], color)
    lines = [
        f"{_paint(f'{span.file}:{span.line}:{span.column}', '1', color)}: {severity}: {printable(diagnostic.message)}"
    ]
    if source_line:
        shown = source_line.replace("\t", " ")
        width = span.end_column - span.column if span.end_line == span.line else len(shown) - span.column + 1
        marker = "^" * max(1, min(width, max(1, len(shown) - span.column + 1)))
        gutter = f"{span.line:>4} | "
        lines.append(gutter + shown)
        lines.append(
            " " * (len(gutter) + span.column - 1) + _paint(marker, _COLORS[diagnostic.severity], color)
        )
    if diagnostic.hint:
        lines.append(f"     = {_paint('hint', '1', color)}: {printable(diagnostic.hint)}")
    return "\n".join(lines)


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``Found 2 errors and 1 warning in 3 files.`` or ``No problems in 3 files.``"""
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    parts = [
        _count(counts[Severity.ERROR], "error"),
        _count(counts[Severity.WARNING], "warning"),
        _count(counts[Severity.INFO], "note"),
    ]
    found = [p for p in parts if p]
    where = _count(files, "file")
    if not found:
        return f"No problems in {where}."
    listed = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1]
    return f"Found {listed} in {where}."


def _count(number: int, word: str) -> str:
    if number == 0:
        return ""
    return f"{number} {word}{'' if number == 1 else 's'}"


def render(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], files: int, color: bool) -> str:
    """All diagnostics and the summary line."""
    blocks = []
    split: dict[str, list[str]] = {}  # each file split once
    for diagnostic in diagnostics:
        name = diagnostic.span.file
        if name not in split:
            split[name] = split_lines(sources.get(name, ""))  # YAML's line breaks, as positions count
        lines = split[name]
        line = lines[diagnostic.span.line - 1] if 0 < diagnostic.span.line <= len(lines) else None
        blocks.append(format_diagnostic(diagnostic, line, color))
    blocks.append(summary(diagnostics, files))
    return "\n\n".join(blocks[:-1]) + ("\n\n" if len(blocks) > 1 else "") + blocks[-1]


def print_diagnostics(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], color: bool) -> None:
    """Print a refused file's diagnostics to standard error (used by non-check commands).

    ``sources`` maps each file to its text (``pipeline.sources``), so a diagnostic
    in a component file shows that file's line.
    """
    print(render(diagnostics, sources, 1, color), file=sys.stderr)
