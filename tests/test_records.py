"""``azpipe.records.record`` behaves as ``dataclasses.dataclass``, with shared methods.

Every record class azpipe defines is compared with the dataclass the standard library
would make of the same class body: the same fields, and the same ``repr``, equality
and hashing on instances built from generated field values.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
from typing import Any

import pytest

import azpipe
from azpipe.records import is_record, made, record


def _azpipe_records() -> list[type]:
    """Every class of azpipe made by ``@record`` (its modules imported; optional ones skipped)."""
    found: dict[str, type] = {}
    for module_info in pkgutil.walk_packages(azpipe.__path__, "azpipe."):
        if module_info.name == "azpipe.__main__":  # runs the command line
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # an extra that is not installed
            continue
        for value in vars(module).values():
            if isinstance(value, type) and is_record(value) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = made(value)
    return [found[name] for name in sorted(found)]


RECORDS = _azpipe_records()


def test_finds_azpipe_records() -> None:
    names = {cls.__qualname__ for cls in RECORDS}
    assert {"Step", "Pipeline", "Port", "Scalar", "Rule"} <= names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_methods_as_dataclasses_makes_them(cls: type) -> None:
    """Each record's methods, against the standard library's on a twin of the class."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    twin = _stdlib_twin(cls)
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(twin)]
    values = {f.name: _value(f, 1) for f in dataclasses.fields(cls)}
    other = {f.name: _value(f, 2) for f in dataclasses.fields(cls)}
    ours, theirs = _bare(cls, values), _bare(twin, values)
    assert repr(ours).replace(cls.__qualname__, "X", 1) == repr(theirs).replace(twin.__qualname__, "X", 1)
    assert (ours == _bare(cls, values)) == (theirs == _bare(twin, values))
    assert (ours == _bare(cls, other)) == (theirs == _bare(twin, other))
    assert (ours == object()) == (theirs == object())
    assert (cls.__hash__ is None) == (twin.__hash__ is None)
    assert params.frozen == twin.__dataclass_params__.frozen  # type: ignore[attr-defined]


def _stdlib_twin(cls: type) -> type:
    """``cls``'s own body (its methods, its fields) made into a dataclass by the standard library."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    body = {
        name: value
        for name, value in cls.__dict__.items()
        if name
        not in ("__dict__", "__weakref__", "__dataclass_fields__", "__dataclass_params__", "__match_args__")
        and not _generated(value)
        and not (name == "__hash__" and value is None)
    }
    body["__annotations__"] = {f.name: f.type for f in dataclasses.fields(cls)}
    for f in dataclasses.fields(cls):
        body[f.name] = dataclasses.field(
            default=f.default,
            default_factory=f.default_factory,
            init=f.init,
            repr=f.repr,
            hash=f.hash,
            compare=f.compare,
            metadata=f.metadata,
        )
    twin = type(cls.__name__, tuple(b for b in cls.__bases__ if b is not object), body)
    twin.__qualname__ = cls.__qualname__
    return dataclasses.dataclass(
        twin,
        # ``record`` asks dataclasses for no __eq__ when it adds its own
        eq=params.eq or _generated(cls.__dict__.get("__eq__")),
        frozen=params.frozen,
        order=params.order,
        unsafe_hash=params.unsafe_hash,
    )


def _generated(value: Any) -> bool:
    """A method dataclasses compiled or ``record`` made, not one the class's author wrote."""
    code = getattr(getattr(value, "__wrapped__", value), "__code__", None)
    return code is not None and (code.co_filename == "<string>" or code.co_filename.endswith("records.py"))


def _bare(cls: type, values: dict[str, Any]) -> Any:
    """An instance with these field values, built without ``__init__`` (so no ``__post_init__``)."""
    instance = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(instance, name, value)
    return instance


def _value(f: dataclasses.Field[Any], seed: int) -> Any:
    """A value for a field: plain, comparable and with a stable repr."""
    return f"{f.name}-{seed}" if seed != 1 or len(f.name) % 2 else seed * len(f.name)


# -- the semantics, on small classes of our own --------------------------------------


@record
class Point:
    x: float
    y: float = 0.0
    hidden: list[int] = dataclasses.field(default_factory=list, repr=False, compare=False)


@record
class Box:
    item: Any = None


@record
class Empty:
    pass


@record(frozen=True)
class FrozenPoint:
    x: int
    y: int


