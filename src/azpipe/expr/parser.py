"""Parse template strings: text with ``${{ }}`` placeholders and ``$[[ ]]`` segments.

The language is defined by the lark grammar in ``grammar/template.lark``. Most
strings are well formed and mostly plain text, so they are read here with a few
regular expressions that follow the grammar's terminals exactly (the text
outside ``${{ }}`` and ``$[[ ]]`` never goes through the LALR parser, and lark
is not even imported). Whenever this fast path meets something it cannot decide
— any syntax error — the whole string goes to lark
(:func:`azpipe.expr.lark_parser.parse_with_lark`), which gives the AST and the
error with its offsets; ``tests/test_expr_fast_path.py`` proves both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from azpipe.expr.ast import Form, Part, Placeholder, Ref, RefKind, Segment, Template, Text

if TYPE_CHECKING:
    from pathlib import Path

FORMS = (
    "`inputs.NAME`, `outputs.NAME`, `parent.inputs.NAME`, `STEP.outputs.NAME`, "
    "`STEP.NAME`, `parent.jobs.STEP.outputs.NAME` or `data.NAME`"
)


class TemplateError(Exception):
    """A template that does not parse; ``start``/``end`` are offsets in the string."""

    def __init__(self, message: str, start: int, end: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.start, self.end, self.hint = message, start, end, hint


def grammar_path(name: str = "template.lark") -> Path:
    """The grammar file: inside the installed package, else the checkout's ``grammar/``."""
    from pathlib import Path  # here: pathlib imports urllib and ipaddress, which `check` needs not

    packaged = Path(__file__).resolve().parent.parent / "_grammar" / name
    if packaged.is_file():
        return packaged
    # An editable install does not see hatch's force-included files (pypa/hatch#1627).
    return Path(__file__).resolve().parents[3] / "grammar" / name


def parse_template(text: str) -> Template:
    """Parse ``text``; raises :class:`TemplateError` with offsets on a syntax error."""
    if "$" not in text:
        return Template((Text(text, 0, len(text)),) if text else ())
    parts = fast_parts(text)
    if parts is not None:
        return Template(parts)
    from azpipe.expr.lark_parser import parse_with_lark  # only for malformed strings: lark is slow to import

    return parse_with_lark(text)


# The terminals of grammar/template.lark, written again as Python patterns.
# TEXT and SEG_TEXT run up to the next of these (SEG_TEXT also up to `]]`), so a
# search for the next one finds where a text token ends.
_OPENING = re.compile(r"\$(?:\{\{|\[\[)")
_SEGMENT_STOP = re.compile(r"\$(?:\{\{|\[\[)|\]\]")
_WS = re.compile(r"[ \t\r\n]*")
_SPACE_CHARS = frozenset(" \t\r\n")
_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
# Lark's lexer matches one alternation of the acceptable terminals, highest
# priority first, and never tries another once one matched: `re.match` of the
# same alternation in the same order picks the same token (the priority-4 forms
# cannot match at the same place, their prefixes differ).
_EXPRESSION = re.compile(
    "|".join(
        (
            rf"(?P<own_input>inputs\.{_NAME})",
            rf"(?P<own_output>outputs\.{_NAME})",
            rf"(?P<parent_input>parent\.inputs\.{_NAME})",
            rf"(?P<parent_output>parent\.outputs\.{_NAME})",
            rf"(?P<parent_job_output>parent\.jobs\.{_NAME}\.outputs\.{_NAME})",
            rf"(?P<data_ref>data\.{_NAME})",
            rf"(?P<step_output>{_NAME}\.outputs\.{_NAME})",
            r"(?P<step_output_short>(?!(?:inputs|outputs|parent|data)\.)[A-Za-z_][A-Za-z0-9_\-]*"
            r"\.(?!outputs(?![A-Za-z0-9_\-]))[A-Za-z_][A-Za-z0-9_\-]*)",
        )
    )
)


def fast_parts(text: str) -> tuple[Part, ...] | None:
    """The parts of ``text`` as lark would build them, or None when the fast path
    cannot decide (the string has a syntax error somewhere): then ask lark."""
    parts: list[Part] = []
    pos, size = 0, len(text)
    while pos < size:
        opening = _OPENING.search(text, pos)
        stop = opening.start() if opening else size
        if stop > pos:
            parts.append(Text(text[pos:stop], pos, stop))
        if opening is None:
            break
        part = _placeholder(text, stop) if text[stop + 1] == "{" else _segment(text, stop)
        if part is None:
            return None
        parts.append(part)
        pos = part.end
    return tuple(parts)


def _placeholder(text: str, start: int) -> Placeholder | None:
    """The ``${{ expression }}`` opening at ``start``, or None if it is not one."""
    match = _EXPRESSION.match(text, _after_space(text, start + 3))
    if match is None:
        return None
    closing = _after_space(text, match.end())
    if not text.startswith("}}", closing):
        return None
    end = closing + 2
    kind, name, step, form = _FORMS[match.lastgroup or ""](match.group().split("."))
    return Placeholder(Ref(kind, name, step, form, start, end), start, end)


def _after_space(text: str, pos: int) -> int:
    """Where the run of grammar whitespace (``_WS``) at ``pos`` ends."""
    if text[pos : pos + 1] not in _SPACE_CHARS:  # most placeholders: `${{inputs.x}}`, no space
        return pos
    space = _WS.match(text, pos)
    return space.end() if space else pos


def _segment(text: str, start: int) -> Segment | None:
    """The ``$[[ ... ]]`` opening at ``start``, or None when it is not closed, nests
    another segment, or holds a placeholder that is not one."""
    parts: list[Text | Placeholder] = []
    pos = start + 3
    while True:
        found = _SEGMENT_STOP.search(text, pos)
        if found is None or found.group() == "$[[":
            return None
        stop = found.start()
        if stop > pos:
            parts.append(Text(text[pos:stop], pos, stop))
        if found.group() == "]]":
            return Segment(tuple(parts), start, stop + 2)
        placeholder = _placeholder(text, stop)
        if placeholder is None:
            return None
        parts.append(placeholder)
        pos = placeholder.end


# How each terminal's dot-separated names become a reference (names hold no dot).
_FORMS: dict[str, Callable[[list[str]], tuple[RefKind, str, str | None, Form]]] = {
    "own_input": lambda p: (RefKind.INPUT, p[1], None, Form.PLAIN),
    "own_output": lambda p: (RefKind.OUTPUT, p[1], None, Form.PLAIN),
    "parent_input": lambda p: (RefKind.PARENT_INPUT, p[2], None, Form.PLAIN),
    "parent_output": lambda p: (RefKind.PARENT_OUTPUT, p[2], None, Form.PLAIN),
    "parent_job_output": lambda p: (RefKind.STEP_OUTPUT, p[4], p[2], Form.LONG),
    "data_ref": lambda p: (RefKind.DATA, p[1], None, Form.PLAIN),
    "step_output": lambda p: (RefKind.STEP_OUTPUT, p[2], p[0], Form.PLAIN),
    "step_output_short": lambda p: (RefKind.STEP_OUTPUT, p[1], p[0], Form.SHORT),
}
