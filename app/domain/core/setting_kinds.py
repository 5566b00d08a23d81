"""Kinds of setting value and the registry they are declared into.

A kind parses and checks one value (text, integer, money, a list of records...);
a SettingSpec names a setting with its kind, default and rule. The settings
themselves are declared in settings_catalog.py; settings.py is the API over them.
JSON forms are exact: Decimals travel as strings, lists of records as lists of
objects, so from_json(key, to_json(key, v)) == v.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from decimal import Decimal
from typing import Any

from app.domain.core.errors import ValidationError
from app.domain.core.money import MINOR_DIGITS, MoneyError, to_decimal

SECTIONS: tuple[str, ...] = (
    "General", "Payments", "Credit notes", "Numbering", "Counter & printing", "Disconnections",
    "SLA", "Billing & dashboard", "Consumption rules", "Exceptions", "GL codes", "Service orders",
    "Reports",
)
MAX_MONEY_PLACES = max(MINOR_DIGITS.values())

Json = Any
Rule = Callable[[Any], str | None]
"""A rule returns what is wrong, in words for the user, or None."""


def apply_rule(label: str, rule: Rule | None, value: Any, prefix: str = "") -> None:
    broken = rule(value) if rule else None
    if broken:
        raise ValidationError(label, prefix + broken)


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _number(label: str, value: object, what: str) -> Decimal:
    try:
        number = to_decimal(value)
    except MoneyError:
        raise ValidationError(label, f"must be {what}") from None
    # 1E+2 is a valid Decimal but a poor thing to show or store: write 100.
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_time_range(text: str) -> tuple[time, time]:
    """"08:00-10:00" -> (08:00, 10:00); raises ValueError saying what is wrong."""
    found = re.fullmatch(r"\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*", text)
    if not found:
        raise ValueError("must be written HH:MM-HH:MM, e.g. 08:00-10:00")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    if max(h1, h2) > 23 or max(m1, m2) > 59:
        raise ValueError("must use times from 00:00 to 23:59")
    start, end = time(h1, m1), time(h2, m2)
    if end <= start:
        raise ValueError("must end after it starts, within one day")
    return start, end


# kinds of value ------------------------------------------------------------

@dataclass(frozen=True)
class TextKind:
    max_length: int = 120
    required: bool = True
    rule: Rule | None = None

    def clean(self, label: str, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(label, "must be text")
        text = value.strip()
        if not text:
            if self.required:
                raise ValidationError(label, "must not be empty")
            return text
        if len(text) > self.max_length:
            raise ValidationError(label, f"must be at most {self.max_length} characters")
        apply_rule(label, self.rule, text)
        return text

    def dump(self, value: str) -> Json:
        return value


@dataclass(frozen=True)
class IntegerKind:
    minimum: int | None = None
    maximum: int | None = None

    def clean(self, label: str, value: object) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(label, "must be a whole number")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(label, f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(label, f"must be at most {self.maximum}")
        return value

    def dump(self, value: int) -> Json:
        return value


@dataclass(frozen=True)
class DecimalKind:
    """A Decimal within bounds; above/below are exclusive bounds, minimum/maximum inclusive."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int = 2
    above: Decimal | None = None
    below: Decimal | None = None

    def clean(self, label: str, value: object) -> Decimal:
        number = _number(label, value, "a number")
        if _places(number) > self.places:
            raise ValidationError(label, f"must have at most {self.places} decimal places")
        for bound, broken, rule in (
            (self.minimum, lambda b: number < b, "must be at least {}"),
            (self.maximum, lambda b: number > b, "must be at most {}"),
            (self.above, lambda b: number <= b, "must be more than {}"),
            (self.below, lambda b: number >= b, "must be less than {}"),
        ):
            if bound is not None and broken(bound):
                raise ValidationError(label, rule.format(bound))
        return number

    def dump(self, value: Decimal) -> Json:
        return str(value)


@dataclass(frozen=True)
class PercentKind(DecimalKind):
    minimum: Decimal | None = Decimal(0)
    maximum: Decimal | None = Decimal(100)


@dataclass(frozen=True)
class MoneyKind:
    """An amount in the utility's currency; a cross rule checks its decimals against it."""

    positive: bool = False

    def clean(self, label: str, value: object) -> Decimal:
        amount = _number(label, value, "an amount")
        if amount < 0:
            raise ValidationError(label, "must not be negative")
        if self.positive and amount == 0:
            raise ValidationError(label, "must be more than 0")
        if _places(amount) > MAX_MONEY_PLACES:
            raise ValidationError(label, f"must have at most {MAX_MONEY_PLACES} decimal places")
        return amount

    def dump(self, value: Decimal) -> Json:
        return str(value)


