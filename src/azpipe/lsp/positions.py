"""Positions: azpipe's spans (YAML lines, 1-based code-point columns) ↔ LSP positions.

They differ twice. YAML also breaks lines at NEL, LS and PS, where LSP breaks only
at ``\\r\\n``, ``\\r`` and ``\\n``; and LSP counts columns in the code units the
client negotiated (UTF-16 unless it said otherwise), where azpipe counts code
points. Both sides are converted through character offsets into the text.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from azpipe.diagnostics import Span
from azpipe.source.text import SourceText

_LSP_BREAK = re.compile("\r\n|\r|\n")
# encoding LSP names → (Python codec without a byte-order mark, bytes per code unit)
_CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


class LineIndex:
    """Converts between character offsets of ``text`` and LSP positions."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in _LSP_BREAK.finditer(text))]
        self._codec, self._unit = _CODECS.get(encoding, _CODECS["utf-16"])

    def _units(self, chunk: str) -> int:
        if chunk.isascii():
            return len(chunk)
        # surrogatepass: a lone surrogate still counts as the one unit an editor sees
        return len(chunk.encode(self._codec, "surrogatepass")) // self._unit

    def position(self, offset: int) -> types.Position:
        """The LSP position of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line, self._units(self.text[self.starts[line] : offset]))

    def offset(self, position: types.Position) -> int:
        """The character offset of an LSP position (a column past the line's end is its end)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end].rstrip("\r\n")
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += self._units(char)
        return start + len(line)

    def lines(self) -> list[str]:
        """Every LSP line without its line break."""
        return [self.line_text(number) for number in range(len(self.starts))]

    def line_text(self, line: int) -> str:
        """LSP line ``line`` without its line break."""
        if not 0 <= line < len(self.starts):
            return ""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end].rstrip("\r\n")


class FileText:
    """One file's text seen both ways: as azpipe counts lines and as LSP does."""

    def __init__(self, path: str, text: str, encoding: str = "utf-16") -> None:
        self.source = SourceText(path, text)
        self.index = LineIndex(text, encoding)

    def span_offsets(self, span: Span) -> tuple[int, int]:
        """The character offsets a span covers."""
        size = len(self.source.text)
        start = self._offset(span.line, span.column, size)
        return start, max(start, self._offset(span.end_line, span.end_column, size))

    def _offset(self, line: int, column: int, size: int) -> int:
        if line < 1:
            return 0
        if line > len(self.source.line_starts):
            return size
        # a column past the line's end (a span that ends at the line break) stays on the line
        line_end = len(self.source.line(line)) + 1
        return min(self.source.offset(line, min(column, line_end)), size)

    def range(self, span: Span) -> types.Range:
        """The LSP range of an azpipe span in this file."""
        start, end = self.span_offsets(span)
        return types.Range(self.index.position(start), self.index.position(end))
