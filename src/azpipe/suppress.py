"""Turning diagnostics off: ``# azpipe: ignore[CODE]`` comments, ``--select``/``--ignore``.

An ignore comment counts only when it is a real YAML comment. The same words
inside a quoted string or a block scalar (``command: "echo # azpipe: ignore"``)
are data, and silence nothing. PyYAML drops comments, but its scanner's tokens
cover every character that is not blank, a line break or a comment: a ``#``
outside every token starts a comment.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from azpipe.diagnostics import Diagnostic
from azpipe.source.text import SourceText

_COMMENT = re.compile(r"#\s*azpipe:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
ALL = frozenset({"*"})
# libyaml's scanner when PyYAML was built with it, else the pure-Python one.
_Scanner: Any = getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader


def ignored_lines(text: str) -> dict[int, frozenset[str]]:
    """Line number → codes ignored there (``{"*"}`` for a bare ``ignore``).

    A comment on the line that starts a block scalar (``command: >-  # azpipe:
    ignore[P401]``) also covers every line of the block, where no comment can be.
    """
    candidates = list(_COMMENT.finditer(text)) if "ignore" in text else []
    if not candidates:
        return {}
    source = SourceText("", text)
    comments = _CommentFinder(source)
    found: dict[int, frozenset[str]] = {}
    for match in candidates:
        if comments.is_comment(match.start()):
            line = source.position(match.start())[0]
            for covered in range(line, comments.blocks.get(line, line) + 1):
                found[covered] = found.get(covered, frozenset()) | _codes(match.group(1))
    return found


def _codes(listed: str | None) -> frozenset[str]:
    if not listed:
        return ALL
    return frozenset(c.strip().upper() for c in listed.split(",") if c.strip())


class _CommentFinder:
    """Says whether a ``#`` at an offset starts a YAML comment, from the scanner's tokens.

    Tokens are scanned lazily, only as far as the offsets asked about. A ``#`` the
    scanner never reached (after a syntax error) is not taken for a comment.
    ``blocks`` maps the header line of each block scalar scanned to its last line.
    """

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.scanner = _Scanner(source.text)
        self.starts: list[int] = []  # what tokens cover, in file order
        self.ends: list[int] = []
        self.blocks: dict[int, int] = {}
        self.reached = 0  # every offset before this has been scanned
        self.finished = False

    def is_comment(self, offset: int) -> bool:
        """True when the ``#`` at ``offset`` is outside every token (so it is a comment)."""
        self._scan_past(offset)
        if offset >= self.reached:
            return False
        index = bisect.bisect_right(self.starts, offset) - 1
        return index < 0 or offset >= self.ends[index]

    def _scan_past(self, offset: int) -> None:
        while not self.finished and self.reached <= offset:
            try:
                token = self.scanner.get_token()
            except yaml.YAMLError:
                self.finished = True
                return
            if token is None or isinstance(token, yaml.StreamEndToken):
                self.finished = True
                self.reached = len(self.source.text) + 1
                return
            self._cover(token)

    def _cover(self, token: Any) -> None:
        start, end = self._offset(token.start_mark), self._offset(token.end_mark)
        if getattr(token, "style", None) in ("|", ">"):
            # The header line of a block scalar may end with a comment; its text starts below.
            header = token.start_mark.line + 1
            body = self.source.offset(header + 1, 1) if header < len(self.source.line_starts) else end
            self._add(start, start + 1)
            self._add(body, end)
            self.blocks[header] = self.source.position(max(end - 1, body))[0]
        else:
            self._add(start, end)
        self.reached = max(self.reached, end)  # tokens come in file order, never overlapping

    def _add(self, start: int, end: int) -> None:
        if end > start:
            self.starts.append(start)
            self.ends.append(end)

    def _offset(self, mark: Any) -> int:
        return self.source.offset(mark.line + 1, mark.column + 1)


def is_suppressed(diagnostic: Diagnostic, lines: Mapping[int, frozenset[str]]) -> bool:
    """True when an ignore comment on the diagnostic's line names its code (or all codes)."""
    codes = lines.get(diagnostic.span.line)
    return codes is not None and (codes is ALL or "*" in codes or diagnostic.code in codes)


def apply_comments(diagnostics: Iterable[Diagnostic], text: str) -> list[Diagnostic]:
    """Drop diagnostics whose line carries a matching ignore comment."""
    lines = ignored_lines(text)
    return [d for d in diagnostics if not is_suppressed(d, lines)]


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
