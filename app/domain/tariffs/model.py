"""What a tariff version is: utilities, rate types, slabs, seasons, time periods and charges."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# The rate structure's own name for the consumption lines, usable in a charge's base.
ENERGY_BASE = "energy"

# Season dates are checked and looked up on a leap year so that Feb 29 belongs somewhere.
_LEAP_YEAR = 2024


class Utility(StrEnum):
    ELECTRICITY = "electricity"
    WATER = "water"
    GAS = "gas"
    SEWER = "sewer"
    WASTE = "waste"

    @property
    def label(self) -> str:
        return "Waste Management" if self is Utility.WASTE else self.value.capitalize()


class Unit(StrEnum):
    KWH = "kWh"
    KL = "kL"
    GALLON = "gal"  # US gallon
    M3 = "m3"
    CCF = "ccf"  # 100 cubic feet
    THERM = "therm"  # US therm
    BIN = "bin"
    KG = "kg"


_WATER_UNITS = (Unit.KL, Unit.GALLON, Unit.M3, Unit.CCF)
# The units a meter reads or a price is stated in, for each utility; the first is the default.
UNITS_BY_UTILITY: dict[Utility, tuple[Unit, ...]] = {
    Utility.ELECTRICITY: (Unit.KWH,),
    Utility.WATER: _WATER_UNITS,
    Utility.GAS: (Unit.M3, Unit.THERM, Unit.KWH, Unit.CCF),
    Utility.SEWER: _WATER_UNITS,
    Utility.WASTE: (Unit.BIN, Unit.KG),
}


class RateType(StrEnum):
    FLAT = "flat"  # one unit rate for all consumption
    SLAB = "slab"  # rates by consumption range, telescopic or volume
    FIXED = "fixed"  # no consumption price: the bill is its fixed charges
    SEASONAL = "seasonal"  # a rate (or slabs) per season of the year
    TIME_OF_USE = "time_of_use"  # a rate per time period; the spec's "Time-based"

    @property
    def label(self) -> str:
        """The spec's name for the rate type."""
        return "Time-based" if self is RateType.TIME_OF_USE else self.value.capitalize()


class SlabMode(StrEnum):
    TELESCOPIC = "telescopic"  # each rate applies to the units inside its slab
    VOLUME = "volume"  # one rate for all units, chosen by the slab the total falls in


class PeriodFactor(StrEnum):
    """How a billing period's length scales monthly amounts, per-kW charges and slab limits."""

    NONE = "none"  # every billing period counts as one, whatever its length
    START_MONTH = "start_month"  # days / days in the month the period starts in (per whole month)
    CALENDAR_MONTHS = "calendar_months"  # each month touched: its days in the period / its length
    DAYS_30 = "days_30"  # days / 30

    @property
    def label(self) -> str:
        return _FACTOR_LABELS[self]


_FACTOR_LABELS = {
    PeriodFactor.NONE: "None: each period counts as one month",
    PeriodFactor.START_MONTH: "Days / days in the starting month",
    PeriodFactor.CALENDAR_MONTHS: "Each calendar month: its days / its length",
    PeriodFactor.DAYS_30: "Days / 30",
}


class LimitRounding(StrEnum):
    """How scaled slab limits and allowances are rounded."""

    NONE = "none"  # kept to the bill's quantity precision (0.001 unit)
    NEAREST_UNIT = "nearest_unit"  # half-up to a whole unit
    DOWN = "down"  # down to a whole unit


class DayType(StrEnum):
    ALL = "all"
    WEEKDAY = "weekday"
    WEEKEND = "weekend"


class ChargeKind(StrEnum):
    FIXED_PER_PERIOD = "fixed_per_period"  # amount
    FIXED_PER_DAY = "fixed_per_day"  # rate per day
    PER_KW = "per_kw"  # rate per kW of sanctioned load or demand
    PER_UNIT_ADDER = "per_unit_adder"  # rate on all units (fuel / power-cost adjustment)
    MINIMUM = "minimum"  # amount the base is topped up to
    PERCENTAGE = "percentage"  # percent of the base

    @property
    def label(self) -> str:
        return _CHARGE_LABELS[self]


