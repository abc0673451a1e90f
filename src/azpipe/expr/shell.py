"""Where each placeholder of a command lands in POSIX shell syntax.

Azure ML, and ``azpipe run``, hand a step's command to a shell after replacing
its placeholders. What the shell then does with a value depends on where the
placeholder sits: in a bare word, inside double or single quotes, in a comment,
or somewhere the shell evaluates text again (backquotes, ``${ }``, ``$(( ))``,
a here-document). This module reads a template's literal text as the shell
would and says, for each placeholder, which of those places it is in.

``azpipe run`` never puts a value into the shell text (see
:mod:`azpipe.localrun.render_command`), so a mistake here cannot make a value
run; it decides only how the reference to the value is written, so that the
value arrives as one intact piece of its word. ``azpipe check`` (P406) and
``azpipe run`` refuse the same places, read by this one module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field

from azpipe.expr.ast import Placeholder, RefKind, Segment, Template, Text
from azpipe.records import record

WORD_BREAKS = frozenset(" \t\n;&|()<>")
UNSAFE_FRAMES = {
    "backquote": "inside backquotes",
    "brace": "inside `${ }`",
    "arith": "inside `$(( ))`",
}
WORD = "x"  # stands for "the previous character belongs to a word"


@record(frozen=True)
class Place:
    """Where the text read so far ends, seen from a placeholder put there."""

    kind: str  # plain, double, single or comment
    unsafe: str | None = None  # why no value is safe here (None: safe)
    after_dollar: bool = False  # right after an unescaped `$` (it would take the value as a name)
    after_backslash: bool = False  # right after a pending `\` (it would escape what comes next)


@record
class Frame:
    """One level of shell quoting or nesting."""

    kind: str  # plain, single, double, comment, backquote, brace, arith
    depth: int = 0  # open parentheses (plain and arith frames)
    prev: str = "\n"  # previous character, to tell where words start
    nested: bool = False  # a plain frame opened by ``$(``


@record
class ShellReader:
    """Reads literal command text as a POSIX shell would, one character at a time."""

    stack: list[Frame] = field(default_factory=lambda: [Frame("plain")])
    escaped: bool = False
    heredoc: bool = False

    @property
    def top(self) -> Frame:
        """The innermost frame."""
        return self.stack[-1]

    def feed(self, text: str) -> None:
        """Advance over literal command text."""
        index = 0
        while index < len(text):
            index += self._char(text[index], text[index + 1 : index + 3])

    def place(self) -> Place:
        """Where a placeholder at the current position lands."""
        kind = self.top.kind if self.top.kind in ("single", "double", "comment") else "plain"
        return Place(kind, self._unsafe(), self.top.prev == "$", self.escaped)

    def value_inserted(self) -> None:
        """Record that a value's reference was written here (it is part of a word)."""
        self.escaped = False
        if self.top.kind != "comment":
            self.top.prev = WORD

    def _unsafe(self) -> str | None:
        where = next((UNSAFE_FRAMES[f.kind] for f in self.stack if f.kind in UNSAFE_FRAMES), None)
        if where is None and self.heredoc:
            where = "after `<<` (a here-document)"
        return where

    def _char(self, char: str, ahead: str) -> int:
        """Advance over one character (and what it opens); returns how many were used."""
        if self.escaped:
            self.escaped = False
            if char != "\n":  # `\` + newline is removed: the word goes on as if neither were there
                self.top.prev = WORD
            return 1
        handler = getattr(self, f"_in_{self.top.kind}")
        used: int = handler(char, ahead)
        return used

    def _pop(self) -> None:
        """Close the innermost frame; what it held is part of the enclosing word."""
        self.stack.pop()
        self.top.prev = WORD

    def _in_single(self, char: str, ahead: str) -> int:
        if char == "'":
            self._pop()
        return 1

    def _in_comment(self, char: str, ahead: str) -> int:
        if char == "\n":
            self.stack.pop()
            self.top.prev = "\n"
        return 1

    def _in_brace(self, char: str, ahead: str) -> int:
        if char == "}":
            self._pop()
        return 1

    def _in_backquote(self, char: str, ahead: str) -> int:
        if char == "\\":
            self.escaped = True
        elif char == "`":
            self._pop()
        return 1

    def _in_arith(self, char: str, ahead: str) -> int:
        if char == ")" and ahead.startswith(")") and self.top.depth == 0:
            self._pop()
            return 2
        self.top.depth += {"(": 1, ")": -1}.get(char, 0)
        return 1

    def _in_double(self, char: str, ahead: str) -> int:
        if char == "\\":
            self.escaped = True
            return 1
        if char == '"':
            self._pop()
            return 1
        used = self._open(char, ahead)
        if not used:
            self.top.prev = char
        return used or 1

    def _in_plain(self, char: str, ahead: str) -> int:
        frame = self.top
        used = self._open(char, ahead)
        if used:
            return used
        if char == "\\":
            self.escaped = True  # `prev` stays: after `\` + newline the word goes on from before
            return 1
        if char in "'\"":
            frame.prev = WORD
            self.stack.append(Frame("single" if char == "'" else "double"))
            return 1
        if char == "#" and frame.prev in WORD_BREAKS:
            self.stack.append(Frame("comment"))
            return 1
        if char == "(" and ahead.startswith("(") and frame.prev in WORD_BREAKS:
            frame.prev = WORD
            self.stack.append(Frame("arith"))  # bash's `(( ))` command evaluates its text too
            return 2
        if char in "()":
            self._paren(char)
        elif char == "<" and ahead.startswith("<"):
            self.heredoc = True
        if self.top is frame:
            frame.prev = char
        return 1

    def _paren(self, char: str) -> None:
        frame = self.top
        if char == "(":
            frame.depth += 1
        elif frame.depth > 0:
            frame.depth -= 1
        elif frame.nested:
            self._pop()  # the `)` that closes `$(`

    def _open(self, char: str, ahead: str) -> int:
        """Enter ``$(``, ``$((``, ``${`` or a backquote; returns the characters used (0: none)."""
        if char == "`":
            self.top.prev = WORD
            self.stack.append(Frame("backquote"))
            return 1
        if char != "$" or not ahead or ahead[0] not in "({":
            return 0
        self.top.prev = WORD
        if ahead[0] == "{":
            self.stack.append(Frame("brace"))
            return 2
        if ahead == "((":
            self.stack.append(Frame("arith"))
            return 3
        self.stack.append(Frame("plain", nested=True))
        return 2


