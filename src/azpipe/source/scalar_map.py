"""Map each character of a scalar's value back to its offset in the file.

An expression error inside a quoted string or a folded (``>-``) or literal (``|``)
block must point at the right column. Non-blank characters of plain and block
scalars appear verbatim and in order in the source, so they are aligned greedily;
quoted scalars also decode their escapes (``''``, ``\\x41``, escaped line breaks).
When alignment fails the caller falls back to the scalar's own span.
"""

from __future__ import annotations

_BLANK = " \t\r\n"
_HEX_WIDTH = {"x": 4, "u": 6, "U": 10}


def offset_map(text: str, start: int, end: int, style: str | None, value: str) -> list[int]:
    """Source offsets of each character of ``value``, or ``[]`` when unmappable."""
    if not isinstance(value, str):
        return []
    if style in ("|", ">"):
        header_end = text.find("\n", start, end)
        if header_end == -1:
            return []
        return _align(text, header_end + 1, end, value, quote=None)
    if style in ("'", '"'):
        return _align(text, start + 1, end, value, quote=style)
    return _align(text, start, end, value, quote=None)


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
    if letter in ("\n", "\r"):
        pos += 2
        while pos < end and text[pos] in _BLANK:
            pos += 1
        return pos, 0
    return pos + _HEX_WIDTH.get(letter, 2), pos + 1
