"""``@record``: a dataclass whose ``__repr__`` and ``__eq__`` are shared, not compiled per class.

:func:`dataclasses.dataclass` writes each generated method as source text and compiles
it, once per class, every time the program starts. azpipe defines about a hundred
dataclasses, and ``azpipe check`` imports most of them: compiling their ``__repr__``
and ``__eq__`` took about a tenth of the whole import (measured: 8 ms of 76 ms), for
methods a check rarely calls. ``record`` makes the same dataclass with those two
methods built from one shared implementation per method, parametrised by the class's
fields, so nothing is compiled for them. ``__init__`` (called for every node and step)
and, on frozen and hashable records, ``__eq__`` and ``__hash__`` (dictionary keys) stay
dataclasses' compiled ones, which are faster per call.

The methods behave as dataclasses' do, which ``tests/test_records.py`` checks against
the standard library class by class: the same text, ``...`` for a record that contains
itself, equality field by field (identity first, as tuples compare) only with an
instance of the very same class, and no hash for a mutable record that compares by value.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar, overload

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # only type checkers read it, and they run on 3.11 or later

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        """Python 3.10 has no ``typing.dataclass_transform``: the decorator unchanged."""
        return lambda decorated: decorated


_T = TypeVar("_T", bound=type)


@overload
def record(cls: _T, /) -> _T: ...


@overload
def record(
    *, eq: bool = True, frozen: bool = False, order: bool = False, unsafe_hash: bool = False
) -> Callable[[_T], _T]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(
    cls: _T | None = None,
    /,
    *,
    eq: bool = True,
    frozen: bool = False,
    order: bool = False,
    unsafe_hash: bool = False,
) -> _T | Callable[[_T], _T]:
    """Make ``cls`` a dataclass, as ``@dataclass(eq=..., frozen=..., ...)`` would."""

    def wrap(cls: _T) -> _T:
        return _record(cls, eq=eq, frozen=frozen, order=order, unsafe_hash=unsafe_hash)

    return wrap if cls is None else wrap(cls)


def _record(cls: _T, *, eq: bool, frozen: bool, order: bool, unsafe_hash: bool) -> _T:
    # Frozen and hashable records keep the compiled __eq__ and __hash__: they are
    # dictionary keys, where a per-call saving matters more than the import.
    compiled_eq = eq and (frozen or unsafe_hash or order)
    cls = dataclasses.dataclass(  # type: ignore[assignment]
        cls, repr=False, eq=compiled_eq, frozen=frozen, order=order, unsafe_hash=unsafe_hash
    )
    fields = dataclasses.fields(cls)
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _repr_of(tuple(f.name for f in fields if f.repr))  # type: ignore[assignment]
    if eq and not compiled_eq and "__eq__" not in cls.__dict__:
        cls.__eq__ = _eq_of(tuple(f.name for f in fields if f.compare))  # type: ignore[assignment]
        if "__hash__" not in cls.__dict__:
            cls.__hash__ = None  # type: ignore[assignment]  # as dataclasses: equal by value, so unhashable
    return cls


def _repr_of(names: tuple[str, ...]) -> Callable[[Any], str]:
    """``Class(a=1, b='x')``, the text of dataclasses' ``__repr__``."""

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _eq_of(names: tuple[str, ...]) -> Callable[[Any, Any], Any]:
    """Equal when of the same class with equal fields, compared as dataclasses compare them:
    as tuples, so a field holding the same object (a NaN) is equal to itself."""
    if len(names) > 1:
        values: Callable[[Any], Any] = operator.attrgetter(*names)
    elif names:
        one = operator.attrgetter(names[0])

        def values(instance: Any) -> tuple[Any, ...]:
            return (one(instance),)
    else:

        def values(instance: Any) -> tuple[Any, ...]:
            return ()

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__
