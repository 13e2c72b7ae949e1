"""kiosk.core.record: a Record behaves as the frozen dataclass with the same fields would."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, InitVar, dataclass
from dataclasses import field as dataclass_field
from typing import ClassVar

import pytest

from kiosk.core.record import Record, field, fields, replace


class Point(Record):
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = field(default="", compare=False, repr=False)
    made: ClassVar[int] = 0


@dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = dataclass_field(default_factory=tuple)
    note: str = dataclass_field(default="", compare=False, repr=False)
    made: ClassVar[int] = 0


class Span(Record, order=True):
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"empty span {self!r}")


@dataclass(frozen=True, order=True)
class DataSpan:
    start: int
    end: int


class Listing(Record):
    items: list[int] = field(default_factory=list)


def test_it_is_made_from_positions_names_and_defaults_as_a_dataclass_is():
    for made, same in (
        (Point(1), DataPoint(1)),
        (Point(1, 2), DataPoint(1, 2)),
        (Point(y=2, x=1, tags=("a",)), DataPoint(y=2, x=1, tags=("a",))),
        (Point(1, 2, ("a",), "hello"), DataPoint(1, 2, ("a",), "hello")),
    ):
        assert repr(made) == repr(same).replace("DataPoint", "Point")
        assert (made.x, made.y, made.tags, made.note) == (same.x, same.y, same.tags, same.note)
    assert [f.name for f in fields(Point(1))] == ["x", "y", "tags", "note"]
    assert Point.__match_args__ == DataPoint.__match_args__
    assert Point.made == 0  # a ClassVar is not a field
    assert Point.y == 0  # defaults stay on the class, as a dataclass leaves them
    assert not hasattr(Point, "tags")  # a default factory leaves nothing, as with a dataclass
    assert not hasattr(DataPoint, "tags")


def test_a_default_factory_makes_a_new_value_for_each_record():
    first, second = Listing(), Listing()
    assert first.items == []
    assert first.items is not second.items


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing the argument 'x'"),
        ((1, 2, (), "", "extra"), {}, "takes 4 arguments but 5 were given"),
        ((1,), {"x": 2}, "two values for 'x'"),
        ((1,), {"z": 2}, "has no field 'z'"),
    ],
)
def test_wrong_arguments_are_a_type_error_as_with_a_dataclass(args, kwargs, message):
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)
    with pytest.raises(TypeError):
        DataPoint(*args, **kwargs)


def test_it_is_frozen():
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        point.other = 2  # type: ignore[attr-defined]
    assert point.x == 1


def test_equality_and_hash_follow_the_compared_fields_of_the_same_class():
    assert Point(1, 2, note="a") == Point(1, 2, note="b")  # note: compare=False
    assert hash(Point(1, 2, note="a")) == hash(Point(1, 2, note="b"))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1) != DataPoint(1)  # another class, though its fields are the same
    assert Point(1) != (1, 0, ())
    assert len({Point(1), Point(1), Point(2)}) == 2
    assert hash(Point(1, 2, ("a",))) == hash(DataPoint(1, 2, ("a",)))
    with pytest.raises(TypeError, match="unhashable"):
        hash(Listing())


def test_a_record_with_its_own_equality_keeps_a_hash_of_its_fields_as_a_dataclass_does():
    class Named(Record):
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and self.name.lower() == other.name.lower()

    assert Named("A") == Named("a")
    assert hash(Named("A")) == hash(("A",))
    assert DataPoint(1, 2) == DataPoint(1, 2, (), "x")  # what the first line matches


def test_order_compares_the_fields_in_order_only_when_asked_for():
    spans = [Span(5, 7), Span(1, 9), Span(1, 3)]
    data = [DataSpan(5, 7), DataSpan(1, 9), DataSpan(1, 3)]
    assert [(s.start, s.end) for s in sorted(spans)] == [(d.start, d.end) for d in sorted(data)]
    assert Span(1, 3) <= Span(1, 3) < Span(1, 4)
    assert Span(2, 3) >= Span(1, 9) > Span(1, 3)
    with pytest.raises(TypeError):
        assert Point(1) < Point(2)  # type: ignore[operator]
    with pytest.raises(TypeError):
        assert Span(1, 2) < DataSpan(1, 2)  # type: ignore[operator]


def test_order_leaves_out_the_fields_not_compared():
    class Entry(Record, order=True):
        rank: int
        note: str = field(default="", compare=False)

    assert not Entry(1, "b") < Entry(1, "a")
    assert Entry(1, "b") <= Entry(1, "a")


def test_post_init_runs_when_made_and_when_replaced():
    with pytest.raises(ValueError, match="empty span Span"):
        Span(3, 3)
    with pytest.raises(ValueError, match="empty span"):
        replace(Span(1, 3), end=1)


def test_replace_copies_with_changes_and_refuses_an_unknown_field():
    point = Point(1, 2, ("a",), "kept")
    moved = replace(point, y=5)
    assert (moved.x, moved.y, moved.tags, moved.note) == (1, 5, ("a",), "kept")
    assert point.y == 2
    assert type(moved) is Point
    with pytest.raises(TypeError, match="Point has no field 'z'"):
        replace(point, z=1)


def test_it_pickles_and_copies_as_equal_records_without_calling_init(monkeypatch):
    span = Span(1, 3)
    raw = {protocol: pickle.dumps(span, protocol=protocol) for protocol in range(2, 6)}
    made = copy.deepcopy(Point(1, tags=("a",)))
    assert made == Point(1, tags=("a",))
    assert copy.copy(span) == span

    def refuse(self: Span) -> None:
        raise AssertionError("__post_init__ ran")

    # The content cache stores records: one is read back as it was written, as a dataclass is.
    monkeypatch.setattr(Span, "__post_init__", refuse)
    for data in raw.values():
        again = pickle.loads(data)
        assert again == span
        assert type(again) is Span
    assert copy.copy(span) == span


def test_fields_are_inherited_in_order():
    class Labelled(Point):
        label: str = "here"
        y: int = 5  # a field given again keeps its place, as in a dataclass

    labelled = Labelled(1, label="there")
    assert [f.name for f in fields(labelled)] == ["x", "y", "tags", "note", "label"]
    assert labelled.y == 5
    assert repr(labelled).startswith("test_fields_are_inherited_in_order.<locals>.Labelled(x=1,")
    assert labelled != Point(1, 5)


def test_a_class_a_dataclass_would_refuse_is_refused():
    with pytest.raises(TypeError, match="'b' without a default follows 'a'"):

        class Misordered(Record):
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="a mutable default"):

        class Shared(Record):
            items: list[int] = []  # noqa: RUF012 (the point of the test)

    with pytest.raises(ValueError, match="a mutable default"):

        class SharedBytes(Record):
            items: bytearray = bytearray()

    with pytest.raises(TypeError, match="takes no init, kw_only or hash"):

        class Hidden(Record):
            secret: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="a record takes no InitVar"):

        class Setting(Record):
            given: InitVar[int]

    with pytest.raises(TypeError, match="its own __lt__: it cannot be ordered"):

        class Ranked(Record, order=True):
            rank: int

            def __lt__(self, other: object) -> bool:
                return True


def test_copy_replace_works_from_python_3_13():
    if not hasattr(copy, "replace"):
        pytest.skip("copy.replace is new in Python 3.13")
    assert copy.replace(Point(1), y=2) == Point(1, 2)  # type: ignore[attr-defined]
