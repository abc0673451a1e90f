"""Turning a step's command template into the line ``/bin/sh -c`` runs.

Placeholders are replaced in one pass over the parsed template, so a value that
contains ``${{...}}`` is never expanded again. Each value is quoted exactly once,
for the shell context it lands in: bare or in ``$( )`` it is single-quoted; in
double or single quotes the author wrote, the quotes are closed around it and
reopened, so the script receives the value intact and nothing in it runs. Places
where no quoting is safe (backquotes, ``${ }``, ``$(( ))``, here-documents) are
refused; in a comment the value's newlines become spaces.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from azpipe.expr.ast import Placeholder, Ref, RefKind, Segment, Template, Text

RESERVED_WORDS = frozenset((
    "!", "{", "}", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function",
    "if", "in", "select", "then", "time", "until", "while",
))  # fmt: skip
WORD_BREAKS = frozenset(" \t\n;&|()<>")
UNSAFE_FRAMES = {"backquote": "inside backquotes", "brace": "inside `${ }`", "arith": "inside `$(( ))`"}


class UnsafeCommand(Exception):
    """A placeholder sits where no quoting makes a value safe."""


def quote(value: str) -> str:
    """``shlex.quote``, but also quoting words the shell would read as keywords or assignments."""
    quoted = shlex.quote(value)
    if quoted == value and ("=" in value or value in RESERVED_WORDS):
        return "'" + value + "'"
    return quoted


def flatten(template: Template, present: set[str]) -> Iterator[Text | Placeholder]:
    """The template's parts with ``$[[ ]]`` segments kept (their inputs all given) or dropped."""
    for part in template.parts:
        if isinstance(part, Segment):
            if all(p.ref.name in present for p in _placeholders(part) if p.ref.kind is RefKind.INPUT):
                yield from part.parts
        else:
            yield part


def _placeholders(segment: Segment) -> Iterator[Placeholder]:
    return (part for part in segment.parts if isinstance(part, Placeholder))


def normalised(template: Template, present: set[str]) -> str:
    """The command with segments resolved and every placeholder left as ``${{inputs.x}}``.

    This is the command the cache key records: it changes when the text of the
    command changes, not when a path or a value does (those are keyed separately).
    """
    return "".join(
        part.text if isinstance(part, Text) else "${{" + part.ref.canonical() + "}}"
        for part in flatten(template, present)
    )


def render(template: Template, inputs: Mapping[str, str | None], outputs: Mapping[str, str]) -> str:
    """The exact command line: placeholders replaced by quoted values.

    ``inputs`` maps each input to its text (``None``: not given); ``outputs`` maps
    each output to its path. Raises ``UnsafeCommand`` for a placeholder that
    cannot be substituted safely.
    """
    present = {name for name, value in inputs.items() if value is not None}
    shell = ShellState()
    pieces: list[str] = []
    for part in flatten(template, present):
        if isinstance(part, Text):
            shell.feed(part.text)
            pieces.append(part.text)
        else:
            pieces.append(shell.substitute(_value(part.ref, inputs, outputs), part.ref))
    return "".join(pieces)


def unsafe_placeholders(template: Template) -> Iterator[tuple[Placeholder, str]]:
    """Each placeholder that sits where no quoting makes a value safe, and where that is."""
    shell = ShellState()
    present = {p.ref.name for p, _ in template.placeholders()}
    for part in flatten(template, present):
        if isinstance(part, Text):
            shell.feed(part.text)
            continue
        where = shell.unsafe_place()
        if where is not None:
            yield part, where
        shell.top.prev = "x"


def _value(ref: Ref, inputs: Mapping[str, str | None], outputs: Mapping[str, str]) -> str:
    value = inputs.get(ref.name) if ref.kind is RefKind.INPUT else outputs.get(ref.name)
    if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT) or value is None:
        raise UnsafeCommand(f"`${{{{{ref}}}}}` has no value here")
    return value


@dataclass
class Frame:
    """One level of shell quoting or nesting."""

    kind: str  # plain, single, double, comment, backquote, brace, arith
    depth: int = 0  # open parentheses (plain and arith frames)
    prev: str = "\n"  # previous character, to tell where words start
    nested: bool = False  # a plain frame opened by ``$(``


