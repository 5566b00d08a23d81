"""The tariff file layout: rows of a file become tariff versions and back.

Each row names its tariff and one item of it (a flat rate, a slab, a season, a season's
slab, a time period's hour range, a charge); the tariff's own columns (utility, unit, rate
type, validity, ...) repeat on its rows and must agree. docs/tariff-import.md has a sample.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    UNITS_BY_UTILITY,
    Charge,
    ChargeKind,
    DayType,
    LimitRounding,
    PeriodFactor,
    Season,
    SlabMode,
    SlabRow,
    TariffVersion,
    TouPeriod,
    Unit,
    slab_rows,
    slabs_from_rows,
)
from app.services.tariffs.cells import (
    LIST_SEPARATOR,
    BadCell,
    choice,
    date_cell,
    hour,
    month_day,
    number,
    rate_type,
    required,
    slab_row,
    split_list,
    utility_of,
)

COLUMNS = ("tariff", "utility", "unit", "rate_type", "valid_from", "valid_to", "slab_mode",
           "allowance_units", "period_factor", "limit_rounding", "price_unit", "price_per",
           "conversion", "categories", "description", "change_summary", "item", "name", "from",
           "to", "rate", "amount", "percent", "charge_kind", "base", "days")
TARIFF_COLUMNS = COLUMNS[1:16]
# Older files' names for a column, and for its values.
COLUMN_ALIASES = {"slab_scaling": "period_factor"}
_FACTOR_WORDS = {"by_days": PeriodFactor.START_MONTH}
ITEMS = ("rate", "slab", "season", "season_slab", "period", "charge")
# the last part of a domain field path -> the file's column
_COLUMN_OF = {"rate": "rate", "start": "from", "end": "to", "upper": "to", "hours": "from",
              "amount": "amount", "percent": "percent", "kind": "charge_kind", "base": "base",
              "name": "name", "unit_rate": "rate", "validity": "valid_from", "valid_from": "valid_from",
              "valid_to": "valid_to", "utility": "utility", "unit": "unit", "rate_type": "rate_type",
              "allowance_units": "allowance_units", "currency": "tariff", "categories": "categories",
              "price_unit": "price_unit", "price_per": "price_per", "conversion": "conversion",
              "tariff": "tariff", "version": "tariff"}

TariffRows = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    rule: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.column}: {self.rule}"


def group_rows(rows: TariffRows) -> list[TariffRows]:
    """Rows by tariff name (case-insensitive), in the order tariffs first appear."""
    groups: dict[str, TariffRows] = {}
    for line, values in rows:
        groups.setdefault(values.get("tariff", "").strip().casefold(), []).append((line, values))
    return list(groups.values())


@dataclass
class ParsedTariff:
    """One tariff's rows, read: its version if every row was readable, else the problems."""

    name: str
    first_line: int
    currency: str
    decimal_comma: bool = False
    version: TariffVersion | None = None
    categories: tuple[str, ...] = ()
    description: str = ""
    change_summary: str = ""
    slab_rows: tuple[SlabRow, ...] = ()
    problems: list[RowProblem] = field(default_factory=list)
    lines: dict[str, list[int]] = field(default_factory=dict)  # item -> lines, in order

    @classmethod
    def parse(cls, rows: TariffRows, currency: str, decimal_comma: bool = False) -> ParsedTariff:
        first_line, first = rows[0]
        tariff = cls(first.get("tariff", "").strip(), first_line, currency, decimal_comma)
        if not tariff.name:
            tariff.problems.append(RowProblem(first_line, "tariff", "Tariff name is required"))
            return tariff
        header = tariff._header(rows)
        items = _Items(decimal_comma)
        for line, values in rows:
            try:
                items.add(line, values)
            except BadCell as bad:
                tariff.problems.append(RowProblem(line, bad.column, bad.rule))
        tariff.lines = items.lines
        if not tariff.problems and header is not None:
            tariff.version = items.version(tariff, header)
        return tariff

    def _header(self, rows: TariffRows) -> dict[str, object] | None:
        values: dict[str, str] = {}
        for line, row in rows:
            for column in TARIFF_COLUMNS:
                text = row.get(column, "").strip()
                if text and values.setdefault(column, text) != text:
                    self.problems.append(RowProblem(line, column, "Must be the same on every row of "
                                                                  f"tariff '{self.name}'"))
        self.categories = tuple(sorted(split_list(values.get("categories", ""))))
        self.description = values.get("description", "")
        self.change_summary = values.get("change_summary", "")
        try:
            return _tariff_header(values, self.decimal_comma)
        except BadCell as bad:
            self.problems.append(RowProblem(self.first_line, bad.column, bad.rule))
            return None

    def problem_for(self, error: ValidationError) -> RowProblem:
        """A domain check's field path (slabs[2].rate) as a line and a column of the file."""
        path = error.field
        line = self.first_line
        found = re.match(r"(slabs|seasons|tou_periods|charges)\[(\d+)\](?:\.slabs\[(\d+)\])?", path)
        if found:
            item, index, inner = found.group(1), int(found.group(2)), found.group(3)
            key = f"season_slab:{index}" if inner is not None else item
            lines = self.lines.get(key, [])
            position = int(inner) if inner is not None else index
            line = lines[position] if position < len(lines) else line
        elif path in ("slabs", "seasons", "tou_periods", "charges") and self.lines.get(path):
            line = self.lines[path][0]
        elif path == "unit_rate" and self.lines.get("unit_rate"):
            line = self.lines["unit_rate"][0]
        last = path.rsplit(".", 1)[-1]
        column = _COLUMN_OF.get(re.sub(r"\[\d+\]$", "", last), "item")
        return RowProblem(line, column, error.rule)