@dataclass(frozen=True)
class BooleanKind:
    def clean(self, label: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(label, "must be yes or no")
        return value

    def dump(self, value: bool) -> Json:
        return value


@dataclass(frozen=True)
class ChoiceKind:
    options: tuple[Any, ...]

    def clean(self, label: str, value: object) -> Any:
        candidate = value.strip() if isinstance(value, str) else value
        for option in self.options:
            if type(option) is type(candidate) and option == candidate:
                return option
        raise ValidationError(label, "must be one of: " + ", ".join(map(str, self.options)))

    def dump(self, value: Any) -> Json:
        return value


def _as_rows(label: str, value: object, min_items: int, max_items: int) -> list[Any]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(label, "must be a list")
    rows = list(value)
    if len(rows) < min_items:
        need = "at least one entry" if min_items == 1 else f"at least {min_items} entries"
        raise ValidationError(label, f"must have {need}")
    if len(rows) > max_items:
        raise ValidationError(label, f"must have at most {max_items} entries")
    return rows


@dataclass(frozen=True)
class StringListKind:
    """Trimmed, non-empty entries; unique ignoring case unless unique=False."""

    item_max_length: int = 60
    min_items: int = 1
    max_items: int = 50
    unique: bool = True
    item_rule: Rule | None = None
    list_rule: Rule | None = None
    order_by: Callable[[str], Any] | None = None

    def clean(self, label: str, value: object) -> tuple[str, ...]:
        items: list[str] = []
        for n, item in enumerate(_as_rows(label, value, self.min_items, self.max_items), 1):
            if not isinstance(item, str) or not item.strip():
                raise ValidationError(label, f"entry {n} must not be empty")
            text = item.strip()
            if any(ord(ch) < 32 for ch in text):
                raise ValidationError(label, f'entry {n} must not contain a tab or other control character')
            if len(text) > self.item_max_length:
                raise ValidationError(label, f'"{text}" is longer than {self.item_max_length} characters')
            apply_rule(label, self.item_rule, text, prefix=f'"{text}" ')
            if self.unique and text.casefold() in (seen.casefold() for seen in items):
                raise ValidationError(label, f'"{text}" is listed twice')
            items.append(text)
        if self.order_by:
            items.sort(key=self.order_by)
        result = tuple(items)
        apply_rule(label, self.list_rule, result)
        return result

    def dump(self, value: tuple[str, ...]) -> Json:
        return list(value)


@dataclass(frozen=True)
class Field:
    """One typed field of a record; optional fields may be None."""

    name: str
    label: str
    kind: Kind
    optional: bool = False


@dataclass(frozen=True)
class RecordListKind:
    """A list of small frozen records, e.g. disconnection reasons; each unique group is unique."""

    record_type: type
    fields: tuple[Field, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    min_items: int = 1
    max_items: int = 200
    row_rule: Rule | None = None
    list_rule: Rule | None = None

    def __post_init__(self) -> None:
        declared = {f.name for f in fields(self.record_type)}
        if declared != {f.name for f in self.fields}:
            raise TypeError(f"{self.record_type.__name__} fields do not match the declared fields")

    def clean(self, label: str, value: object) -> tuple[Any, ...]:
        rows = _as_rows(label, value, self.min_items, self.max_items)
        records = tuple(self._clean_row(label, n, row) for n, row in enumerate(rows, 1))
        for group in self.unique:
            seen: set[tuple[Any, ...]] = set()
            for record in records:
                key = tuple(_folded(getattr(record, name)) for name in group)
                if key in seen:
                    shown = " / ".join(str(getattr(record, name)) for name in group)
                    raise ValidationError(label, f'"{shown}" is listed twice')
                seen.add(key)
        apply_rule(label, self.list_rule, records)
        return records

    def _clean_row(self, label: str, n: int, row: object) -> Any:
        if isinstance(row, self.record_type):
            row = {f.name: getattr(row, f.name) for f in self.fields}
        if not isinstance(row, Mapping):
            raise ValidationError(label, f"row {n} must be a record")
        unknown = set(row) - {f.name for f in self.fields}
        if unknown:
            raise ValidationError(label, f"row {n} has unknown fields: {', '.join(sorted(unknown))}")
        values = {f.name: self._clean_field(label, n, f, row.get(f.name)) for f in self.fields}
        record = self.record_type(**values)
        apply_rule(label, self.row_rule, record, prefix=f"row {n}: ")
        return record

    @staticmethod
    def _clean_field(label: str, n: int, field: Field, raw: object) -> Any:
        if raw is None or raw == "":
            if field.optional:
                return None
            raise ValidationError(label, f"row {n}, {field.label}: must not be empty")
        try:
            return field.kind.clean(field.label, raw)
        except ValidationError as error:
            raise ValidationError(label, f"row {n}, {error.field}: {error.rule}") from None

    def dump(self, value: tuple[Any, ...]) -> Json:
        return [
            {f.name: None if getattr(r, f.name) is None else f.kind.dump(getattr(r, f.name))
             for f in self.fields}
            for r in value
        ]


Kind = (TextKind | IntegerKind | DecimalKind | MoneyKind | BooleanKind | ChoiceKind
        | StringListKind | RecordListKind)


# declarations --------------------------------------------------------------

@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    section: str
    kind: Kind
    default: Any
    help: str
    per_device: bool = False
    """True for what belongs to one counter (its printer), kept off the utility-wide sync."""

    def validate(self, value: object) -> Any:
        return self.kind.clean(self.label, value)

    def to_json(self, value: object) -> Json:
        return self.kind.dump(self.validate(value))

    def from_json(self, raw: Json) -> Any:
        return self.validate(raw)


@dataclass(frozen=True)
class CrossRule:
    """A rule across settings; the error names `key`'s label."""

    key: str
    rule: Callable[[Mapping[str, Any]], str | None]


REGISTRY: dict[str, SettingSpec] = {}
CROSS_RULES: list[CrossRule] = []


def declare(*specs: SettingSpec) -> None:
    for spec in specs:
        if spec.key in REGISTRY or spec.section not in SECTIONS:
            raise ValueError(f"{spec.key}: declared twice or in an unknown section")
        REGISTRY[spec.key] = replace(spec, default=spec.validate(spec.default))


def declare_rule(key: str, rule: Callable[[Mapping[str, Any]], str | None]) -> None:
    CROSS_RULES.append(CrossRule(key, rule))
