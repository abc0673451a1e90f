"""``@record``: a dataclass made when it is first needed, with shared ``__repr__`` and ``__eq__``.

:func:`dataclasses.dataclass` works out a class's fields and writes each generated
method as source text, which it compiles, once per class, every time the program
starts. azpipe defines about a hundred dataclasses and ``azpipe check`` imports half
of them: making them was a third of the whole import (measured: 27 ms of 76 ms),
most of it for classes a given file never uses (a sweep, a parallel task, a script
the shell reader found), and for ``__repr__`` and ``__eq__``, which a check rarely calls.

So ``record`` does two things, and the class is otherwise the dataclass
``@dataclass(...)`` would make:

- **It makes the dataclass when the first instance is created** (or when :func:`made`
  asks), not at import. Until then the class holds a shared ``__init__`` that makes it
  (its record bases first) and then runs the real one. A class nobody instantiates
  costs nothing.
- **``__repr__`` and ``__eq__`` are shared functions**, parametrised by the class's
  fields, so nothing is compiled for them. ``__init__`` (called for every node and
  step) and, on frozen and hashable records, ``__eq__`` and ``__hash__`` (dictionary
  keys) stay dataclasses' compiled ones, which are faster per call.

Before its first instance, a record class is not yet a dataclass to
:func:`dataclasses.fields` or :func:`dataclasses.is_dataclass`: code that looks at a
class's fields calls :func:`made` first (azpipe's own code never does; its tests do).
Instances are always made ones, so :func:`dataclasses.replace`, ``asdict`` and
``copy`` behave as usual. The methods behave as dataclasses' do, which
``tests/test_records.py`` checks against the standard library class by class: the same
text, ``...`` for a record that contains itself, equality field by field (identity
first, as tuples compare) only with an instance of the very same class, and no hash for
a mutable record that compares by value.
"""

from __future__ import annotations

import _thread
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


# The options of each record class not made yet, and a lock so that two threads creating
# the first instances at once make a class only once (making it twice would lose the
# defaults dataclasses moved off the class).
_PENDING: dict[type, dict[str, bool]] = {}
_LOCK = _thread.RLock()


def _record(cls: _T, **options: bool) -> _T:
    cls.__azpipe_record__ = True  # type: ignore[attr-defined]  # what is_record asks
    with _LOCK:
        _PENDING[cls] = options
        if "__init__" in cls.__dict__:  # its own __init__: nothing to wait for
            return made(cls)
        cls.__init__ = _first_init  # type: ignore[misc]
    return cls


def made(cls: _T) -> _T:
    """``cls`` as a made dataclass (its record bases too): for code that reads its fields
    before any instance exists."""
    with _LOCK:
        for base in reversed(cls.__mro__):
            options = _PENDING.pop(base, None)
            if options is not None:
                if base.__dict__.get("__init__") is _first_init:
                    del base.__init__  # type: ignore[misc]  # for dataclasses to write the real one
                _make(base, options)
    return cls


def is_record(cls: type) -> bool:
    """True for a class made by :func:`record`, made yet or not."""
    return "__azpipe_record__" in cls.__dict__


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The ``__init__`` of a record class not made yet: make it, then run the real one."""
    cls = made(type(self))  # a plain subclass of a record gets the record's real __init__
    cls.__init__(self, *args, **kwargs)


def _make(cls: _T, options: dict[str, bool]) -> _T:
    eq, frozen, order, unsafe_hash = (options[k] for k in ("eq", "frozen", "order", "unsafe_hash"))
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
