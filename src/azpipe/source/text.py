"""Source text with line lookups: offsets to 1-based lines and columns."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from azpipe.diagnostics import Span


@dataclass
class SourceText:
    """The decoded text of one file and the offsets of its line starts."""

    path: str
    text: str
    line_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts

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
        end = self.text.find("\n", start)
        return self.text[start : end if end != -1 else len(self.text)].rstrip("\r")
