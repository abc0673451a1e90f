"""The simple commands of a step's command, word by word, with where each word is written.

Azure ML hands a command to a shell; to know which script it runs (F806
script-not-in-code) azpipe reads the command's literal text as the shell splits it
into words and commands: quotes are removed, ``\\`` escapes the next character,
``#`` starts a comment, ``;``, ``&&``, ``||``, ``|``, ``&``, a newline and
parentheses end a command, a redirection's target is not a word of the command,
and a here-document's body is skipped. Placeholders (``${{ }}``), ``$`` expansions,
backquotes and globs make a word *dynamic*: its value is only known when the
command runs, so nothing is concluded from it.

This reads words only; which places the shell evaluates again is
:mod:`azpipe.expr.shell`'s job (P406).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import field
from typing import NamedTuple

from azpipe.expr.ast import Placeholder, Template, Text
from azpipe.expr.shell import flatten
from azpipe.records import record

BLANKS = frozenset(" \t")
OPERATORS = frozenset(";&|()\n")
REDIRECTS = frozenset("<>")
GLOBS = frozenset("*?[")
# Runs of characters that mean nothing special where they are: read as one piece.
ORDINARY = re.compile(r"[^ \t\n;&|()<>'\"\\$`#*?\[]+")
SINGLE_QUOTED = re.compile(r"[^']+")
DOUBLE_QUOTED = re.compile(r'[^"\\$`]+')


class Word(NamedTuple):
    """One shell word: its text with quotes removed, and its offsets in the command string."""

    text: str
    start: int
    end: int
    dynamic: bool = False  # holds a placeholder, an expansion or a glob: its value is unknown here


class SimpleCommand(NamedTuple):
    """The words of one simple command and the operator that ends it (``""`` at the end)."""

    words: tuple[Word, ...]
    ends_with: str
    targets: tuple[Word, ...] = ()  # what its redirections write to or read from (`> out.txt`)


@record
class _Reader:
    """The state of the word reader over one command."""

    commands: list[SimpleCommand] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    targets: list[Word] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)
    start: int = -1
    end: int = -1
    dynamic: bool = False
    redirect: bool = False  # the next word is a redirection's target
    heredocs: list[tuple[str, bool]] = field(default_factory=list)  # (delimiter, strip tabs)
    heredoc_next: bool = False  # the next word is a here-document's delimiter
    strip_tabs: bool = False
    quote: str = ""  # the open quote, if any
    closing: str = ""  # what closes the open expansion (`)`, `}` or a backquote), if any
    opening: str = ""
    depth: int = 0

    def add(self, char: str, offset: int, dynamic: bool = False) -> None:
        """Append ``char`` (written at ``offset``) to the current word."""
        if self.start < 0:
            self.start = offset
        self.chars.append(char)
        self.end = offset + 1
        self.dynamic |= dynamic

    def add_run(self, text: str, offset: int) -> None:
        """Append ``text`` (written from ``offset`` on, no character of it special) to the word."""
        if self.start < 0:
            self.start = offset
        self.chars.append(text)
        self.end = offset + len(text)

    def touch(self, offset: int, end: int) -> None:
        """Mark ``[offset, end)`` as part of the current word (quotes, placeholders)."""
        if self.start < 0:
            self.start = offset
        self.end = max(self.end, end)

    def close_word(self) -> None:
        """End the current word, if one was started."""
        if self.start < 0:
            return
        word = Word("".join(self.chars), self.start, self.end, self.dynamic)
        if self.heredoc_next:
            self.heredocs.append((word.text, self.strip_tabs))
            self.heredoc_next = False
        elif self.redirect:
            self.targets.append(word)
            self.redirect = False
        else:
            self.words.append(word)
        self.chars, self.start, self.end, self.dynamic = [], -1, -1, False

    def close_command(self, operator: str) -> None:
        """End the current simple command with ``operator``."""
        self.close_word()
        if self.words or self.targets or operator in "()":
            self.commands.append(SimpleCommand(tuple(self.words), operator, tuple(self.targets)))
        self.words, self.targets = [], []


def simple_commands(template: Template, text: str) -> list[SimpleCommand]:
    """The simple commands of ``template`` (parsed from ``text``), every ``$[[ ]]`` kept."""
    reader = _Reader()
    for part in flatten(template):
        if isinstance(part, Placeholder):
            reader.touch(part.start, part.end)
            reader.chars.append(text[part.start : part.end])
            reader.dynamic = True
        elif isinstance(part, Text):
            _text(reader, part)
    reader.close_command("")
    return reader.commands


def _text(reader: _Reader, part: Text) -> None:
    """Read one literal part of the command."""
    chars, base, index = part.text, part.start, 0
    while index < len(chars):
        index = _step(reader, chars, base, index)


def _step(reader: _Reader, chars: str, base: int, index: int) -> int:
    """Read what starts at ``chars[index]``; returns the index after it."""
    char = chars[index]
    if reader.closing:
        return _in_expansion(reader, chars, base, index)
    if reader.quote:
        return _in_quotes(reader, chars, base, index)
    if char == "\\":
        if index + 1 < len(chars) and chars[index + 1] != "\n":
            reader.add(chars[index + 1], base + index + 1)
        return index + 2
    if char in "'\"":
        reader.quote = char
        reader.touch(base + index, base + index + 1)
        return index + 1
    if char == "#" and reader.start < 0:
        newline = chars.find("\n", index)
        return len(chars) if newline < 0 else newline
    if char in "$`":
        return _expansion(reader, chars, base, index)
    if char in BLANKS:
        reader.close_word()
        return index + 1
    if char in REDIRECTS:
        return _redirect(reader, chars, index)
    if char in OPERATORS:
        return _operator(reader, chars, index)
    if char in GLOBS:
        reader.add(char, base + index, dynamic=True)
        return index + 1
    return _run(reader, ORDINARY, chars, base, index)


def _in_quotes(reader: _Reader, chars: str, base: int, index: int) -> int:
    """One character inside single or double quotes (which may span a placeholder)."""
    char = chars[index]
    if char == reader.quote:
        reader.quote = ""
        reader.touch(base + index, base + index + 1)
        return index + 1
    if reader.quote == '"' and char == "\\" and index + 1 < len(chars):
        reader.add(chars[index + 1], base + index + 1)
        return index + 2
    if reader.quote == '"' and char in "$`":
        return _expansion(reader, chars, base, index)
    return _run(reader, SINGLE_QUOTED if reader.quote == "'" else DOUBLE_QUOTED, chars, base, index)


def _run(reader: _Reader, ordinary: re.Pattern[str], chars: str, base: int, index: int) -> int:
    """Add the run of ``ordinary`` characters at ``index`` (at least the one there) to the word."""
    found = ordinary.match(chars, index)
    end = found.end() if found else index + 1
    reader.add_run(chars[index:end], base + index)
    return end


def _expansion(reader: _Reader, chars: str, base: int, index: int) -> int:
    """``$NAME``, ``${ }``, ``$( )``, ``$(( ))`` or a backquoted command: part of a dynamic word."""
    reader.add(chars[index], base + index, dynamic=True)
    opened = chars[index : index + 2]
    if chars[index] == "`":
        reader.closing, reader.opening = "`", ""
        return index + 1
    if opened in ("$(", "${"):
        reader.closing, reader.opening = (")", "(") if opened == "$(" else ("}", "{")
        reader.depth = 0
        reader.add(chars[index + 1], base + index + 1)
        return index + 2
    return index + 1  # `$NAME`: the name's characters follow as ordinary ones


def _in_expansion(reader: _Reader, chars: str, base: int, index: int) -> int:
    """One character inside ``$( )``, ``${ }`` or backquotes (read as part of the word)."""
    char = chars[index]
    reader.add(char, base + index)
    if char == reader.closing and reader.depth == 0:
        reader.closing = ""
    elif char == reader.closing:
        reader.depth -= 1
    elif reader.opening and char == reader.opening:
        reader.depth += 1
    return index + 1


def _redirect(reader: _Reader, chars: str, index: int) -> int:
    """``<``, ``>``, ``>>``, ``2>``, ``&>``, ``>&``, ``<<`` (a here-document): the next word is a target."""
    if reader.chars and all(c.isdigit() for c in reader.chars):  # the `2` of `2>`
        reader.chars, reader.start, reader.end = [], -1, -1
    reader.close_word()
    if chars.startswith("<<", index):
        reader.strip_tabs = chars.startswith("<<-", index)
        reader.heredoc_next = True
        return index + (3 if reader.strip_tabs else 2)
    reader.redirect = True
    index += 1
    while index < len(chars) and chars[index] in "<>&|":
        index += 1
    return index


def _operator(reader: _Reader, chars: str, index: int) -> int:
    """``;``, ``&&``, ``||``, ``|``, ``&``, a newline or a parenthesis: the command ends."""
    two = chars[index : index + 2]
    operator = two if two in ("&&", "||", ";;") else chars[index]
    reader.close_command(operator)
    index += len(operator)
    if operator == "\n" and reader.heredocs:
        index = _skip_heredocs(reader, chars, index)
    return index


def _skip_heredocs(reader: _Reader, chars: str, index: int) -> int:
    """Skip the bodies of the here-documents opened on the line that just ended."""
    for delimiter, strip_tabs in reader.heredocs:
        while index < len(chars):
            newline = chars.find("\n", index)
            line = chars[index : len(chars) if newline < 0 else newline]
            index = len(chars) if newline < 0 else newline + 1
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
    reader.heredocs = []
    return index


def words_of(commands: Sequence[SimpleCommand]) -> Iterator[Word]:
    """Every word and redirection target of every command, in order."""
    for command in commands:
        yield from command.words
        yield from command.targets
