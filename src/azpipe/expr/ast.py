"""Typed nodes of template strings: text, ``${{ }}`` placeholders, ``$[[ ]]`` segments.

Offsets (``start``/``end``) are character offsets into the string the template was
parsed from; the YAML scalar maps them to file positions.

The nodes are values: compared and hashed by their fields, and never changed once
built (build a new one instead). They are not ``frozen`` dataclasses only because a
frozen dataclass takes two and a half times as long to build, and checking a
1,000-step pipeline builds some 20,000 of them (7 % of its time, measured).
"""

from __future__ import annotations

import enum

from azpipe.records import record


class RefKind(enum.Enum):
    """The expression forms of the language."""

    INPUT = "inputs"  # inputs.x: the step's own input
    OUTPUT = "outputs"  # outputs.y: the step's own output
    PARENT_INPUT = "parent.inputs"  # parent.inputs.x: a pipeline input
    PARENT_OUTPUT = "parent.outputs"  # parent.outputs.z: a pipeline output (Azure ML form)
    STEP_OUTPUT = "step.outputs"  # STEP.outputs.y, STEP.y, parent.jobs.STEP.outputs.y
    DATA = "data"  # data.NAME: a declared data asset


class Form(enum.Enum):
    """How a step output reference was written (kept so unparse round-trips)."""

    PLAIN = "plain"
    SHORT = "short"  # STEP.y
    LONG = "long"  # parent.jobs.STEP.outputs.y


@record(unsafe_hash=True)  # a value: see the module's docstring
class Ref:
    """A reference inside ``${{ }}``."""

    kind: RefKind
    name: str
    step: str | None = None
    form: Form = Form.PLAIN
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        if self.kind is RefKind.STEP_OUTPUT:
            if self.form is Form.SHORT:
                return f"{self.step}.{self.name}"
            if self.form is Form.LONG:
                return f"parent.jobs.{self.step}.outputs.{self.name}"
            return f"{self.step}.outputs.{self.name}"
        return f"{self.kind.value}.{self.name}"

    def canonical(self) -> str:
        """The expression in its plain form (``STEP.outputs.y`` for every step output form)."""
        if self.kind is RefKind.STEP_OUTPUT:
            return f"{self.step}.outputs.{self.name}"
        return f"{self.kind.value}.{self.name}"


@record(unsafe_hash=True)  # a value: see the module's docstring
class Text:
    """Literal text."""

    text: str
    start: int = 0
    end: int = 0


@record(unsafe_hash=True)  # a value: see the module's docstring
class Placeholder:
    """``${{ ref }}``."""

    ref: Ref
    start: int = 0
    end: int = 0


@record(unsafe_hash=True)  # a value: see the module's docstring
class Segment:
    """``$[[ ... ]]``: an optional part of a command."""

    parts: tuple[Text | Placeholder, ...]
    start: int = 0
    end: int = 0


Part = Text | Placeholder | Segment


@record(unsafe_hash=True)  # a value: see the module's docstring
class Template:
    """A parsed template string."""

    parts: tuple[Part, ...]

    def placeholders(self) -> list[tuple[Placeholder, bool]]:
        """Every placeholder with whether it sits inside a ``$[[ ]]`` segment."""
        found: list[tuple[Placeholder, bool]] = []
        for part in self.parts:
            if isinstance(part, Placeholder):
                found.append((part, False))
            elif isinstance(part, Segment):
                found.extend((p, True) for p in part.parts if isinstance(p, Placeholder))
        return found

    def refs(self) -> list[Ref]:
        """Every reference, in order."""
        return [placeholder.ref for placeholder, _ in self.placeholders()]

    def unparse(self) -> str:
        """The template as text (``${{ }}`` without inner spaces)."""
        return "".join(_unparse(part) for part in self.parts)

    @property
    def is_literal(self) -> bool:
        """True when the template holds no placeholder or segment."""
        return all(isinstance(part, Text) for part in self.parts)


def _unparse(part: Part) -> str:
    if isinstance(part, Text):
        return part.text
    if isinstance(part, Placeholder):
        return "${{" + str(part.ref) + "}}"
    return "$[[" + "".join(_unparse(p) for p in part.parts) + "]]"