@record(eq=False)
class ByIdentity:
    x: int


def test_repr_is_dataclass_text() -> None:
    assert repr(Point(1, 2, [3])) == "Point(x=1, y=2)"
    assert repr(Empty()) == "Empty()"
    assert repr(FrozenPoint(1, 2)) == "FrozenPoint(x=1, y=2)"


def test_repr_of_a_record_that_contains_itself() -> None:
    box = Box()
    box.item = [box]
    assert repr(box) == "Box(item=[...])"


def test_equality_field_by_field_same_class_only() -> None:
    assert Point(1, 2, [1]) == Point(1, 2, [2])  # compare=False is left out
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != FrozenPoint(1, 2)
    assert Empty() == Empty()
    assert Point.__eq__(Point(1), (1, 0.0)) is NotImplemented


def test_a_field_holding_the_same_nan_is_equal_as_in_a_tuple() -> None:
    nan = math.nan
    assert Point(nan) == Point(nan)  # the same object: tuples compare identity first
    assert Box(nan) == Box(nan)  # one field too
    assert Point(float("nan")) != Point(float("nan"))


def test_hashing_as_dataclasses() -> None:
    assert Point.__hash__ is None
    assert hash(FrozenPoint(1, 2)) == hash(FrozenPoint(1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        FrozenPoint(1, 2).x = 3  # type: ignore[misc]
    one = ByIdentity(1)
    assert one != ByIdentity(1) and one == one
    assert hash(one) == object.__hash__(one)


def test_a_method_written_in_the_class_is_kept() -> None:
    @record
    class Custom:
        x: int

        def __repr__(self) -> str:
            return "custom"

        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    assert repr(Custom(1)) == "custom" and Custom(1) == Custom(2)
    assert hash(Custom(1)) is not None


def test_still_a_dataclass() -> None:
    moved = dataclasses.replace(Point(1, 2), y=5)
    assert moved == Point(1, 5)
    assert dataclasses.asdict(FrozenPoint(1, 2)) == {"x": 1, "y": 2}


# -- made when first needed ------------------------------------------------------------


def test_made_at_the_first_instance() -> None:
    @record
    class Later:
        x: int
        items: list[int] = dataclasses.field(default_factory=list)

    assert is_record(Later) and not dataclasses.is_dataclass(Later)
    first = Later(1)
    assert dataclasses.is_dataclass(Later)
    assert first == Later(1, []) and repr(first).endswith(".Later(x=1, items=[])")
    assert first.items is not Later(1).items
    with pytest.raises(TypeError):
        Later()  # type: ignore[call-arg]


def test_a_subclass_makes_its_bases_first() -> None:
    @record
    class Base:
        x: int
        y: int = 2

    @record(frozen=True)
    class FrozenBase:
        a: int

    @record
    class Child(Base):
        z: int = 3

    assert Child(1) == Child(1, 2, 3) and repr(Child(1, z=4)).endswith(".Child(x=1, y=2, z=4)")
    assert dataclasses.is_dataclass(Base) and Base(5).y == 2
    assert [f.name for f in dataclasses.fields(made(FrozenBase))] == ["a"]


def test_made_asks_without_an_instance() -> None:
    @record
    class Asked:
        x: int = 1

    assert [f.name for f in dataclasses.fields(made(Asked))] == ["x"]
    assert made(Asked) is Asked and Asked() == Asked(1)


def test_a_class_with_its_own_init_is_made_at_once() -> None:
    @record
    class Own:
        x: int

        def __init__(self, text: str) -> None:
            self.x = len(text)

    assert dataclasses.is_dataclass(Own) and Own("abc") == Own("xyz")


def test_first_instances_from_many_threads_make_the_class_once() -> None:
    import threading

    @record
    class Shared:
        items: list[int] = dataclasses.field(default_factory=list)
        x: int = 0

    barrier = threading.Barrier(8)
    made_ones: list[Any] = []

    def create() -> None:
        barrier.wait()
        made_ones.append(Shared())

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made_ones == [Shared([], 0)] * 8
    assert len({id(one.items) for one in made_ones}) == 8  # the default factory survived


def test_a_plain_subclass_of_a_record_not_made_yet_gets_its_init() -> None:
    @record
    class Base:
        x: int

    class Plain(Base):
        pass

    assert Plain(3).x == 3 and repr(Plain(3)).endswith(".Plain(x=3)")
