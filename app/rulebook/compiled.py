"""The compiled rulebook: validated rules as plain records, so a cached load needs no pydantic.

`candor check` starts a new process every time (editors, pre-commit); importing pydantic and
building the rule models' classes costs more than a linter's whole run (bench/bench_cli.py).
So the compiled-rulebook cache (cache.py) stores the validated Rulebook with every rule model
turned into a `Record`: the same attribute names and values (nested models become records, lists
and dicts stay lists and dicts, compiled regexes stay regexes), plus the model's run-time
methods from behaviour.py. Records are read-only, compare by value and pickle by model name,
so unpickling imports only this module. Validation still happens, once, when the cache is built.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from app.rulebook.behaviour import BEHAVIOURS
from app.rulebook.book import Rulebook
from app.rulebook.literals import read_all


class Record:
    """A validated model's fields as read-only attributes (see the module docstring)."""

    __slots__ = ("__dict__",)
    model_name: ClassVar[str] = "Record"

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self.model_name} is read-only (a compiled rule)")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{self.model_name}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (record, (self.model_name, self.__dict__))


_CLASSES: dict[str, type[Record]] = {}


def record_class(model_name: str) -> type[Record]:
    """The record class standing for the model class `model_name` (one per name, made on first use)."""
    cls = _CLASSES.get(model_name)
    if cls is None:
        behaviour = BEHAVIOURS.get(model_name)
        bases: tuple[type, ...] = (behaviour, Record) if behaviour else (Record,)
        cls = type(model_name, bases, {"__slots__": (), "model_name": model_name})
        _CLASSES[model_name] = cls
    return cls


def record(model_name: str, fields: dict[str, Any]) -> Record:
    """A record of model `model_name` with these fields (pickle calls this to rebuild one)."""
    return record_class(model_name)(fields)


def compile_value(value: Any) -> Any:
    """`value` with every pydantic model in it (at any depth) replaced by its record."""
    fields = getattr(type(value), "model_fields", None)
    if isinstance(fields, dict):
        return record(
            type(value).__name__, {name: compile_value(getattr(value, name)) for name in fields}
        )
    if isinstance(value, list):
        return [compile_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(compile_value(v) for v in value)
    if isinstance(value, dict):
        return {k: compile_value(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return type(value)(compile_value(v) for v in value)
    return value


def strings_in(value: Any, out: set[str]) -> set[str]:
    """Every string in `value` (records, lists, tuples, sets, dicts: keys and values), into `out`."""
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, Record):
        strings_in(list(value.__dict__.values()), out)
    elif isinstance(value, dict):
        for k, v in value.items():
            strings_in(k, out)
            strings_in(v, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            strings_in(v, out)
    return out


def regexes_in(value: Any, out: set[str]) -> set[str]:
    """The strings of every field typed `Regex` or `RegexText` (app/rulebook/common.py) in the models
    inside `value`, into `out`: the rules' regexes, found from the schema's own types (a new
    regex field counts without a change here; tests/checks/test_patterns.py checks that every
    regex a check runs is among them)."""
    from functools import cache
    from typing import get_args, get_type_hints

    from app.rulebook.common import Regex, RegexText  # pydantic: only when a cache is built

    def holds_regex(tp: Any) -> bool:
        return tp in (Regex, RegexText) or any(holds_regex(a) for a in get_args(tp))

    @cache
    def regex_fields(cls: type) -> frozenset[str]:
        hints = get_type_hints(cls, include_extras=True)
        return frozenset(name for name in cls.model_fields if holds_regex(hints.get(name)))  # type: ignore[attr-defined]

    def walk(v: Any) -> None:
        fields = getattr(type(v), "model_fields", None)
        if isinstance(fields, dict):
            regexes = regex_fields(type(v))
            for name in fields:
                (strings_in if name in regexes else lambda x, _: walk(x))(getattr(v, name), out)
        elif isinstance(v, dict):
            for item in v.values():
                walk(item)
        elif isinstance(v, (list, tuple, set, frozenset)):
            for item in v:
                walk(item)

    walk(value)
    return out


def compile_rulebook(rulebook: Rulebook) -> Rulebook:
    """The same Rulebook with its rules as records (what the checks read is unchanged), and the
    required literals of every rule regex read once (app/rulebook/literals.py)."""
    compiled = dataclasses.replace(
        rulebook,
        rules=compile_value(rulebook.rules),
        elements=compile_value(rulebook.elements),
        jurisdictions=compile_value(rulebook.jurisdictions),
        agencies=compile_value(rulebook.agencies),
        admissions=compile_value(rulebook.admissions),
        localised_elements=compile_value(rulebook.localised_elements),
    )
    found: set[str] = set()
    for part in (rulebook.rules, rulebook.elements, rulebook.localised_elements):
        regexes_in(part, found)
    return dataclasses.replace(compiled, literals=read_all(found))
