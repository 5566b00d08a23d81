"""The tariff list: rows as screens and exports see them, searched, filtered and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import RateType, TariffStatus, Unit, Utility
from app.services.tariffs.records import DRAFT, TariffState

SORT_KEYS = ("name", "utility", "rate_type", "valid_from", "valid_to", "status", "version",
             "updated_at")


@dataclass(frozen=True)
class TariffFilter:
    search: str = ""
    utility: Utility | None = None
    rate_type: RateType | None = None
    status: TariffStatus | None = None
    sort: str = "name"
    descending: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.search.strip() or self.utility or self.rate_type or self.status)


@dataclass(frozen=True)
class TariffRow:
    id: str
    name: str
    utility: Utility
    rate_type: RateType
    unit: Unit
    valid_from: date
    valid_to: date | None
    status: TariffStatus
    version_no: int
    version_state: str  # of the latest version: Draft or Published
    updated_at: datetime
    updated_by: str
    categories: tuple[str, ...]
    description: str
    base_version: int  # hand back with a change, to detect concurrent edits

    @property
    def version_label(self) -> str:
        return f"v{self.version_no}" + (" (draft)" if self.version_state == DRAFT else "")


def tariff_row(state: TariffState, today: date) -> TariffRow:
    latest, version = state.latest, state.latest_version()
    start, end = state.span()
    updated_by = latest.changed_by
    return TariffRow(state.row.id, state.row.name, version.utility, version.rate_type, version.unit,
                     start, end, state.status(today), latest.version_no, latest.state,
                     max(state.row.updated_at, latest.changed_at), updated_by, state.categories,
                     state.row.description, state.row.version)


def matches(row: TariffRow, flt: TariffFilter) -> bool:
    if flt.utility and row.utility is not flt.utility:
        return False
    if flt.rate_type and row.rate_type is not flt.rate_type:
        return False
    if flt.status and row.status is not flt.status:
        return False
    words = flt.search.strip().casefold()
    haystack = " ".join([row.name, row.description, row.utility.label, row.rate_type.label,
                         *row.categories]).casefold()
    return all(word in haystack for word in words.split())


def sort_key(sort: str):
    if sort not in SORT_KEYS:
        raise ValidationError("sort", f"Sort by one of: {', '.join(SORT_KEYS)}")
    keys = {
        "name": lambda r: r.name.casefold(),
        "utility": lambda r: (r.utility.label, r.name.casefold()),
        "rate_type": lambda r: (r.rate_type.label, r.name.casefold()),
        "valid_from": lambda r: (r.valid_from, r.name.casefold()),
        "valid_to": lambda r: (r.valid_to or date.max, r.name.casefold()),
        "status": lambda r: (r.status.value, r.name.casefold()),
        "version": lambda r: (r.version_no, r.name.casefold()),
        "updated_at": lambda r: r.updated_at,
    }
    return keys[sort]
