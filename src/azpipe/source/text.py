"""Source text with line lookups: offsets to 1-based lines and columns.

Lines end where YAML says they do. PyYAML (and libyaml) read YAML 1.1, whose line
breaks are ``\\r\\n``, ``\\r``, ``\\n``, NEL (U+0085), LS (U+2028) and PS (U+2029);
the parser's marks count lines that way, so every position azpipe computes, and
every source line it prints, counts them the same way. (``str.splitlines`` also
breaks at ``\\v``, ``\\f`` and U+001C..U+001E, which YAML does not.)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import field

from azpipe.diagnostics import Span
from azpipe.records import record

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_RARE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (the first is 0)."""
    if not any(mark in text for mark in _RARE_BREAKS):
        return _newline_starts(text)  # the common case, several times faster than the regex
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


def _newline_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks, as YAML counts them.

    Like ``str.splitlines``, a final line break does not start another line.
    """
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines if text else []


def strip_break(line: str) -> str:
    """``line`` without the one line break it may end with."""
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line[-1:] in ("\r", "\n", "\x85", "\u2028", "\u2029") else line


@record
class SourceText:
    """The decoded text of one file and the offsets of its line starts."""

    path: str
    text: str
    line_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.line_starts = line_starts(self.text)

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based ``line``:``column``."""
        return self.line_starts[min(line, len(self.line_starts)) - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        """A span between two character offsets."""
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start + 1))
        return Span(self.path, line, column, end_line, end_column)

    def line(self, number: int) -> str:
        """The text of 1-based line ``number`` without its line break."""
        if not 1 <= number <= len(self.line_starts):
            return ""
        start = self.line_starts[number - 1]
        end = self.line_starts[number] if number < len(self.line_starts) else len(self.text)
        return strip_break(self.text[start:end])