@dataclass
class ShellState:
    """Where in POSIX shell syntax the text fed so far ends."""

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

    def substitute(self, value: str, ref: Ref) -> str:
        """The text that puts ``value`` where the fed text ends, quoted for that place."""
        self._check_safe(ref)
        # A pending backslash would escape our opening quote: a newline after it
        # turns the pair into a line continuation, which the shell removes.
        lead = "\n" if self.escaped else ""
        self.escaped = False
        kind = self.top.kind
        if kind == "comment":
            return lead + value.replace("\n", " ")
        if kind == "single":
            return lead + "'" + quote(value) + "'"
        if kind == "double":
            return lead + '"' + quote(value) + '"'
        dollar = '""' if self.top.prev == "$" else ""  # keep `$` from reading the value as a name
        self.top.prev = "x"
        return lead + dollar + quote(value)

    def unsafe_place(self) -> str | None:
        """Where the fed text ends, if no quoting can make a value safe there."""
        where = next((UNSAFE_FRAMES[f.kind] for f in self.stack if f.kind in UNSAFE_FRAMES), None)
        if where is None and self.heredoc:
            where = "after `<<` (a here-document)"
        return where

    def _check_safe(self, ref: Ref) -> None:
        where = self.unsafe_place()
        if where is not None:
            raise UnsafeCommand(f"`${{{{{ref}}}}}` is {where}, where no quoting makes a value safe")

    def _char(self, char: str, ahead: str) -> int:
        """Advance over one character (and what it opens); returns how many were used."""
        if self.escaped:
            self.escaped = False
            self.top.prev = "x"
            return 1
        handler = getattr(self, f"_in_{self.top.kind}")
        used: int = handler(char, ahead)
        return used

    def _in_single(self, char: str, ahead: str) -> int:
        if char == "'":
            self.stack.pop()
        return 1

    def _in_comment(self, char: str, ahead: str) -> int:
        if char == "\n":
            self.stack.pop()
            self.top.prev = "\n"
        return 1

    def _in_brace(self, char: str, ahead: str) -> int:
        if char == "}":
            self.stack.pop()
        return 1

    def _in_backquote(self, char: str, ahead: str) -> int:
        if char == "\\":
            self.escaped = True
        elif char == "`":
            self.stack.pop()
        return 1

    def _in_arith(self, char: str, ahead: str) -> int:
        if char == ")" and ahead.startswith(")") and self.top.depth == 0:
            self.stack.pop()
            return 2
        self.top.depth += {"(": 1, ")": -1}.get(char, 0)
        return 1

    def _in_double(self, char: str, ahead: str) -> int:
        if char == "\\":
            self.escaped = True
        elif char == '"':
            self.stack.pop()
        else:
            used = self._open(char, ahead)
            if not used:
                self.top.prev = char
            return used or 1
        return 1

    def _in_plain(self, char: str, ahead: str) -> int:
        frame = self.top
        used = self._open(char, ahead)
        if used:
            return used
        if char == "\\":
            self.escaped = True
        elif char in "'\"":
            self.stack.append(Frame("single" if char == "'" else "double"))
        elif char == "#" and frame.prev in WORD_BREAKS:
            self.stack.append(Frame("comment"))
        elif char in "()":
            self._paren(char)
        elif char == "<" and ahead.startswith("<"):
            self.heredoc = True
        frame.prev = char
        return 1

    def _paren(self, char: str) -> None:
        frame = self.top
        if char == "(":
            frame.depth += 1
        elif frame.depth > 0:
            frame.depth -= 1
        elif frame.nested:
            self.stack.pop()  # the `)` that closes `$(`

    def _open(self, char: str, ahead: str) -> int:
        """Enter ``$(``, ``$((``, ``${`` or a backquote; returns the characters used (0: none)."""
        if char == "`":
            self.stack.append(Frame("backquote"))
            return 1
        if char != "$" or not ahead or ahead[0] not in "({":
            return 0
        if ahead[0] == "{":
            self.stack.append(Frame("brace"))
            return 2
        if ahead == "((":
            self.stack.append(Frame("arith"))
            return 3
        self.stack.append(Frame("plain", nested=True))
        return 2