def _tariff_header(values: dict[str, str], decimal_comma: bool) -> dict[str, object]:
    utility = utility_of(values.get("utility", ""))
    unit_text = values.get("unit", "")
    unit = UNITS_BY_UTILITY[utility][0] if not unit_text else choice(Unit, unit_text, "unit")
    return {
        "utility": utility, "unit": unit, "rate_type": rate_type(values.get("rate_type", "")),
        "valid_from": date_cell(values.get("valid_from", ""), "valid_from", required=True),
        "valid_to": date_cell(values.get("valid_to", ""), "valid_to"),
        "slab_mode": choice(SlabMode, values.get("slab_mode") or "telescopic", "slab_mode"),
        "allowance_units": number(values.get("allowance_units") or "0", "allowance_units", decimal_comma),
        "period_factor": _period_factor(values.get("period_factor") or "none"),
        "limit_rounding": choice(LimitRounding, values.get("limit_rounding") or "none", "limit_rounding"),
        "price_unit": _optional_unit(values.get("price_unit", "")),
        "price_per": number(values.get("price_per") or "1", "price_per", decimal_comma),
        "conversion": number(values["conversion"], "conversion", decimal_comma) if values.get("conversion") else None,
    }


def _period_factor(text: str) -> PeriodFactor:
    word = _FACTOR_WORDS.get(text.strip().casefold())
    return word if word is not None else choice(PeriodFactor, text, "period_factor")


def _optional_unit(text: str) -> Unit | None:
    return choice(Unit, text, "price_unit") if text.strip() else None


class _Items:
    """The item rows of one tariff, collected as the domain's parts."""

    def __init__(self, decimal_comma: bool) -> None:
        self.decimal_comma = decimal_comma
        self.lines: dict[str, list[int]] = {}
        self.unit_rate: Decimal | None = None
        self.slabs: list[SlabRow] = []
        self.seasons: list[tuple[str, tuple[int, int], tuple[int, int], Decimal | None]] = []
        self.season_slabs: dict[str, list[SlabRow]] = {}
        self.periods: dict[str, tuple[list[tuple[int, int]], Decimal, DayType]] = {}
        self.charges: list[Charge] = []

    def add(self, line: int, row: dict[str, str]) -> None:
        item = row.get("item", "").strip().lower()
        if item not in ITEMS:
            raise BadCell("item", f"Item must be one of: {', '.join(ITEMS)}")
        getattr(self, f"_{item}")(line, row)

    def _mark(self, key: str, line: int) -> None:
        self.lines.setdefault(key, []).append(line)

    def _rate(self, line: int, row: dict[str, str]) -> None:
        if self.unit_rate is not None:
            raise BadCell("item", "A tariff has one flat rate row")
        self.unit_rate = number(row.get("rate", ""), "rate", self.decimal_comma)
        self._mark("unit_rate", line)

    def _slab(self, line: int, row: dict[str, str]) -> None:
        self.slabs.append(slab_row(row, self.decimal_comma))
        self._mark("slabs", line)

    def _season(self, line: int, row: dict[str, str]) -> None:
        name = required(row, "name", "Season name is required")
        rate = row.get("rate", "").strip()
        self.seasons.append((name, month_day(row.get("from", ""), "from"),
                             month_day(row.get("to", ""), "to"), number(rate, "rate", self.decimal_comma) if rate else None))
        self._mark("seasons", line)

    def _season_slab(self, line: int, row: dict[str, str]) -> None:
        name = required(row, "name", "Name the season this slab belongs to")
        self.season_slabs.setdefault(name, []).append(slab_row(row, self.decimal_comma))
        self.lines.setdefault(f"season_slab_name:{name}", []).append(line)

    def _period(self, line: int, row: dict[str, str]) -> None:
        name = required(row, "name", "Time period name is required")
        span = (hour(row.get("from", ""), "from"), hour(row.get("to", ""), "to"))
        rate = number(row.get("rate", ""), "rate", self.decimal_comma)
        days = choice(DayType, row.get("days") or "all", "days")
        if name in self.periods:
            hours, known_rate, known_days = self.periods[name]
            if (known_rate, known_days) != (rate, days):
                raise BadCell("rate", f"Every row of period '{name}' must have the same rate and days")
            hours.append(span)
            return
        self.periods[name] = ([span], rate, days)
        self._mark("tou_periods", line)

    def _charge(self, line: int, row: dict[str, str]) -> None:
        name = required(row, "name", "Charge name is required")
        kind = choice(ChargeKind, row.get("charge_kind", ""), "charge_kind")
        values = {column: number(row[column], column, self.decimal_comma) if row.get(column, "").strip() else None
                  for column in ("amount", "rate", "percent")}
        self.charges.append(Charge(kind, name, values["amount"], values["rate"], values["percent"],
                                   tuple(split_list(row.get("base", ""))), order=len(self.charges)))
        self._mark("charges", line)

    def version(self, tariff: ParsedTariff, header: dict[str, object]) -> TariffVersion:
        seasons = []
        for index, (name, start, end, rate) in enumerate(self.seasons):
            rows = self.season_slabs.get(name, [])
            tariff.lines[f"season_slab:{index}"] = self.lines.get(f"season_slab_name:{name}", [])
            seasons.append(Season(name, start, end, rate, slabs_from_rows(rows)))
        tariff.slab_rows = tuple(self.slabs)
        return TariffVersion(
            name=tariff.name, currency=tariff.currency, unit_rate=self.unit_rate,
            slabs=slabs_from_rows(self.slabs), seasons=tuple(seasons),
            tou_periods=tuple(TouPeriod(name, tuple(hours), rate, days)
                              for name, (hours, rate, days) in self.periods.items()),
            charges=tuple(self.charges), **header)  # type: ignore[arg-type]


