"""The settings API: look up, validate and serialise any setting; read a consistent set.

Each utility setting is declared once (settings_catalog.py) with a kind from
setting_kinds.py. Settings pages are thin load()/save() views over SettingSpec;
services read a frozen Settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.domain.core import settings_catalog as _catalog
from app.domain.core.money import Money
from app.domain.core.setting_kinds import (
    CROSS_RULES,
    REGISTRY,
    SECTIONS,
    Json,
    SettingSpec,
    apply_rule,
    parse_time_range,
)

if TYPE_CHECKING:
    from app.domain.cash.drawer import Denomination
    from app.domain.core.settings_catalog import DisconnectionReason, GlCode, SlaTarget


# the API -------------------------------------------------------------------

def sections() -> list[str]:
    used = {spec.section for spec in REGISTRY.values()}
    return [section for section in SECTIONS if section in used]


def specs_in(section: str) -> list[SettingSpec]:
    return [spec for spec in REGISTRY.values() if spec.section == section]


def spec_of(key: str) -> SettingSpec:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"No setting {key!r}") from None


def validate(key: str, value: object) -> Any:
    return spec_of(key).validate(value)


def default(key: str) -> Any:
    return spec_of(key).default


def to_json(key: str, value: object) -> Json:
    return spec_of(key).to_json(value)


def from_json(key: str, raw: Json) -> Any:
    return spec_of(key).from_json(raw)


def check_consistency(values: Mapping[str, Any]) -> None:
    """Rules across settings (default channel among channels, ...) on a full set of values."""
    for cross in CROSS_RULES:
        apply_rule(REGISTRY[cross.key].label, cross.rule, values)


# the read-only view ----------------------------------------------------------

T = TypeVar("T")


class _Value(Generic[T]):
    """A typed read-only property over one setting of Settings."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, settings: Settings | None, owner: type | None = None) -> T:
        if settings is None:  # on the class itself, as help() and IDEs look it up
            return self  # type: ignore[return-value]
        return settings.values[self.key]

@dataclass(frozen=True)
class Settings:
    """Every setting's value: stored ones over defaults, validated as one consistent set."""

    values: Mapping[str, Any]

    def __post_init__(self) -> None:
        if set(self.values) != set(REGISTRY):
            raise ValueError("Settings need a value for every declared setting")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @classmethod
    def defaults(cls) -> Settings:
        return cls({key: spec.default for key, spec in REGISTRY.items()})

    @classmethod
    def from_stored(cls, stored: Mapping[str, Json]) -> Settings:
        """From JSON values as stored; keys this version does not know are ignored."""
        known = {key: raw for key, raw in stored.items() if key in REGISTRY}
        return cls.defaults().with_changes({k: from_json(k, raw) for k, raw in known.items()})

    def with_changes(self, changes: Mapping[str, object]) -> Settings:
        values = dict(self.values) | {key: validate(key, value) for key, value in changes.items()}
        check_consistency(values)
        return Settings(values)

    def to_stored(self) -> dict[str, Json]:
        return {key: REGISTRY[key].kind.dump(value) for key, value in self.values.items()}

    def get(self, key: str) -> Any:
        spec_of(key)
        return self.values[key]

    def money(self, key: str) -> Money:
        return Money(self.get(key), self.currency)

    # the most used, typed ---------------------------------------------------
    utility_name = _Value[str]("general.utility_name")
    currency = _Value[str]("general.currency")
    locale = _Value[str]("general.locale")
    date_format = _Value[str]("general.date_format")
    time_zone = _Value[str]("general.time_zone")
    channels = _Value[tuple[str, ...]]("payments.channels")
    default_channel = _Value[str]("payments.default_channel")
    payment_modes = _Value[tuple[str, ...]]("payments.modes")
    credit_note_reasons = _Value[tuple[str, ...]]("credit_notes.reasons")
    credit_note_expiry_days = _Value[int]("credit_notes.expiry_days")
    disconnection_reasons = _Value[tuple["DisconnectionReason", ...]]("disconnections.reasons")
    time_slots = _Value[tuple[str, ...]]("disconnections.time_slots")
    closure_checklist = _Value[tuple[str, ...]]("disconnections.closure_checklist")
    checklist_minimum = _Value[int]("disconnections.checklist_minimum")
    gl_codes = _Value[tuple["GlCode", ...]]("gl.codes")

    @property
    def overpayment_threshold(self) -> Money:
        return self.money("payments.overpayment_threshold")

    def number_format(self, series: str) -> str:
        return self.get(f"numbering.{series}.format")

    def number_start(self, series: str) -> int:
        return self.get(f"numbering.{series}.start")

    @property
    def number_formats(self) -> dict[str, str]:
        return {series: self.number_format(series) for series in _catalog.SERIES}

    @property
    def business_hours(self) -> tuple[time, time]:
        return parse_time_range(self.values["dashboard.business_hours"])

    def sla_target(self, request_type: str) -> SlaTarget:
        """The SlaTarget of "Disconnection" or "Reconnection"."""
        targets = self.values["sla.targets"]
        return next(t for t in targets if t.request_type.casefold() == request_type.casefold())

    def escalation_hours(self, severity: str) -> int:
        rows = self.values["exceptions.escalation_hours"]
        return next(row.hours for row in rows if row.severity == severity)

    def denominations(self, currency: str | None = None) -> tuple[Denomination, ...]:
        """cash.Denomination values of a currency (the utility's by default), largest first."""
        return _catalog.denominations_of(self.values["counter.denominations"],
                                         currency or self.currency)

