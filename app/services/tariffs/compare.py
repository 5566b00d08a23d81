"""What changed between tariff versions: history entries, field and slab differences, and the
bills the two versions give at the same consumption levels (rated by the same engine)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.tariffs.rating import RatedBill, sample_calculations
from app.domain.tariffs.units import basis_label
from app.domain.tariffs.validation import (
    ChargeKind,
    LimitRounding,
    PeriodFactor,
    RateType,
    SlabRow,
    TariffVersion,
    season_discounts,
    slab_rows,
)
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.tariffs.records import CATEGORIES_KEY, TariffState, status_events, version_of

# Per-kW charges need a load to price a sample; the sample table says which one it assumed.
SAMPLE_LOAD_KW = Decimal(5)

DayText = Callable[[date], str]  # how a date is written: ISO when stored, the setting on a screen


@dataclass(frozen=True)
class HistoryEntry:
    """A version, or a manual status change (which the spec wants in the version history)."""

    version_no: int | None
    label: str
    state: str
    change_summary: str
    changed_by: str
    changed_at: datetime
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class TariffHistory:
    tariff_id: str
    name: str
    entries: tuple[HistoryEntry, ...]  # oldest first

    @property
    def version_numbers(self) -> tuple[int, ...]:
        return tuple(e.version_no for e in self.entries if e.version_no is not None)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class SlabChange:
    table: str  # "" for a Slab tariff, the season's name for a seasonal one
    index: int
    before: SlabRow | None
    after: SlabRow | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class SampleBill:
    units: Decimal
    bill: RatedBill
    season: str | None = None
    load_kw: Decimal | None = None


@dataclass(frozen=True)
class SampleComparison:
    units: Decimal
    before: Money
    after: Money

    @property
    def difference(self) -> Money:
        return self.after - self.before


@dataclass(frozen=True)
class VersionComparison:
    tariff_id: str
    name: str
    first: TariffVersion
    second: TariffVersion
    field_changes: tuple[FieldChange, ...]
    slab_changes: tuple[SlabChange, ...]
    samples: tuple[SampleComparison, ...]
    season: str | None


# history ----------------------------------------------------------------------------------


def history(session: Session, state: TariffState, today: date | None = None,
            day: DayText = date.isoformat) -> TariffHistory:
    """Versions (with the end each one has in force, once a successor starts) and status
    changes: manual ones from the audit trail and, once `today` is past the tariff's end,
    its automatic expiry, dated the day after its last valid day."""
    ends = {version.version: version.valid_to for version in state.in_force()}
    entries = [
        HistoryEntry(record.version_no, f"v{record.version_no}.0", record.state,
                     record.change_summary, record.changed_by, record.changed_at,
                     record.valid_from, ends.get(record.version_no, record.valid_to))
        for record in state.versions
    ]
    for event in status_events(session, "tariff", state.row.id):
        summary = event.summary
        change = f"Status: {summary.get('before')} → {summary.get('after')}"
        reason = summary.get("reason")
        entries.append(HistoryEntry(None, "Status", f"{summary.get('after')}",
                                    f"{change} ({reason})" if reason else change,
                                    event.user_name, event.at))
    expiry = _expiry(state, today, day)
    if expiry is not None:
        entries.append(expiry)
    entries.sort(key=lambda entry: entry.changed_at)
    return TariffHistory(state.row.id, state.row.name, tuple(entries))


def _expiry(state: TariffState, today: date | None, day: DayText = date.isoformat) -> HistoryEntry | None:
    if today is None or not state.published:
        return None
    _, end = state.span()
    if end is None or today <= end:
        return None
    before = "Inactive" if state.row.manually_inactive else "Active"
    return HistoryEntry(None, "Status", "Expired",
                        f"Status: {before} → Expired (validity ended on {day(end)})",
                        "system", datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))


# differences ------------------------------------------------------------------------------


def field_changes(before: VersionRecord, after: VersionRecord,
                  day: DayText = date.isoformat) -> list[FieldChange]:
    """Every described aspect that differs, in the order the tariff form shows them."""
    old = describe(version_of(before), before.document.get(CATEGORIES_KEY) or (), day)
    new = describe(version_of(after), after.document.get(CATEGORIES_KEY) or (), day)
    labels = list(old) + [label for label in new if label not in old]
    return [FieldChange(label, old.get(label, "—"), new.get(label, "—"))
            for label in labels if old.get(label) != new.get(label)]


def describe(version: TariffVersion, categories: Sequence[str] = (),
             day: DayText = date.isoformat) -> dict[str, str]:
    """A version as label -> text, one entry per thing a user could have changed; `day` writes
    its dates (a screen passes the utility's date format)."""
    text = {
        "Name": version.name,
        "Unit": version.unit.value,
        "Valid from": day(version.valid_from),
        "Valid to": day(version.valid_to) if version.valid_to else "Ongoing",
        "Consumer categories": ", ".join(categories) or "All",
    }
    if version.price_unit is not None or version.price_per != 1:
        text["Priced"] = basis_label(version.price_per, version.billed_unit.value)
    if version.conversion is not None:
        text["Conversion"] = f"{version.conversion} {version.billed_unit.value} per {version.unit.value}"
    if version.period_factor is not PeriodFactor.NONE:
        text["Period factor"] = version.period_factor.label
    if version.limit_rounding is not LimitRounding.NONE:
        text["Slab limit rounding"] = version.limit_rounding.value.replace("_", " ").capitalize()
    if version.unit_rate is not None:
        text["Unit rate"] = str(version.unit_rate)
    if version.rate_type in (RateType.SLAB, RateType.SEASONAL):
        text["Slab mode"] = version.slab_mode.value.capitalize()
    if version.allowance_units:
        text["Allowance (units)"] = str(version.allowance_units)
    text.update(_slab_texts("Slab", slab_rows(version.slabs)))
    discounts = season_discounts(version) if version.seasons else {}
    for season in version.seasons:
        dates = f"{season.start[1]:02d}/{season.start[0]:02d} – {season.end[1]:02d}/{season.end[0]:02d}"
        rate = f" at {season.rate} ({discounts[season.name]}% discount)" if season.rate is not None else ""
        text[f"Season {season.name}"] = dates + rate
        text.update(_slab_texts(f"{season.name} slab", slab_rows(season.slabs)))
    for period in version.tou_periods:
        hours = ", ".join(f"{start:02d}:00–{end % 24:02d}:00" for start, end in period.hours)
        text[f"Period {period.name}"] = f"{hours} ({period.days.value}) at {period.rate}"
    for charge in version.charges:
        text[f"Charge {charge.name}"] = charge_text(charge.kind, charge.amount, charge.rate,
                                                   charge.percent)
    return text


def charge_text(kind: ChargeKind, amount: Decimal | None, rate: Decimal | None,
                percent: Decimal | None) -> str:
    value = {"amount": amount, "rate": rate, "percent": percent}
    shown = next(f"{v}%" if key == "percent" else str(v) for key, v in value.items() if v is not None)
    return f"{kind.label}: {shown}"


def _slab_texts(prefix: str, rows: Sequence[SlabRow]) -> dict[str, str]:
    return {f"{prefix} {index}": _slab_text(row) for index, row in enumerate(rows, start=1)}


def _slab_text(row: SlabRow) -> str:
    end = "No limit" if row.end is None else str(row.end)
    return f"{row.start}–{end} at {row.rate}"


def slab_changes(first: TariffVersion, second: TariffVersion) -> list[SlabChange]:
    """Slab rows side by side, for the flat slab table and for each season's slabs."""
    tables = [("", first.slabs, second.slabs)]
    seasons = {season.name: season.slabs for season in first.seasons}
    later = {season.name: season.slabs for season in second.seasons}
    tables += [(name, seasons.get(name, ()), later.get(name, ()))
               for name in [*seasons, *[n for n in later if n not in seasons]]]
    changes = []
    for name, before, after in tables:
        old, new = slab_rows(tuple(before)), slab_rows(tuple(after))
        for index in range(max(len(old), len(new))):
            changes.append(SlabChange(name, index + 1, old[index] if index < len(old) else None,
                                      new[index] if index < len(new) else None))
    return changes


# samples ----------------------------------------------------------------------------------


def samples(version: TariffVersion, levels: Sequence[object],
            season: str | None = None) -> list[SampleBill]:
    """Bills at each consumption level, from the rating engine itself."""
    load = SAMPLE_LOAD_KW if any(c.kind is ChargeKind.PER_KW for c in version.charges) else None
    if version.rate_type is RateType.SEASONAL and season is None and version.seasons:
        season = version.seasons[0].name
    if version.rate_type is not RateType.SEASONAL:
        season = None
    rated = sample_calculations(version, levels, load_kw=load, season=season)
    return [SampleBill(units, bill, season, load) for units, bill in rated]


def compare(state: TariffState, first_no: int, second_no: int,
            levels: Sequence[object], day: DayText = date.isoformat) -> VersionComparison:
    first_record, second_record = state.version_no(first_no), state.version_no(second_no)
    first, second = version_of(first_record), version_of(second_record)
    season = None
    if first.seasons and second.seasons:
        names = {s.name for s in second.seasons}
        season = next((s.name for s in first.seasons if s.name in names), None)
    before = samples(first, levels, season)
    after = samples(second, levels, season)
    rows = tuple(SampleComparison(a.units, a.bill.total, b.bill.total)
                 for a, b in zip(before, after, strict=True))
    return VersionComparison(state.row.id, state.row.name, first, second,
                             tuple(field_changes(first_record, second_record, day)),
                             tuple(slab_changes(first, second)), rows, season)
