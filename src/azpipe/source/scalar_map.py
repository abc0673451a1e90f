"""Map each character of a scalar's value back to its offset in the file.

An expression error inside a quoted string or a folded (``>-``) or literal (``|``)
block must point at the right column. Non-blank characters of plain and block
scalars appear verbatim and in order in the source, so they are aligned greedily;
quoted scalars also decode their escapes (``''``, ``\\x41``, escaped line breaks).
When alignment fails the caller falls back to the scalar's own span.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import field

from azpipe.records import record
from azpipe.source.text import LINE_BREAK

# Blanks between the runs of a value: spaces, tabs and YAML 1.1's line breaks
# (NEL, LS and PS break lines as ``\n`` does; see ``azpipe.source.text``).
_BLANK = " \t\r\n\x85\u2028\u2029"
_BREAKS = "\r\n\x85\u2028\u2029"
_HEX_WIDTH = {"x": 4, "u": 6, "U": 10}


@record
class OffsetMap:
    """Runs of the value that stand verbatim in the source: value offset → file offset.

    A character between runs (a folded line break, indentation) maps to the end
    of the run before it.
    """

    starts: list[int] = field(default_factory=list)  # value offset where each run starts
    sources: list[int] = field(default_factory=list)  # file offset where each run starts
    lengths: list[int] = field(default_factory=list)
    # True when run N is line N of a block scalar's body (the fast path of _align_lines):
    # then a position's line is known without looking it up.
    by_line: bool = False

    def add(self, value_start: int, source_start: int, length: int) -> None:
        """Append a run (merged with the previous one when they continue each other)."""
        if (
            self.starts
            and self.starts[-1] + self.lengths[-1] == value_start
            and (self.sources[-1] + self.lengths[-1] == source_start)
        ):
            self.lengths[-1] += length
            return
        self.starts.append(value_start)
        self.sources.append(source_start)
        self.lengths.append(length)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def at(self, index: int) -> int:
        """The file offset of value character ``index``."""
        run = max(bisect.bisect_right(self.starts, index) - 1, 0)
        return self.sources[run] + min(max(index - self.starts[run], 0), self.lengths[run])


def offset_map(text: str, start: int, end: int, style: str | None, value: str) -> OffsetMap:
    """Where the characters of ``value`` are in ``text`` (empty when unmappable)."""
    if not isinstance(value, str):
        return OffsetMap()
    if style in ("|", ">"):
        header_end = LINE_BREAK.search(text, start, end)
        if header_end is None:
            return OffsetMap()
        start, quote = header_end.end(), None
    elif style in ("'", '"'):
        start, quote = start + 1, style
    else:
        quote = None
    escapes = {'"': "\\", "'": "''"}.get(quote or "")
    if escapes is None or escapes not in text[start:end]:
        if style in ("|", ">"):
            lines = _align_lines(text, start, end, value)
            if lines:
                return lines
        return _align_words(text, start, end, value)
    mapping = OffsetMap()
    for index, offset in enumerate(_align(text, start, end, value, quote=quote)):
        mapping.add(index, offset, 1)
    return mapping


_WORD = re.compile(f"[^{_BLANK}]+")


def _align_words(text: str, pos: int, end: int, value: str) -> OffsetMap:
    """The fast path when nothing is escaped: each run of non-blank characters of the
    value appears verbatim in the source, in order, with only blanks between."""
    mapping = OffsetMap()
    if text.startswith(value, pos) and pos + len(value) <= end:  # a one-line value, as written
        mapping.add(0, pos, len(value))
        return mapping
    for word in _WORD.finditer(value):
        found = text.find(word.group(), pos, end)
        if found == -1 or text[pos:found].strip(_BLANK):
            return OffsetMap()
        mapping.add(word.start(), found, len(word.group()))
        pos = found + len(word.group())
    return mapping


def _align_lines(text: str, pos: int, end: int, value: str) -> OffsetMap:
    """The fast path for a block scalar whose lines are the value's, each verbatim after its
    indentation and one separator (the line break, or the space folding makes of it) apart;
    empty when it is not so (blank or more-indented lines): the words are aligned then."""
    mapping = OffsetMap()
    index = 0
    for line in text[pos:end].splitlines(keepends=True):
        content = line.rstrip(_BREAKS).lstrip(" \t")  # any YAML line break, LS and PS too
        if not content:
            return OffsetMap()
        if index and (index >= len(value) or value[index] not in " \n"):
            return OffsetMap()
        index += 1 if index else 0
        if not value.startswith(content, index):
            return OffsetMap()
        source = pos + len(line) - len(line.lstrip(" \t"))
        mapping.add(index, source, len(content))
        index += len(content)
        pos += len(line)
    mapping.by_line = True  # splitlines breaks where YAML does: the loader refused any other break
    return mapping if index >= len(value.rstrip(_BREAKS)) else OffsetMap()


def _align(text: str, pos: int, end: int, value: str, quote: str | None) -> list[int]:
    offsets: list[int] = []
    index = 0
    while index < len(value):
        if pos >= end:
            return []
        char, source = value[index], text[pos]
        if quote == '"' and source == "\\":
            pos, produced = _escape(text, pos, end)
            if pos < 0:
                return []
            if produced:
                offsets.append(produced - 1)
                index += 1
            continue
        if quote == "'" and char == "'" and text.startswith("''", pos):
            offsets.append(pos)
            pos, index = pos + 2, index + 1
            continue
        if char in _BLANK:
            offsets.append(pos)
            pos += source in _BLANK
            index += 1
            continue
        if source in _BLANK:
            pos += 1
            continue
        if source != char:
            return []
        offsets.append(pos)
        pos, index = pos + 1, index + 1
    return offsets


def _escape(text: str, pos: int, end: int) -> tuple[int, int]:
    """Consume the escape at ``pos``: the next position, and 1 + the offset of the
    character it produced (0 for an escaped line break, which produces none)."""
    letter = text[pos + 1] if pos + 1 < end else ""
    if not letter:
        return -1, 0
    if letter in _BREAKS:
        pos += 2
        while pos < end and text[pos] in _BLANK:
            pos += 1
        return pos, 0
    return pos + _HEX_WIDTH.get(letter, 2), pos + 1