def flatten(template: Template, present: set[str] | None = None) -> Iterator[Text | Placeholder]:
    """The template's parts with ``$[[ ]]`` segments kept (their inputs all given) or dropped;
    ``present=None`` keeps every segment, as if all inputs were given."""
    for part in template.parts:
        if isinstance(part, Segment):
            placeholders = (p for p in part.parts if isinstance(p, Placeholder))
            if present is None or all(
                p.ref.name in present for p in placeholders if p.ref.kind is RefKind.INPUT
            ):
                yield from part.parts
        else:
            yield part


def places(template: Template, present: set[str]) -> Iterator[tuple[Text | Placeholder, Place | None]]:
    """Each part of the template (segments resolved) with, for a placeholder, where it lands."""
    reader = ShellReader()
    for part in flatten(template, present):
        if isinstance(part, Text):
            reader.feed(part.text)
            yield part, None
        else:
            yield part, reader.place()
            reader.value_inserted()


def unsafe_placeholders(template: Template) -> Iterator[tuple[Placeholder, str]]:
    """Each placeholder that sits where the shell would evaluate its value, and where that is."""
    present = {p.ref.name for p, _ in template.placeholders()}
    for part, place in places(template, present):
        if isinstance(part, Placeholder) and place is not None and place.unsafe is not None:
            yield part, place.unsafe
