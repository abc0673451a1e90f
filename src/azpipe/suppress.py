"""Turning diagnostics off: ``# azpipe: ignore[CODE]`` comments, ``--select``/``--ignore``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from azpipe.diagnostics import Diagnostic

_COMMENT = re.compile(r"#\s*azpipe:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
ALL = frozenset({"*"})


def ignored_lines(text: str) -> dict[int, frozenset[str]]:
    """Line number → codes ignored there (``{"*"}`` for a bare ``ignore``)."""
    found: dict[int, frozenset[str]] = {}
    if "azpipe:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), 1):
        match = _COMMENT.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else ALL
            )
    return found


def apply_comments(diagnostics: Iterable[Diagnostic], text: str) -> list[Diagnostic]:
    """Drop diagnostics whose line carries a matching ignore comment."""
    lines = ignored_lines(text)
    return [d for d in diagnostics if not _suppressed(d, lines.get(d.span.line))]


def _suppressed(diagnostic: Diagnostic, codes: frozenset[str] | None) -> bool:
    return codes is not None and (codes is ALL or diagnostic.code in codes)


def matches(code: str, patterns: Sequence[str]) -> bool:
    """True when ``code`` equals a pattern or starts with it (``R`` selects R301...)."""
    return any(code.startswith(pattern.upper()) for pattern in patterns)


def select(
    diagnostics: Iterable[Diagnostic], only: Sequence[str] = (), drop: Sequence[str] = ()
) -> list[Diagnostic]:
    """Keep the diagnostics ``--select`` names (all if empty), minus ``--ignore``."""
    return [
        d for d in diagnostics
        if (not only or matches(d.code, only)) and not matches(d.code, drop)
    ]  # fmt: skip
