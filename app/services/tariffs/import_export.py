"""Tariff import and export: one CSV/XLSX layout for every rate type (see docs/tariff-import.md).

A file is checked row by row and tariff by tariff (with the same rules as the wizard) before
anything is written; then every tariff is written in ONE transaction, or none is. A problem
is reported with its line number (the header is line 1), the column and the rule.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.validation import (
    OtherTariff,
    TariffVersion,
    validate_slab_rows,
    validate_tariff,
)
from app.services.core.changes import TARIFFS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.records import DRAFT, TariffState, document_of, load_states
from app.services.tariffs.rows import (
    COLUMN_ALIASES,
    COLUMNS,
    ParsedTariff,
    RowProblem,
    TariffRows,
    group_rows,
    rows_of_version,
    template_rows,
)
from app.services.tariffs.writes import create_in, new_version_in

FORMATS = ("csv", "xlsx")
SHEET = "Tariffs"


@dataclass(frozen=True)
class ImportReport:
    file_format: str
    records: int  # data rows read
    problems: tuple[RowProblem, ...]
    created: tuple[str, ...] = ()
    versioned: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> Changes:
        return Changes.of(TARIFFS) if self.created or self.versioned else Changes()

    def describe(self) -> str:
        if not self.ok:
            lines = [f"Nothing was imported: {len(self.problems)} problem(s) in {self.records} row(s)."]
            return "\n".join(lines + [str(problem) for problem in self.problems])
        return (f"Imported {self.records} row(s): {len(self.created)} new tariff(s), "
                f"{len(self.versioned)} new version(s), {len(self.unchanged)} unchanged.")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    file_format: str
    tariffs: int
    rows: int


def format_of(path: Path, requested: str | None = None) -> str:
    file_format = (requested or path.suffix.lstrip(".") or "csv").lower()
    if file_format not in FORMATS:
        raise ValidationError("format", "Use a .csv or .xlsx file")
    return file_format


# reading and writing files -------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each non-empty data row."""
    file_format = format_of(path)
    table = _read_xlsx(path) if file_format == "xlsx" else _read_csv(path)
    if not table:
        raise ValidationError("file", "The file is empty: start from the template")
    header = [COLUMN_ALIASES.get(name, name) for name in (cell.strip().lower() for cell in table[0])]
    unknown = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in ("tariff", "item") if name not in header]
    if unknown or missing:
        raise ValidationError("header", "Line 1: " + "; ".join(
            [f"unknown column '{name}'" for name in unknown] + [f"missing column '{name}'" for name in missing]))
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header) if name}
        if any(values.values()):
            rows.append((line, values))
    return rows


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.reader(handle)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.active
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a user meant: numbers via repr (exact for what was typed)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


def write_rows(path: Path, rows: Sequence[dict[str, str]], file_format: str) -> None:
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = SHEET
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row.get(name, "") for name in COLUMNS])
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


# the service ---------------------------------------------------------------------------------


