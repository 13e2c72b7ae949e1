"""Records: frozen classes that behave as ``@dataclass(frozen=True)`` classes do, without the
cost of making one.

The content model is built on every start before the first page is painted (from the content
cache: :mod:`kiosk.core.content.cache`), so each of its classes is made then too. On Python
3.11 ``dataclasses`` compiles six methods for every frozen class from generated source; for the
model's 21 classes that was 80 M instructions, 7 % of the kiosk's work up to its first
page (``benchmarks/startup_work.py``), and 16-22 ms by the clock. A :class:`Record` subclass
declares its fields as a dataclass does, and shares the methods below, which read the class's
fields from a tuple made with the class: nothing is compiled.

What a subclass gets, as from a frozen dataclass:

- ``__init__`` taking the fields, in order, by position or name; a field's default (or
  ``dataclasses.field(default=..., default_factory=...)``), then ``__post_init__`` if defined;
- assigning or deleting an attribute raises :class:`dataclasses.FrozenInstanceError`;
- ``==`` and ``hash`` over the fields (of the same class only), ``repr`` listing them; a field
  made with ``field(compare=False)`` or ``field(repr=False)`` is left out of those;
- with ``class Span(Record, order=True)``: ``<``, ``<=``, ``>`` and ``>=`` over the fields;
- pickling, as a dataclass pickles (the cache depends on it), and ``__match_args__``;
- :func:`fields` and :func:`replace` stand in for ``dataclasses.fields`` and
  ``dataclasses.replace`` (which refuse a record; ruff's TID251 points here), and
  ``copy.replace`` works from Python 3.13.

What a dataclass refuses, a record refuses too (a default that cannot be hashed, a field
without a default after one with, ``order=True`` over the class's own ``__lt__``); what this
module does not do (``InitVar``, ``KW_ONLY``, ``field(init=False)``, ``kw_only``, ``hash``)
is refused rather than ignored.

Type checkers know all this from :func:`typing.dataclass_transform`. Classes not made on the
way to the first page stay plain dataclasses.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from dataclasses import KW_ONLY, MISSING, Field, FrozenInstanceError, InitVar, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform

__all__ = ["Record", "field", "fields", "replace"]

R = TypeVar("R", bound="Record")


@dataclass_transform(eq_default=True, frozen_default=True, field_specifiers=(field,))
class Record:
    """Base of a frozen record class; see the module's docstring."""

    __record_fields__: ClassVar[tuple[Field[Any], ...]] = ()
    """The fields, in order (the base classes' first), as ``dataclasses.field`` describes them."""
    __record_compared__: ClassVar[tuple[str, ...]] = ()
    """The names of the fields ``==``, ``hash`` and ordering look at."""

    def __init_subclass__(cls, *, order: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = {f.name: f for f in cls.__record_fields__}
        for name, annotation in inspect.get_annotations(cls).items():
            kind = _annotation_name(annotation)
            if kind in _CLASS_VARS:
                continue
            if kind in _NOT_SUPPORTED:
                raise TypeError(f"{cls.__qualname__}.{name}: a record takes no {kind}")
            found[name] = _field(cls, name)
        seen_default = ""
        for each in found.values():
            if _has_default(each):
                seen_default = each.name
            elif seen_default:
                raise TypeError(
                    f"{cls.__qualname__}: field {each.name!r} without a default follows "
                    f"{seen_default!r}, which has one"
                )
        cls.__record_fields__ = tuple(found.values())
        cls.__record_compared__ = tuple(f.name for f in found.values() if f.compare)
        cls.__match_args__ = tuple(found)  # type: ignore[attr-defined,misc]  # as in a dataclass
        if "__eq__" in cls.__dict__ and cls.__dict__.get("__hash__", MISSING) is None:
            cls.__hash__ = Record.__hash__  # type: ignore[method-assign]  # as a dataclass does
        if order:
            for name, test in _ORDER.items():
                if name in cls.__dict__:
                    raise TypeError(f"{cls.__qualname__} has its own {name}: it cannot be ordered")
                setattr(cls, name, _ordering(name, test))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        fields_ = cls.__record_fields__
        if len(args) > len(fields_):
            raise TypeError(
                f"{cls.__qualname__}() takes {len(fields_)} arguments but {len(args)} were given"
            )
        values = self.__dict__
        for each, value in zip(fields_, args, strict=False):
            if each.name in kwargs:
                raise TypeError(f"{cls.__qualname__}() got two values for {each.name!r}")
            values[each.name] = value
        for each in fields_[len(args) :]:
            name = each.name
            if name in kwargs:
                values[name] = kwargs.pop(name)
            elif each.default is not MISSING:
                values[name] = each.default
            elif each.default_factory is not MISSING:
                values[name] = each.default_factory()
            else:
                raise TypeError(f"{cls.__qualname__}() is missing the argument {name!r}")
        if kwargs:
            raise TypeError(f"{cls.__qualname__}() has no field {next(iter(kwargs))!r}")
        post_init: Callable[[], None] | None = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _compared(self) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in self.__record_compared__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        values = self.__dict__
        shown = ", ".join(f"{f.name}={values[f.name]!r}" for f in self.__record_fields__ if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def __replace__(self, /, **changes: Any) -> Any:
        """A copy with ``changes``: :func:`replace` (and, from Python 3.13, ``copy.replace``)."""
        values = self.__dict__
        for name in changes:
            if name not in values:
                raise TypeError(f"{type(self).__qualname__} has no field {name!r}")
        return type(self)(**{**{f.name: values[f.name] for f in self.__record_fields__}, **changes})


def fields(record: Record | type[Record]) -> tuple[Field[Any], ...]:
    """The fields of a record (or of a record class), in order: as ``dataclasses.fields``."""
    return record.__record_fields__


if TYPE_CHECKING:
    # Type checkers take records for dataclasses (dataclass_transform), so their check of
    # dataclasses.replace (the fields' names and types) applies to every call of this one.
    from dataclasses import replace as replace  # noqa: TID251
else:

    def replace(record: R, /, **changes: Any) -> R:
        """A copy of ``record`` with ``changes`` (field names to new values): as
        ``dataclasses.replace``, so ``__post_init__`` runs again."""
        return record.__replace__(**changes)


_CLASS_VARS = frozenset({"ClassVar", "typing.ClassVar"})
_NOT_SUPPORTED = frozenset({"InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY"})


def _annotation_name(annotation: object) -> str:
    """``ClassVar`` for ``ClassVar[int]``, as a string (``from __future__ import annotations``)
    or an object."""
    if isinstance(annotation, str):
        return annotation.split("[")[0].strip()
    if isinstance(annotation, InitVar) or annotation is InitVar:
        return "InitVar"
    if annotation is KW_ONLY:
        return "KW_ONLY"
    return "ClassVar" if getattr(annotation, "__origin__", annotation) is ClassVar else ""


def _field(cls: type, name: str) -> Field[Any]:
    """Field ``name`` of ``cls`` from its class attribute (a default, a ``field(...)`` or none),
    which is left as the default is, as dataclasses leave it."""
    declared = cls.__dict__.get(name, MISSING)
    if isinstance(declared, Field):
        made = declared
        if made.default is MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, made.default)
    else:
        if declared is not MISSING and type(declared).__hash__ is None:  # as dataclasses judge
            raise ValueError(
                f"{cls.__qualname__}.{name}: a mutable default; use field(default_factory=...)"
            )
        made = field(default=declared)
    if not made.init or made.kw_only is True or made.hash is not None:
        raise TypeError(f"{cls.__qualname__}.{name}: a record field takes no init, kw_only or hash")
    made.name = name
    return made


def _has_default(each: Field[Any]) -> bool:
    return each.default is not MISSING or each.default_factory is not MISSING


_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "__lt__": operator.lt,
    "__le__": operator.le,
    "__gt__": operator.gt,
    "__ge__": operator.ge,
}


def _ordering(name: str, test: Callable[[Any, Any], Any]) -> Callable[[Record, object], Any]:
    def compare(self: Record, other: object) -> Any:  # a bool, or NotImplemented
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return test(self._compared(), other._compared())

    compare.__name__ = compare.__qualname__ = name
    return compare
