"""Hints for raw YAML syntax errors (Y001): what the parser's words mean in a pipeline file.

PyYAML says *where* it gave up and *what* it expected; the mistakes behind the
common messages are few:

- ``${{ }}`` inside a flow mapping or list (``{value: ${{prep.outputs.x}}}``):
  ``{`` starts a nested flow mapping, so the reference must be quoted;
- ``: `` inside a plain one-line value (``command: python x.py --opt a: b``):
  a plain scalar cannot hold it; quote the value or write it as a block (``>-``);
- a line indented deeper than the key above it (read as more of that key's
  value), or at a column no key of its mapping uses.
"""

from __future__ import annotations

import re

from azpipe.diagnostics import Span
from azpipe.source.text import SourceText, strip_break

_PLACEHOLDER = re.compile(r"\$\{\{.*?(?:\}\}|$)")
# `key: value` at the start of a line (after a `- ` list marker, if any).
_KEY_VALUE = re.compile(r"\s*(?:-\s+)?([^\s#'\"][^:#]*?):[ \t]+\S")
_INDENTATION_PROBLEMS = ("expected key", "expected <block end>", "expected '-' indicator")


def syntax_hint(source: SourceText, message: str, line: int, column: int) -> tuple[str | None, Span]:
    """A hint for the YAML error ``message`` at ``line``:``column``, and the span to underline."""
    text = strip_break(source.line(line))
    point = Span.point(source.path, line, column)
    if "'\\t'" in message or "\t" in text[: column + 1]:
        return "indent with spaces; YAML does not allow tabs there", point
    if "flow mapping" in message or "flow sequence" in message:
        found = _placeholder_in_flow(source, text, line, column)
        if found is not None:
            return found
    if "mapping values are not allowed" in message:
        return _colon_in_value(source, text, line, column), point
    if any(words in message for words in _INDENTATION_PROBLEMS):
        return _indentation(source, text, line), point
    return None, point


def _placeholder_in_flow(source: SourceText, text: str, line: int, column: int) -> tuple[str, Span] | None:
    """The ``${{ }}`` the flow collection broke on: its span, and the quoted form."""
    near = [m for m in _PLACEHOLDER.finditer(text) if m.start() <= column]
    if not near:
        return None
    found = near[-1]
    start = source.offset(line, found.start() + 1)
    hint = (
        f'quote a `${{{{ }}}}` inside `{{ }}` or `[ ]`: "{found.group()}" (YAML reads `{{` as a new mapping)'
    )
    return hint, source.span(start, start + len(found.group()))


def _colon_in_value(source: SourceText, text: str, line: int, column: int) -> str:
    key = _KEY_VALUE.match(text)
    if key is not None and key.end() <= column:
        name = key.group(1).strip()
        return (
            "a plain value cannot hold `: `; quote the value, or write it as a block: "
            f"`{name}: >-` with the text on the next lines, indented"
        )
    above = _previous_line(source, line)
    if above is not None:
        return (
            f"line {line} is indented deeper than line {above}, so YAML reads it as more of that "
            f"line's value; keys of one mapping start in the same column"
        )
    return "a plain value cannot hold `: `; quote it"


def _indentation(source: SourceText, text: str, line: int) -> str:
    indent = _indent(text)
    number = line - 1
    while number >= 1:
        above = strip_break(source.line(number))
        if above.strip() and not above.lstrip().startswith("#") and _indent(above) <= indent:
            column = _indent(above)
            key = above.strip().split(":")[0]
            if column == indent:
                what = "a list item" if text.lstrip().startswith("-") else "not a `key: value`"
                return (
                    f"line {line} lines up with the keys of the mapping above (`{key}` on line {number}) "
                    f"but is {what}; indent it under a key, or make it `key: value`"
                )
            return (
                f"check the indentation: line {line} starts at column {indent + 1}, but `{key}` on line "
                f"{number} starts at column {column + 1}; keys of one mapping start in the same column"
            )
        number -= 1
    return "check the indentation: keys of one mapping start in the same column"


def _previous_line(source: SourceText, line: int) -> int | None:
    number = line - 1
    while number >= 1:
        above = strip_break(source.line(number)).strip()
        if above and not above.startswith("#"):
            return number
        number -= 1
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))