class TariffTransfer:
    """Import and export of tariffs, for the tariff screen and the command line."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    def export(self, actor: Actor, tariff_ids: Iterable[str], path: Path,
               file_format: str | None = None) -> ExportResult:
        """The latest version of each listed tariff (a filtered list's ids, in its order)."""
        actor.require(Permission.VIEW_TARIFFS)
        file_format = format_of(path, file_format)
        wanted = list(tariff_ids)
        with self.app.sessions() as session:
            states = {state.row.id: state for state in load_states(session, wanted)}
        rows = [row for tariff_id in wanted if tariff_id in states
                for row in _export_rows(states[tariff_id])]
        write_rows(path, rows, file_format)
        with unit_of_work(self.app, actor) as work:
            work.audit("tariffs_exported", "tariff", "*", file=path.name, tariffs=len(states))
            work.track("Export/Import action", action="export", file_format=file_format,
                       record_count=len(rows), success=True)
        return ExportResult(path, file_format, len(states), len(rows))

    def import_file(self, actor: Actor, path: Path, *, publish: bool = True) -> ImportReport:
        """All or nothing: any problem in any row and nothing is written."""
        actor.require(Permission.EDIT_TARIFFS)
        if publish:
            actor.require(Permission.PUBLISH_TARIFFS)
        file_format = format_of(path)
        rows = read_rows(path)
        with unit_of_work(self.app, actor) as work:
            currency = load_settings(work.session).currency
            existing = {state.row.name.casefold(): state for state in load_states(work.session)}
            parsed = [ParsedTariff.parse(group, currency) for group in group_rows(rows)]
            problems = _problems(parsed, existing)
            if problems:
                report = ImportReport(file_format, len(rows), tuple(problems))
            else:
                report = _write_all(work, parsed, existing, path.name, publish,
                                    file_format, len(rows))
        if not report.ok:
            with unit_of_work(self.app, actor) as work:
                work.track("Export/Import action", action="import", file_format=file_format,
                           record_count=len(rows), success=False, problems=len(report.problems))
        return report

    def write_template(self, path: Path, file_format: str | None = None) -> Path:
        """A filled-in example of every rate type, ready to edit."""
        write_rows(path, template_rows(), format_of(path, file_format))
        return path


def _export_rows(state: TariffState) -> list[dict[str, str]]:
    return rows_of_version(state.latest_version(), state.categories, state.row.description)


def _problems(parsed: list[ParsedTariff], existing: dict[str, TariffState]) -> list[RowProblem]:
    problems = [problem for tariff in parsed for problem in tariff.problems]
    built = [tariff for tariff in parsed if tariff.version is not None]
    names = {tariff.name.casefold() for tariff in parsed}
    for tariff in built:
        state = existing.get(tariff.name.casefold())
        others = [s.ref() for key, s in existing.items() if key != tariff.name.casefold()
                  and key not in names]
        others += [t.version for t in built if t is not tariff]  # type: ignore[misc]
        problems += _tariff_problems(tariff, state, others)
    seen: set[tuple[int, str, str]] = set()
    unique = []
    for problem in sorted(problems, key=lambda p: (p.line, p.column)):
        if (problem.line, problem.column, problem.rule) not in seen:
            seen.add((problem.line, problem.column, problem.rule))
            unique.append(problem)
    return unique


def _tariff_problems(tariff: ParsedTariff, state: TariffState | None,
                     others: list[OtherTariff]) -> list[RowProblem]:
    version = tariff.version
    assert version is not None
    errors = validate_tariff(version, others)
    if tariff.slab_rows:
        errors += validate_slab_rows(tariff.slab_rows)
    if state is not None:
        current = state.latest_version()
        if (current.utility, current.rate_type) != (version.utility, version.rate_type):
            errors.append(ValidationError("rate_type", f"'{state.row.name}' is a {current.utility.label} "
                                                       f"{current.rate_type.label} tariff: a new version keeps both"))
        if state.latest.state == DRAFT:
            errors.append(ValidationError("tariff", f"Version {state.latest.version_no} of "
                                                    f"'{state.row.name}' is a draft: publish it first"))
    return [tariff.problem_for(error) for error in errors]


def _write_all(work: Work, parsed: list[ParsedTariff], existing: dict[str, TariffState], file_name: str,
               publish: bool, file_format: str, records: int) -> ImportReport:
    created, versioned, unchanged = [], [], []
    for tariff in parsed:
        version: TariffVersion = tariff.version  # type: ignore[assignment]
        state = existing.get(tariff.name.casefold())
        if state is None:
            create_in(work, version, description=tariff.description, categories=tariff.categories,
                      publish=publish, change_summary=tariff.change_summary or f"Imported from {file_name}")
            created.append(version.name)
        elif _unchanged(state, version, tariff.categories):
            unchanged.append(state.row.name)
        else:
            new_version_in(work, state, version, publish=publish, categories=tariff.categories,
                           change_summary=tariff.change_summary or f"Imported from {file_name}",
                           description=tariff.description or None)
            versioned.append(state.row.name)
    work.audit("tariffs_imported", "tariff", "*", file=file_name, created=created,
               versioned=versioned, unchanged=unchanged)
    work.track("Export/Import action", action="import", file_format=file_format,
               record_count=records, success=True)
    return ImportReport(file_format, records, (), tuple(created), tuple(versioned), tuple(unchanged))


def _unchanged(state: TariffState, version: TariffVersion, categories: Sequence[str]) -> bool:
    same_number = replace(version, version=state.latest.version_no)
    return document_of(same_number, categories) == state.latest.document


__all__ = ["ExportResult", "FORMATS", "ImportReport", "RowProblem", "TariffRows", "TariffTransfer"]