_CHARGE_LABELS = {
    ChargeKind.FIXED_PER_PERIOD: "A fixed charge per period",
    ChargeKind.FIXED_PER_DAY: "A fixed charge per day",
    ChargeKind.PER_KW: "A charge per kW",
    ChargeKind.PER_UNIT_ADDER: "A per-unit adder",
    ChargeKind.MINIMUM: "A minimum charge",
    ChargeKind.PERCENTAGE: "A percentage charge",
}

# Which of Charge's value fields each kind uses.
AMOUNT_KINDS = frozenset({ChargeKind.FIXED_PER_PERIOD, ChargeKind.MINIMUM})
RATE_KINDS = frozenset({ChargeKind.FIXED_PER_DAY, ChargeKind.PER_KW, ChargeKind.PER_UNIT_ADDER})
BASE_KINDS = frozenset({ChargeKind.MINIMUM, ChargeKind.PERCENTAGE})
FIXED_KINDS = frozenset({ChargeKind.FIXED_PER_PERIOD, ChargeKind.FIXED_PER_DAY})


class TariffStatus(StrEnum):
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    EXPIRED = "Expired"


MonthDay = tuple[int, int]
HourRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Slab:
    """Covers consumption above the previous slab's upper bound up to `upper` (None: no limit)."""

    upper: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class SlabRow:
    """A slab as the spec's table writes it: From, To ("No limit" is None), Unit Rate."""

    start: Decimal
    end: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Season:
    """A yearly date range (wrapping over New Year allowed) with a flat rate or its own slabs."""

    name: str
    start: MonthDay
    end: MonthDay
    rate: Decimal | None = None
    slabs: tuple[Slab, ...] = ()


@dataclass(frozen=True, slots=True)
class TouPeriod:
    """Hours [start, end) of the day, wrapping past midnight allowed, e.g. (22, 6)."""

    name: str
    hours: tuple[HourRange, ...]
    rate: Decimal
    days: DayType = DayType.ALL


@dataclass(frozen=True, slots=True)
class Charge:
    """A non-consumption line; which of amount / rate / percent it uses depends on its kind.

    `base` names the earlier lines a percentage or minimum applies to ("energy" or another
    charge's name); empty means every line before it. Charges are computed by `order`.
    """

    kind: ChargeKind
    name: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    percent: Decimal | None = None
    base: tuple[str, ...] = ()
    order: int = 0


@dataclass(frozen=True, slots=True)
class TariffVersion:
    """One published version of a tariff. Which energy fields apply follows `rate_type`."""

    name: str
    utility: Utility
    unit: Unit
    rate_type: RateType
    currency: str
    valid_from: date
    valid_to: date | None = None  # inclusive; None means ongoing
    unit_rate: Decimal | None = None  # Flat
    slabs: tuple[Slab, ...] = ()  # Slab
    slab_mode: SlabMode = SlabMode.TELESCOPIC  # Slab, and Seasonal seasons with slabs
    seasons: tuple[Season, ...] = ()  # Seasonal
    tou_periods: tuple[TouPeriod, ...] = ()  # Time-based
    charges: tuple[Charge, ...] = ()
    allowance_units: Decimal = Decimal(0)  # units included in the fixed charge
    period_factor: PeriodFactor = PeriodFactor.NONE
    limit_rounding: LimitRounding = LimitRounding.NONE
    version: int = 1
    # The price basis: rates are per `price_per` of `price_unit` (None: the meter's `unit`),
    # and slab limits and allowances are in `price_unit`. `conversion` is how many price
    # units one meter unit makes when the two measure different things (gas m3 -> kWh).
    price_unit: Unit | None = None
    price_per: Decimal = Decimal(1)
    conversion: Decimal | None = None

    @property
    def billed_unit(self) -> Unit:
        return self.unit if self.price_unit is None else self.price_unit

    def ordered_charges(self) -> tuple[Charge, ...]:
        """Charges in computing order; equal orders keep their declared order."""
        return tuple(sorted(self.charges, key=lambda charge: charge.order))

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# slabs as the spec writes them -------------------------------------------------------


