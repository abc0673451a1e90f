"""Turning a step's command template into what ``/bin/sh -c`` runs, with values kept out of it.

No value is ever written into the shell text. Each placeholder becomes a
reference to an environment variable (``"${AZPIPE_VALUE_3}"``) that holds the
value, so whatever a value contains (``;``, ``$( )``, quotes, newlines, ``#``)
is data the shell expands once and never reads as code, in every context. The
reference is written for the place it lands in (read by :mod:`azpipe.expr.shell`):
quoted in a bare word, bare inside double quotes, between closed and reopened
single quotes, so the value arrives as one intact piece of its word — never
split, globbed or expanded. Places where the shell evaluates text again
(backquotes, ``${ }``, ``$(( ))``, here-documents) are refused, as on Azure ML,
where the value is pasted into the text.

The command shown to people (``azpipe plan``, ``run.json``) has the values
shell-quoted in place: it reads like the command Azure ML would run, and is
never itself executed.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from azpipe.expr.ast import Placeholder, Ref, RefKind, Segment, Template, Text
from azpipe.expr.shell import Place, flatten, places
from azpipe.records import record

RESERVED_WORDS = frozenset((
    "!", "{", "}", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function",
    "if", "in", "select", "then", "time", "until", "while",
))  # fmt: skip
VALUE_VARIABLE = "AZPIPE_VALUE_{}"


class UnsafeCommand(Exception):
    """A placeholder sits where the shell would evaluate its value."""


@record(frozen=True)
class RenderedCommand:
    """A step's command ready to run: the script, the values it reads, and its readable form."""

    script: str  # what `/bin/sh -c` runs; placeholders are variable references
    values: dict[str, str]  # the variables that hold the values (added to the step's environment)
    display: str  # the command with values quoted in place, for people; never run


def quote(value: str) -> str:
    """``shlex.quote``, but also quoting words the shell would read as keywords or assignments."""
    quoted = shlex.quote(value)
    if quoted == value and ("=" in value or value in RESERVED_WORDS):
        return "'" + value + "'"
    return quoted


def normalised(template: Template, present: set[str]) -> str:
    """The command with segments resolved and every placeholder left as ``${{inputs.x}}``.

    This is the command the cache key records: it changes when the text of the
    command changes, not when a path or a value does (those are keyed separately).
    """
    return "".join(
        part.text if isinstance(part, Text) else "${{" + part.ref.canonical() + "}}"
        for part in flatten(template, present)
    )


def render(
    template: Template, inputs: Mapping[str, str | None], outputs: Mapping[str, str]
) -> RenderedCommand:
    """The command for ``/bin/sh -c`` and the values it reads.

    ``inputs`` maps each input to its text (``None``: not given); ``outputs`` maps
    each output to its path. Raises ``UnsafeCommand`` for a placeholder the shell
    would evaluate, or one with no value here.
    """
    present = {name for name, value in inputs.items() if value is not None}
    script: list[str] = []
    display: list[str | None] = []  # None: a dropped segment was here
    values: dict[str, str] = {}
    drops = _drops(template, present)
    for index, (part, place) in enumerate(places(template, present)):
        display += [None] * drops[index]
        if isinstance(part, Text):
            script.append(part.text)
            display.append(part.text)
            continue
        assert place is not None
        value = _value(part, place, inputs, outputs)
        variable = VALUE_VARIABLE.format(len(values))
        values[variable] = value
        script.append(reference(variable, place))
        display.append(quoted(value, place))
    display += [None] * drops[-1]
    return RenderedCommand("".join(script), values, readable(display))


def _drops(template: Template, present: set[str]) -> list[int]:
    """For each part :func:`flatten` yields, how many dropped segments come just before it; one
    more entry for those at the end."""
    counts = [0]  # the last entry counts the drops waiting for the next part
    for part in template.parts:
        kept = len(list(flatten(Template((part,)), present)))
        if isinstance(part, Segment) and not kept:
            counts[-1] += 1
        counts += [0] * kept
    return counts


def readable(pieces: list[str | None]) -> str:
    """The displayed command: ``pieces`` joined, with no run of blanks left where a segment was dropped.

    ``--epochs 3 $[[--rate ${{inputs.rate}}]] --model m`` without a rate shows as
    ``--epochs 3 --model m``, not with two spaces. Only the readable form is
    normalised: the script keeps both blanks, which the shell treats as one.
    """
    joined: list[str] = []
    dropped = False
    for piece in pieces:
        if piece is None:
            dropped = True
            continue
        if dropped and (not joined or joined[-1][-1:] in " \t"):
            piece = piece.lstrip(" \t")  # a blank on the left already separates the words
        dropped = dropped and not piece
        if piece:
            joined.append(piece)
    text = "".join(joined)
    return text.rstrip(" \t") if dropped else text


def reference(variable: str, place: Place) -> str:
    """Shell text that expands ``variable`` once, as one intact piece of the word at ``place``."""
    # A pending backslash would escape our first character: a newline after it
    # makes the pair a line continuation, which the shell removes.
    lead = "\n" if place.after_backslash else ""
    # After a bare `$` the reference would read as `$"..."` or `$${...}` (the shell's PID).
    dollar = '""' if place.after_dollar else ""
    if place.kind == "double":
        return lead + dollar + "${" + variable + "}"
    if place.kind == "single":
        return lead + "'\"${" + variable + "}\"'"
    return lead + dollar + '"${' + variable + '}"'


def quoted(value: str, place: Place) -> str:
    """``value`` quoted in place, for reading (the same word as :func:`reference` gives)."""
    lead = "\n" if place.after_backslash else ""
    if place.kind == "comment":
        return lead + value.replace("\n", " ")
    if place.kind == "single":
        return lead + "'" + quote(value) + "'"
    if place.kind == "double":
        return lead + '"' + quote(value) + '"'
    return lead + ('""' if place.after_dollar else "") + quote(value)


def _value(
    part: Placeholder, place: Place, inputs: Mapping[str, str | None], outputs: Mapping[str, str]
) -> str:
    ref: Ref = part.ref
    if place.unsafe is not None:
        raise UnsafeCommand(
            f"`${{{{{ref}}}}}` is {place.unsafe}, where the shell would run what its value holds"
        )
    value = inputs.get(ref.name) if ref.kind is RefKind.INPUT else outputs.get(ref.name)
    if ref.kind not in (RefKind.INPUT, RefKind.OUTPUT) or value is None:
        raise UnsafeCommand(f"`${{{{{ref}}}}}` has no value here")
    if "\0" in value:
        raise UnsafeCommand(f"`${{{{{ref}}}}}`: a value cannot hold a NUL character")
    return value
