"""A tariff version as a JSON document: how a published version's rate structure is stored.

Only JSON types: rates are integers of 1/1,000,000 (keys ending `_e6`, percentages too),
money is integer minor units (`_minor`), quantities (slab limits, allowance, the price basis
and conversion) are decimal strings, dates are ISO strings, month-days and hour ranges are
[int, int]. Absent values are null. `from_document(to_document(v)) == v` for every version
whose amounts fit their currency.

Format 1 (before rates had 6 places) kept rates in 1/10,000 under `_e4` keys and named
the period factor `slab_scaling` ("none" or "by_days"); it is still read, because older
desktops may push it, and migration 0008 rewrote the stored ones as format 2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, rate_from_e4, rate_from_e6, rate_to_e6
from app.domain.tariffs.model import (
    Charge,
    ChargeKind,
    DayType,
    LimitRounding,
    PeriodFactor,
    RateType,
    Season,
    Slab,
    SlabMode,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
)

DOCUMENT_FORMAT = 2
_READABLE = (1, 2)
_FORMAT_1_FACTORS = {"none": PeriodFactor.NONE, "by_days": PeriodFactor.START_MONTH}
Document = dict[str, Any]
_T = TypeVar("_T")


# to a document ---------------------------------------------------------------------------------


def to_document(version: TariffVersion) -> Document:
    currency = version.currency
    return {
        "format": DOCUMENT_FORMAT,
        "name": version.name,
        "utility": version.utility.value,
        "unit": version.unit.value,
        "rate_type": version.rate_type.value,
        "currency": currency,
        "valid_from": version.valid_from.isoformat(),
        "valid_to": None if version.valid_to is None else version.valid_to.isoformat(),
        "version": version.version,
        "unit_rate_e6": _e6(version.unit_rate),
        "slabs": [_slab_document(slab) for slab in version.slabs],
        "slab_mode": version.slab_mode.value,
        "seasons": [_season_document(season) for season in version.seasons],
        "tou_periods": [_period_document(period) for period in version.tou_periods],
        "charges": [_charge_document(charge, currency) for charge in version.charges],
        "allowance_units": str(version.allowance_units),
        "period_factor": version.period_factor.value,
        "limit_rounding": version.limit_rounding.value,
        "price_unit": None if version.price_unit is None else version.price_unit.value,
        "price_per": str(version.price_per),
        "conversion": None if version.conversion is None else str(version.conversion),
    }


def _e6(rate: Decimal | None) -> int | None:
    return None if rate is None else rate_to_e6(rate)


def _slab_document(slab: Slab) -> Document:
    return {"upper": None if slab.upper is None else str(slab.upper), "rate_e6": _e6(slab.rate)}


def _season_document(season: Season) -> Document:
    return {
        "name": season.name,
        "start": list(season.start),
        "end": list(season.end),
        "rate_e6": _e6(season.rate),
        "slabs": [_slab_document(slab) for slab in season.slabs],
    }


def _period_document(period: TouPeriod) -> Document:
    return {
        "name": period.name,
        "hours": [list(span) for span in period.hours],
        "rate_e6": _e6(period.rate),
        "days": period.days.value,
    }


def _charge_document(charge: Charge, currency: str) -> Document:
    return {
        "kind": charge.kind.value,
        "name": charge.name,
        "amount_minor": None if charge.amount is None else Money(charge.amount, currency).to_minor(),
        "rate_e6": _e6(charge.rate),
        "percent_e6": _e6(charge.percent),
        "base": list(charge.base),
        "order": charge.order,
    }


# from a document -------------------------------------------------------------------------------


def from_document(document: Mapping[str, Any]) -> TariffVersion:
    """The version a document describes; a malformed document raises ValidationError('document')."""
    try:
        return _version(document)
    except ValidationError:
        raise
    except (KeyError, TypeError, ValueError, InvalidOperation, MoneyError) as error:
        raise ValidationError("document", f"Not a tariff document: {error!r}") from None


def _version(doc: Mapping[str, Any]) -> TariffVersion:
    if doc.get("format") not in _READABLE:
        raise ValidationError("document", f"Unknown tariff document format {doc.get('format')!r}")
    if doc["format"] == 1:
        return _version(upgraded_document(doc))
    currency = _text(doc["currency"])
    return TariffVersion(
        name=_text(doc["name"]),
        utility=Utility(doc["utility"]),
        unit=Unit(doc["unit"]),
        rate_type=RateType(doc["rate_type"]),
        currency=currency,
        valid_from=date.fromisoformat(doc["valid_from"]),
        valid_to=_optional(doc["valid_to"], date.fromisoformat),
        version=_whole(doc["version"]),
        unit_rate=_optional(doc["unit_rate_e6"], _rate),
        slabs=tuple(_slab(item) for item in doc["slabs"]),
        slab_mode=SlabMode(doc["slab_mode"]),
        seasons=tuple(_season(item) for item in doc["seasons"]),
        tou_periods=tuple(_period(item) for item in doc["tou_periods"]),
        charges=tuple(_charge(item, currency) for item in doc["charges"]),
        allowance_units=_quantity(doc["allowance_units"]),
        period_factor=PeriodFactor(doc["period_factor"]),
        limit_rounding=LimitRounding(doc["limit_rounding"]),
        price_unit=_optional(doc["price_unit"], Unit),
        price_per=_quantity(doc["price_per"]),
        conversion=_optional(doc["conversion"], _quantity),
    )


def _slab(doc: Mapping[str, Any]) -> Slab:
    return Slab(_optional(doc["upper"], _quantity), _rate(doc["rate_e6"]))


def _season(doc: Mapping[str, Any]) -> Season:
    return Season(
        name=_text(doc["name"]),
        start=_pair(doc["start"]),
        end=_pair(doc["end"]),
        rate=_optional(doc["rate_e6"], _rate),
        slabs=tuple(_slab(item) for item in doc["slabs"]),
    )


def _period(doc: Mapping[str, Any]) -> TouPeriod:
    return TouPeriod(
        name=_text(doc["name"]),
        hours=tuple(_pair(span) for span in doc["hours"]),
        rate=_rate(doc["rate_e6"]),
        days=DayType(doc["days"]),
    )


def _charge(doc: Mapping[str, Any], currency: str) -> Charge:
    return Charge(
        kind=ChargeKind(doc["kind"]),
        name=_text(doc["name"]),
        amount=_optional(doc["amount_minor"], lambda minor: Money.from_minor(minor, currency).amount),
        rate=_optional(doc["rate_e6"], _rate),
        percent=_optional(doc["percent_e6"], _rate),
        base=tuple(_text(name) for name in doc["base"]),
        order=_whole(doc["order"]),
    )


def _optional(value: Any, read: Callable[[Any], _T]) -> _T | None:
    return None if value is None else read(value)


def _rate(value: Any) -> Decimal:
    return rate_from_e6(_whole(value))


def upgraded_document(doc: Mapping[str, Any]) -> Document:
    """A format 1 document as format 2: the same rates in 1/1,000,000, the same price basis."""

    def convert(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_e6_key(key): _e6_value(key, item) if key.endswith("_e4") else convert(item)
                    for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        return value

    upgraded = convert(doc)
    upgraded["period_factor"] = _FORMAT_1_FACTORS[upgraded.pop("slab_scaling")].value
    upgraded.update(format=DOCUMENT_FORMAT, price_unit=None, price_per="1", conversion=None)
    return upgraded


def _e6_key(key: str) -> str:
    return key[:-3] + "_e6" if key.endswith("_e4") else key


def _e6_value(key: str, value: Any) -> int | None:
    return None if value is None else rate_to_e6(rate_from_e4(_whole(value)))


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _quantity(value: Any) -> Decimal:
    return Decimal(_text(value))


def _pair(value: Any) -> tuple[int, int]:
    first, second = value
    return (_whole(first), _whole(second))