def slabs_from_rows(rows: tuple[SlabRow, ...] | list[SlabRow]) -> tuple[Slab, ...]:
    """The spec's From/To rows as slabs; check them first with `validate_slab_rows`."""
    return tuple(Slab(row.end, row.rate) for row in rows)


def slab_rows(slabs: tuple[Slab, ...]) -> tuple[SlabRow, ...]:
    """Slabs in the spec's notation: a whole-unit bound is followed by From = bound + 1."""
    rows = []
    previous: Decimal | None = None
    for slab in slabs:
        rows.append(SlabRow(slab_start(previous), slab.upper, slab.rate))
        previous = slab.upper
    return tuple(rows)


def slab_start(previous_upper: Decimal | None) -> Decimal:
    if previous_upper is None:
        return Decimal(0)
    if previous_upper == previous_upper.to_integral_value():
        return previous_upper + 1
    return previous_upper


def slab_label(row: SlabRow, unit: str) -> str:
    """'0-100 kWh', '1001+ kWh': how a slab reads on a bill line."""
    if row.end is None:
        return f"{row.start}+ {unit}"
    return f"{row.start}-{row.end} {unit}"


# seasons and time periods ------------------------------------------------------------


def season_month_days(season: Season) -> list[MonthDay]:
    """The (month, day) pairs a season covers, Feb 29 included; raises ValueError on a bad date."""
    first = _day_of_leap_year(season.start)
    span = (_day_of_leap_year(season.end) - first) % 366 + 1
    return [LEAP_YEAR_DAYS[(first + offset) % 366] for offset in range(span)]


def _day_of_leap_year(month_day: MonthDay) -> int:
    return date(_LEAP_YEAR, *month_day).timetuple().tm_yday - 1


def _leap_year_days() -> tuple[MonthDay, ...]:
    days = (date(_LEAP_YEAR, 1, 1) + timedelta(days=n) for n in range(366))
    return tuple((day.month, day.day) for day in days)


LEAP_YEAR_DAYS = _leap_year_days()


def season_discount(rate: Decimal, regular_rate: Decimal) -> Decimal:
    """How far below the regular rate a season's rate is, in percent to 2 places (0.09 vs 0.12: 25)."""
    if regular_rate <= 0:
        return Decimal(0)
    percent = (regular_rate - rate) * 100 / regular_rate
    return percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def season_discounts(version: TariffVersion) -> dict[str, Decimal | None]:
    """Each flat-rate season's discount against the dearest season (the regular rate).

    Derived, never stored: the spec's Discount (%) column. Seasons priced by slabs have none.
    """
    flat_rates = [season.rate for season in version.seasons if season.rate is not None]
    if not flat_rates:
        return {season.name: None for season in version.seasons}
    regular = max(flat_rates)
    return {
        season.name: None if season.rate is None else season_discount(season.rate, regular)
        for season in version.seasons
    }


def period_hours(period: TouPeriod) -> list[int]:
    """The hours of the day (0-23) a period's ranges cover, repeats kept."""
    hours = []
    for start, end in period.hours:
        hours.extend((start + offset) % 24 for offset in range(hour_span(start, end)))
    return hours


def hour_span(start: int, end: int) -> int:
    """Hours in [start, end): (22, 6) is 8, (0, 24) is 24, a range may end at 0 or 24."""
    return end - start if end > start else end + 24 - start


def valid_hour_range(start: object, end: object) -> bool:
    if not (isinstance(start, int) and isinstance(end, int)):
        return False
    return 0 <= start <= 23 and 0 <= end <= 24 and start != end


def day_type_of(day: date) -> DayType:
    return DayType.WEEKEND if day.weekday() >= 5 else DayType.WEEKDAY


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


# status ------------------------------------------------------------------------------


def tariff_status(
    valid_from: date, valid_to: date | None, manually_inactive: bool, today: date
) -> TariffStatus:
    """Expired once today is past the end date (for good); else Inactive if set so; else Active.

    The spec has these three statuses only: a tariff whose `valid_from` is still ahead is
    scheduled and shows as Active.
    """
    if valid_to is not None and today > valid_to:
        return TariffStatus.EXPIRED
    if manually_inactive:
        return TariffStatus.INACTIVE
    return TariffStatus.ACTIVE
