"""The demo's tariffs: the tariff spec's examples with version histories, plus the tariffs that
bill the rest of the history, and the rating of demo bills through the one rating engine.

Two dates differ from the spec's table on purpose: tariffs of the same utility and rate type
must not share a day of validity, so the predecessors end the day before their successors
start (Old Residential Plan and Winter Discount end on Mar 14, 2025, not Mar 15 and Mar 31).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.domain.tariffs import rating
from app.domain.tariffs.document import to_document
from app.domain.tariffs.model import (
    Charge,
    ChargeKind,
    RateType,
    Season,
    Slab,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
)
from app.models.tariffs import Tariff
from app.models.tariffs import TariffVersion as TariffVersionRow

D = Decimal
QUANTITY_PLACES = D("0.001")  # what the bill line quantity column keeps


@dataclass(frozen=True, slots=True)
class VersionDef:
    version: TariffVersion
    state: str  # Published, Archived
    summary: str
    changed_by: str
    changed_at: tuple[int, int, int, int, int]  # local y, m, d, h, min


@dataclass(frozen=True, slots=True)
class TariffDef:
    key: str
    description: str
    created_by: str
    versions: tuple[VersionDef, ...]
    manually_inactive: bool = False

    @property
    def current(self) -> TariffVersion:
        return self.versions[-1].version


def _version(name: str, utility: Utility, unit: Unit, rate_type: RateType, currency: str,
             valid: tuple[date, date | None], number: int, **energy: object) -> TariffVersion:
    return TariffVersion(name=name, utility=utility, unit=unit, rate_type=rate_type, currency=currency,
                         valid_from=valid[0], valid_to=valid[1], version=number, **energy)


def _slabs(*pairs: tuple[int | None, str]) -> tuple[Slab, ...]:
    return tuple(Slab(None if upper is None else D(upper), D(rate)) for upper, rate in pairs)


def _seasons(winter: str, regular: str) -> tuple[Season, ...]:
    return (Season("Winter", (11, 1), (3, 31), rate=D(winter)),
            Season("Regular", (4, 1), (10, 31), rate=D(regular)))


def _periods(peak: str) -> tuple[TouPeriod, ...]:
    return (TouPeriod("Off-Peak", ((22, 6),), D("0.0800")),
            TouPeriod("Standard", ((6, 16), (20, 22)), D("0.1200")),
            TouPeriod("Peak", ((16, 20),), D(peak)))


def _fixed(name: str, amount: str, order: int = 0) -> Charge:
    return Charge(ChargeKind.FIXED_PER_PERIOD, name, amount=D(amount), order=order)


def _adder(name: str, rate: str, order: int = 0) -> Charge:
    return Charge(ChargeKind.PER_UNIT_ADDER, name, rate=D(rate), order=order)


def _duty(order: int) -> Charge:
    return Charge(ChargeKind.PERCENTAGE, "Electricity duty", percent=D(5), order=order)


def catalog(currency: str) -> tuple[TariffDef, ...]:
    """Every demo tariff with its versions, oldest first."""
    E, W, G = Utility.ELECTRICITY, Utility.WATER, Utility.GAS
    on, ongoing = date, None

    def v(name, utility, unit, rate_type, valid, number, **energy):
        return _version(name, utility, unit, rate_type, currency, valid, number, **energy)

    old = "Old Residential Plan"
    std = "Standard Residential Electricity"
    seasonal = "Seasonal Residential Electricity"
    winter = "Winter Discount"
    peak = "Peak Hour Rate"
    igas = "Industrial Gas"
    cwb = "Commercial Water Basic"
    cws = "Commercial Water Standard"
    dwater = "Domestic Water"
    celec = "Commercial Electricity"
    ipower = "Industrial Power"
    pgas = "Piped Gas Standard"
    winter_valid = (on(2024, 11, 1), on(2025, 3, 14))
    return (
        TariffDef("old", "The residential flat rate before March 2025.", "David Wilson", (
            VersionDef(v(old, E, Unit.KWH, RateType.FLAT, (on(2023, 1, 1), on(2025, 3, 14)), 1,
                         unit_rate=D("0.1100")),
                       "Published", "Initial version: flat 0.1100 per kWh", "David Wilson",
                       (2022, 12, 12, 11, 5)),)),
        TariffDef("std", "Flat rate for residential electricity.", "Michael Brown", (
            VersionDef(v(std, E, Unit.KWH, RateType.FLAT, (on(2025, 3, 15), ongoing), 1,
                         unit_rate=D("0.1200")),
                       "Published", "Initial version: flat 0.1200 per kWh, replacing Old Residential Plan",
                       "Michael Brown", (2025, 3, 3, 15, 20)),)),
        TariffDef("seasonal", "Cheaper winter energy for residential consumers.", "Michael Brown", (
            VersionDef(v(seasonal, E, Unit.KWH, RateType.SEASONAL, (on(2025, 3, 15), ongoing), 1,
                         seasons=_seasons("0.0900", "0.1200")),
                       "Published", "Initial version: Winter 0.0900, Regular 0.1200 per kWh",
                       "Michael Brown", (2025, 3, 5, 10, 10)),)),
        TariffDef("winter", "Winter discount for residential electricity, Nov 2024 to Mar 2025.",
                  "Emily Davis", (
            VersionDef(v(winter, E, Unit.KWH, RateType.SEASONAL, winter_valid, 1,
                         seasons=_seasons("0.1000", "0.1200")),
                       "Archived", "Initial version: Winter 0.1000, Regular 0.1200 per kWh",
                       "Emily Davis", (2024, 10, 2, 9, 40)),
            VersionDef(v(winter, E, Unit.KWH, RateType.SEASONAL, winter_valid, 2,
                         seasons=_seasons("0.0950", "0.1200")),
                       "Archived", "Winter rate: 0.1000 → 0.0950", "Michael Brown", (2024, 10, 15, 16, 5)),
            VersionDef(v(winter, E, Unit.KWH, RateType.SEASONAL, winter_valid, 3,
                         seasons=_seasons("0.0900", "0.1200")),
                       "Published", "Winter rate: 0.0950 → 0.0900 (25% below the regular rate)",
                       "Michael Brown", (2024, 10, 28, 12, 30)),
        )),
        TariffDef("peak", "Time-of-use rate for consumers with three-register meters.", "Emily Davis", (
            VersionDef(v(peak, E, Unit.KWH, RateType.TIME_OF_USE, (on(2024, 6, 1), on(2025, 3, 13)), 1,
                         tou_periods=_periods("0.1600")),
                       "Archived", "Initial version: Off-Peak 0.0800, Standard 0.1200, Peak 0.1600",
                       "Emily Davis", (2024, 5, 20, 14, 0)),
            VersionDef(v(peak, E, Unit.KWH, RateType.TIME_OF_USE, (on(2025, 3, 14), ongoing), 2,
                         tou_periods=_periods("0.1800")),
                       "Published", "Peak rate: 0.1600 → 0.1800 from Mar 14, 2025", "Michael Brown",
                       (2025, 3, 10, 11, 45)),
        )),
        TariffDef("igas", "Fixed monthly supply charge plus commodity charge for industrial gas.",
                  "David Wilson", (
            VersionDef(v(igas, G, Unit.M3, RateType.FIXED, (on(2023, 6, 1), on(2025, 3, 14)), 1,
                         charges=(_fixed("Fixed supply charge", "120.00"),
                                  _adder("Gas commodity charge", "0.4200", 1))),
                       "Archived", "Initial version: supply 120.00 per month, commodity 0.4200 per m3",
                       "David Wilson", (2023, 5, 18, 10, 0)),
            VersionDef(v(igas, G, Unit.M3, RateType.FIXED, (on(2025, 3, 15), ongoing), 2,
                         charges=(_fixed("Fixed supply charge", "135.00"),
                                  _adder("Gas commodity charge", "0.4500", 1))),
                       "Published", "Fixed supply charge: 120.00 → 135.00; commodity: 0.4200 → 0.4500",
                       "Michael Brown", (2025, 3, 6, 9, 15)),
        )),
        TariffDef("cwb", "Slab rates for commercial water (pilot).", "Michael Brown", (
            VersionDef(v(cwb, W, Unit.KL, RateType.SLAB, (on(2025, 3, 15), on(2025, 5, 15)), 1,
                         slabs=_slabs((100, "0.08"), (500, "0.10"), (1000, "0.12"), (None, "0.15"))),
                       "Published", "Initial version: slabs 0.08 / 0.10 / 0.12 / 0.15 per kL",
                       "Michael Brown", (2025, 3, 4, 13, 25)),)),
        TariffDef("cws", "Slab rates for commercial and industrial water.", "David Wilson", (
            VersionDef(v(cws, W, Unit.KL, RateType.SLAB, (on(2023, 1, 1), on(2025, 3, 14)), 1,
                         slabs=_slabs((100, "0.0700"), (500, "0.0900"), (1000, "0.1100"), (None, "0.1400"))),
                       "Archived", "Initial version: slabs 0.0700 / 0.0900 / 0.1100 / 0.1400 per kL",
                       "David Wilson", (2022, 12, 14, 15, 0)),
            VersionDef(v(cws, W, Unit.KL, RateType.SLAB, (on(2025, 5, 16), ongoing), 2,
                         slabs=_slabs((100, "0.0850"), (500, "0.1050"), (1000, "0.1250"), (None, "0.1550"))),
                       "Published", "Rates revised after the Commercial Water Basic pilot; valid from May 16, 2025",
                       "Michael Brown", (2025, 5, 9, 11, 0)),
        )),
        TariffDef("dwater", "Flat rate and meter rent for household water.", "David Wilson", (
            VersionDef(v(dwater, W, Unit.KL, RateType.FLAT, (on(2023, 1, 1), on(2025, 6, 30)), 1,
                         unit_rate=D("0.0600"), charges=(_fixed("Meter rent", "1.50"),)),
                       "Archived", "Initial version: 0.0600 per kL, meter rent 1.50", "David Wilson",
                       (2022, 12, 14, 15, 30)),
            VersionDef(v(dwater, W, Unit.KL, RateType.FLAT, (on(2025, 7, 1), ongoing), 2,
                         unit_rate=D("0.0650"), charges=(_fixed("Meter rent", "1.50"),)),
                       "Published", "Unit rate: 0.0600 → 0.0650 from Jul 1, 2025", "Emily Davis",
                       (2025, 6, 18, 10, 20)),
        )),
        TariffDef("celec", "Telescopic slabs, fixed charge and duty for commercial electricity.",
                  "David Wilson", (
            VersionDef(v(celec, E, Unit.KWH, RateType.SLAB, (on(2023, 1, 1), on(2025, 9, 30)), 1,
                         slabs=_slabs((500, "0.1300"), (2000, "0.1500"), (None, "0.1700")),
                         charges=(_fixed("Fixed charge", "20.00"),)),
                       "Archived", "Initial version: slabs 0.1300 / 0.1500 / 0.1700, fixed 20.00",
                       "David Wilson", (2022, 12, 15, 9, 30)),
            VersionDef(v(celec, E, Unit.KWH, RateType.SLAB, (on(2025, 10, 1), ongoing), 2,
                         slabs=_slabs((500, "0.1350"), (2000, "0.1550"), (None, "0.1750")),
                         charges=(_fixed("Fixed charge", "22.00"), _duty(1))),
                       "Published", "Slab rates +0.0050; fixed charge 20.00 → 22.00; electricity duty 5% added",
                       "Michael Brown", (2025, 9, 22, 17, 10)),
        )),
        TariffDef("ipower", "Fixed, demand and energy charges for industrial electricity.", "David Wilson", (
            VersionDef(v(ipower, E, Unit.KWH, RateType.FIXED, (on(2023, 1, 1), ongoing), 1,
                         charges=(_fixed("Fixed charge", "150.00"),
                                  Charge(ChargeKind.PER_KW, "Demand charge", rate=D("8.5000"), order=1),
                                  _adder("Energy charge", "0.0950", 2), _duty(3))),
                       "Published", "Initial version: fixed 150.00, demand 8.50 per kW, energy 0.0950, duty 5%",
                       "David Wilson", (2022, 12, 15, 10, 0)),)),
        TariffDef("pgas", "Flat rate for household and small business piped gas.", "David Wilson", (
            VersionDef(v(pgas, G, Unit.M3, RateType.FLAT, (on(2023, 1, 1), ongoing), 1,
                         unit_rate=D("0.4500"), charges=(_fixed("Fixed charge", "5.00"),)),
                       "Published", "Initial version: 0.4500 per m3, fixed charge 5.00", "David Wilson",
                       (2022, 12, 16, 11, 0)),)),
    )


# billing groups: which tariff versions rate an account's periods, from which date
SWITCH_TO_WINTER = date(2024, 11, 1)
TIMELINES: dict[str, tuple[tuple[date, tuple[tuple[str, int], ...]], ...]] = {
    "res_e": ((date.min, (("old", 1), ("std", 1))),),
    "res_seasonal": ((date.min, (("old", 1),)), (SWITCH_TO_WINTER, (("winter", 3), ("seasonal", 1)))),
    "tou": ((date.min, (("peak", 1), ("peak", 2))),),
    "com_e": ((date.min, (("celec", 1), ("celec", 2))),),
    "ind_e": ((date.min, (("ipower", 1),)),),
    "res_w": ((date.min, (("dwater", 1), ("dwater", 2))),),
    "com_w": ((date.min, (("cws", 1), ("cwb", 1), ("cws", 2))),),
    "res_g": ((date.min, (("pgas", 1),)),),
    "ind_g": ((date.min, (("igas", 1), ("igas", 2))),),
}
TOU_REGISTERS = {"peak": "Peak", "standard": "Standard", "off_peak": "Off-Peak"}
HISTORY_COVERED_FROM = date(2023, 6, 1)  # every group's tariffs are in force from here on
TOU_FROM = date(2024, 6, 1)


@dataclass(frozen=True, slots=True)
class RatedLine:
    kind: str
    description: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Rated:
    version_row_id: str
    lines: tuple[RatedLine, ...]
    total: Decimal
    line_rows: tuple[dict, ...]  # the bill line rows without their ids, numbered from 1


@dataclass
class TariffBook:
    """The written tariffs, and rating by billing group with a cache of rated results."""

    defs: tuple[TariffDef, ...]
    tariff_ids: dict[str, str] = field(default_factory=dict)
    version_row_ids: dict[tuple[str, int], str] = field(default_factory=dict)
    versions: dict[tuple[str, int], TariffVersion] = field(default_factory=dict)
    _cache: dict[tuple, Rated] = field(default_factory=dict)

    def current_tariff_id(self, group: str) -> str:
        key = TIMELINES[group][-1][1][-1][0]
        return self.tariff_ids[key]

    def entry(self, group: str, period_start: date) -> tuple[tuple[str, int], ...]:
        chosen = TIMELINES[group][0][1]
        for since, refs in TIMELINES[group]:
            if since <= period_start:
                chosen = refs
        return chosen

    def rate(self, group: str, start: date, end: date, units: int | Decimal,
             by_period: tuple[tuple[str, int], ...] | None = None, load_kw: int | None = None) -> Rated:
        refs = self.entry(group, start)
        key = (refs, start, end, units, by_period, load_kw)
        rated = self._cache.get(key)
        if rated is None:
            rated = self._rate(refs, start, end, units, by_period, load_kw)
            if len(self._cache) > 400_000:
                self._cache.clear()
            self._cache[key] = rated
        return rated

    def _rate(self, refs: Sequence[tuple[str, int]], start: date, end: date, units: int | Decimal,
              by_period: tuple[tuple[str, int], ...] | None, load_kw: int | None) -> Rated:
        versions = [self.versions[ref] for ref in refs]
        bill = rating.rate_period(versions, start, end, None if by_period else units,
                                  dict(by_period) if by_period else None, load_kw)
        in_force = [ref for ref, version in zip(refs, versions, strict=True) if version.valid_from <= end]
        lines = tuple(RatedLine(line.kind.value, line.description, _column_quantity(line.quantity),
                                line.rate, line.amount.amount) for line in bill.lines)
        rows = tuple({"line_no": number, "kind": line.kind, "description": line.description,
                      "quantity": line.quantity, "rate": line.rate, "amount": line.amount}
                     for number, line in enumerate(lines, start=1))
        return Rated(self.version_row_ids[in_force[-1]], lines, bill.total.amount, rows)


def _column_quantity(quantity: Decimal | None) -> Decimal | None:
    """The line's quantity as the column keeps it (0.001): only a prorated share of a fixed
    charge has a fourth place; the amount, computed by the engine, is untouched."""
    if quantity is None or quantity == quantity.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP):
        return quantity
    return quantity.quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)


def write_tariffs(writer: BulkWriter, ids: DemoIds, local: LocalTime, currency: str) -> TariffBook:
    book = TariffBook(catalog(currency))
    for tariff in book.defs:
        tariff_id = book.tariff_ids[tariff.key] = ids.new("tariffs")
        first = tariff.versions[0]
        current = tariff.current
        writer.add(Tariff.__table__, {
            "id": tariff_id, "name": current.name, "utility": current.utility.value,
            "rate_type": current.rate_type.value, "unit": current.unit.value,
            "description": tariff.description, "manually_inactive": tariff.manually_inactive,
            "created_by": tariff.created_by, "created_at": _local(local, first.changed_at),
        })
        for version_def in tariff.versions:
            version = version_def.version
            ref = (tariff.key, version.version)
            book.versions[ref] = version
            row_id = book.version_row_ids[ref] = ids.new("tariff_versions")
            writer.add(TariffVersionRow.__table__, {
                "id": row_id, "tariff_id": tariff_id, "version_no": version.version,
                "valid_from": version.valid_from, "valid_to": version.valid_to,
                "document": to_document(version), "state": version_def.state,
                "change_summary": version_def.summary, "changed_by": version_def.changed_by,
                "changed_at": _local(local, version_def.changed_at),
            })
    return book


def _local(local: LocalTime, stamp: tuple[int, int, int, int, int]) -> datetime:
    year, month, day, hour, minute = stamp
    return local.at(date(year, month, day), hour, minute)
