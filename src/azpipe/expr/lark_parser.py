"""The full parse of template strings with lark's LALR parser (``grammar/template.lark``).

:func:`azpipe.expr.parser.parse_template` reads well-formed strings without lark;
this module is imported only for the strings it cannot decide (syntax errors and
their messages), so that ``azpipe check`` of a clean file never imports lark.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

import lark
from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from azpipe.expr.ast import Form, Part, Placeholder, Ref, RefKind, Segment, Template, Text
from azpipe.expr.parser import FORMS, TemplateError, grammar_path
from azpipe.version import __version__


def parse_with_lark(text: str) -> Template:
    """Parse ``text`` with the grammar alone; raises :class:`TemplateError` with offsets."""
    try:
        parts: tuple[Part, ...] = _parser().parse(text)  # type: ignore[assignment]  # the inline transformer builds it
        return Template(parts)
    except UnexpectedInput as error:
        raise _explain(text, error) from None
    except LarkError as error:  # pragma: no cover - grammar faults, not user input
        raise TemplateError(str(error), 0, len(text)) from None


class _Build(Transformer[Token, Any]):
    """Turns parse trees into :mod:`azpipe.expr.ast` nodes (applied inline by LALR)."""

    def own_input(self, items: list[Token]) -> Ref:
        return Ref(RefKind.INPUT, _parts(items)[1])

    def own_output(self, items: list[Token]) -> Ref:
        return Ref(RefKind.OUTPUT, _parts(items)[1])

    def parent_input(self, items: list[Token]) -> Ref:
        return Ref(RefKind.PARENT_INPUT, _parts(items)[2])

    def parent_output(self, items: list[Token]) -> Ref:
        return Ref(RefKind.PARENT_OUTPUT, _parts(items)[2])

    def parent_job_output(self, items: list[Token]) -> Ref:
        parts = _parts(items)
        return Ref(RefKind.STEP_OUTPUT, parts[4], parts[2], Form.LONG)

    def data_ref(self, items: list[Token]) -> Ref:
        return Ref(RefKind.DATA, _parts(items)[1])

    def step_output(self, items: list[Token]) -> Ref:
        parts = _parts(items)
        return Ref(RefKind.STEP_OUTPUT, parts[2], parts[0])

    def step_output_short(self, items: list[Token]) -> Ref:
        parts = _parts(items)
        return Ref(RefKind.STEP_OUTPUT, parts[1], parts[0], Form.SHORT)

    def placeholder(self, items: list[Any]) -> Placeholder:
        opening, ref, closing = items[0], items[1], items[-1]
        start, end = opening.start_pos, closing.end_pos
        return Placeholder(_with_span(ref, start, end), start, end)

    seg_placeholder = placeholder

    def segment(self, items: list[Any]) -> Segment:
        parts = tuple(_text(item) if isinstance(item, Token) else item for item in items[1:-1])
        return Segment(parts, items[0].start_pos, items[-1].end_pos)

    def start(self, items: list[Any]) -> tuple[Part, ...]:
        return tuple(_text(item) if isinstance(item, Token) else item for item in items)


def _parts(items: list[Token]) -> list[str]:
    """The dot-separated names of an expression token (names cannot hold a dot)."""
    return str(items[0]).split(".")


def _with_span(ref: Ref, start: int, end: int) -> Ref:
    return Ref(ref.kind, ref.name, ref.step, ref.form, start, end)


def _text(token: Token) -> Text:
    return Text(str(token), token.start_pos or 0, token.end_pos or 0)


@functools.cache
def _parser() -> Lark:
    options: dict[str, Any] = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}
    grammar = grammar_path().read_text(encoding="utf-8")
    return Lark(grammar, transformer=_Build(), cache=_cache_file(), **options)


def _cache_file() -> str | bool:
    """Where lark keeps the analysed grammar: the user's own cache folder.

    Building the LALR tables takes longer than checking a 100-step pipeline. Lark's
    cache is a pickle, so it never goes in a shared temporary folder, where another
    user could plant one; without a private, writable folder there is no cache.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "azpipe")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return False
    return os.path.join(folder, f"template-grammar-{__version__}-lark-{lark.__version__}.cache")


def _explain(text: str, error: UnexpectedInput) -> TemplateError:
    """Turn a raw lark error into a message a user can act on."""
    pos = _error_pos(text, error)
    opening = text.rfind("${{", 0, pos + 1)
    closing = text.find("}}", opening) if opening != -1 else -1
    if opening != -1 and (closing == -1 or closing + 2 > pos):
        if closing == -1 or _opens_again(text, opening + 3, closing):
            return _unclosed(text, opening)
        inner = text[opening + 3 : closing].strip()
        message = f"`{inner}` is not an expression" if inner else "empty `${{ }}`"
        return TemplateError(message, opening, closing + 2, f"write one of {FORMS}")
    segment = text.rfind("$[[", 0, pos + 1)
    if segment != -1 and text.find("]]", segment) == -1:
        return TemplateError("`$[[` is never closed with `]]`", segment, segment + 3)
    if text.startswith("$[[", pos):
        return TemplateError("optional segments `$[[ ]]` do not nest", pos, pos + 3)
    return TemplateError("unexpected text in template", pos, min(pos + 1, len(text)))


def _opens_again(text: str, start: int, end: int) -> bool:
    """True when another ``${{`` or ``$[[`` starts before the ``}}`` found: that ``}}``
    closes a later placeholder, and the first one is missing its own."""
    return "${{" in text[start:end] or "$[[" in text[start:end]


_EXPRESSION = re.compile(r"\$\{\{[ \t]*[A-Za-z0-9_.\-]*\}?")


def _unclosed(text: str, opening: int) -> TemplateError:
    """A ``${{`` without its ``}}``: the expression it starts is underlined, not the rest
    of the line, and the hint writes it closed."""
    match = _EXPRESSION.match(text, opening)
    end = match.end() if match else opening + 3
    shown = text[opening:end]
    body = shown.removesuffix("}")
    spaced = " " if body[3:4].isspace() else ""  # `${{ x` closes as `${{ x }}`
    hint = f"write `{body.rstrip()}{spaced}}}}}`" if body.strip() != "${{" else "close it with `}}`"
    return TemplateError(f"`{shown}` is missing `}}}}`", opening, end, hint)


def _error_pos(text: str, error: UnexpectedInput) -> int:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return len(text) - 1
    if isinstance(error, (UnexpectedToken, UnexpectedCharacters)):
        pos = getattr(error, "pos_in_stream", None)
        if pos is None and isinstance(error, UnexpectedToken):
            pos = error.token.start_pos
        return int(pos or 0)
    return len(text) - 1