# writing ---------------------------------------------------------------------------------------


def rows_of_version(version: TariffVersion, categories: Sequence[str] = (),
                    description: str = "") -> list[dict[str, str]]:
    """A version as file rows; reading them back gives the same version."""
    head = {
        "tariff": version.name, "utility": version.utility.value, "unit": version.unit.value,
        "rate_type": version.rate_type.value, "valid_from": version.valid_from.isoformat(),
        "valid_to": version.valid_to.isoformat() if version.valid_to else "",
        "slab_mode": version.slab_mode.value, "allowance_units": str(version.allowance_units),
        "period_factor": version.period_factor.value, "limit_rounding": version.limit_rounding.value,
        "price_unit": "" if version.price_unit is None else version.price_unit.value,
        "price_per": str(version.price_per),
        "conversion": "" if version.conversion is None else str(version.conversion),
        "categories": LIST_SEPARATOR.join(categories), "description": description,
    }
    items: list[dict[str, str]] = []
    if version.unit_rate is not None:
        items.append({"item": "rate", "rate": str(version.unit_rate)})
    items += [_slab_item("slab", "", row) for row in slab_rows(version.slabs)]
    for season in version.seasons:
        items.append({"item": "season", "name": season.name, "from": _md(season.start),
                      "to": _md(season.end), "rate": "" if season.rate is None else str(season.rate)})
        items += [_slab_item("season_slab", season.name, row) for row in slab_rows(season.slabs)]
    for period in version.tou_periods:
        items += [{"item": "period", "name": period.name, "from": str(start), "to": str(end),
                   "rate": str(period.rate), "days": period.days.value} for start, end in period.hours]
    for charge in version.ordered_charges():
        items.append({"item": "charge", "name": charge.name, "charge_kind": charge.kind.value,
                      **{key: str(value) for key, value in (("amount", charge.amount), ("rate", charge.rate),
                                                            ("percent", charge.percent)) if value is not None},
                      "base": LIST_SEPARATOR.join(charge.base)})
    return [head | item for item in items]


def _slab_item(item: str, name: str, row: SlabRow) -> dict[str, str]:
    return {"item": item, "name": name, "from": str(row.start),
            "to": "No limit" if row.end is None else str(row.end), "rate": str(row.rate)}


def _md(month_day: tuple[int, int]) -> str:
    return f"{month_day[0]:02d}-{month_day[1]:02d}"


def template_rows() -> list[dict[str, str]]:
    """The spec's sample tariffs, one of each rate type, as a file to start from."""
    from app.services.tariffs.templates import sample_tariffs

    return [row for version in sample_tariffs() for row in rows_of_version(version)]
