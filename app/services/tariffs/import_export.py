"""Tariff import and export: one CSV/XLSX layout for every rate type (see docs/tariff-import.md).

A file is checked row by row and tariff by tariff (with the same rules as the wizard) before
anything is written; then every tariff is written in ONE transaction, or none is. A problem
is reported with its line number (the header is line 1), the column and the rule.

Imports are linear in the file: stored tariffs are loaded once, names are matched through a
dictionary and overlapping validity is found by one sweep per utility and rate type
(import_checks.py), so a tariff is never checked against every other one by a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from app.domain.core.permissions import Permission
from app.domain.tariffs.validation import TariffVersion
from app.services.core.changes import TARIFFS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.cells import AMBIGUOUS_COMMA
from app.services.tariffs.import_checks import file_problems, is_unchanged
from app.services.tariffs.records import TariffState, load_states
from app.services.tariffs.rows import (
    ParsedTariff,
    RowProblem,
    TariffRows,
    group_rows,
    rows_of_version,
    template_rows,
)
from app.services.tariffs.tariff_files import FORMATS, format_of, read_rows, write_rows
from app.services.tariffs.writes import WriteBatch, create_in, new_version_in

# (stage, done, total): "Reading", "Checking" or "Writing", counted in tariffs
ImportProgress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


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
    def comma_refused(self) -> bool:
        """Whether a number was refused for its comma: reading the file with a decimal
        comma may be what the user meant."""
        return any(AMBIGUOUS_COMMA in problem.rule for problem in self.problems)

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

    def import_file(self, actor: Actor, path: Path, *, publish: bool = True,
                    decimal_comma: bool = False,
                    progress: ImportProgress = _no_progress) -> ImportReport:
        """All or nothing: any problem in any row and nothing is written.

        `decimal_comma` reads numbers as written where the comma is the decimal separator
        (0,1200); without it a comma in a number is refused, never guessed."""
        actor.require(Permission.EDIT_TARIFFS)
        if publish:
            actor.require(Permission.PUBLISH_TARIFFS)
        file_format = format_of(path)
        progress("Reading", 0, 0)
        rows = read_rows(path, decimal_comma)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            currency = settings.currency
            existing = {state.row.name.casefold(): state for state in load_states(work.session)}
            groups = group_rows(rows)
            parsed = []
            for done, group in enumerate(groups, start=1):
                parsed.append(ParsedTariff.parse(group, currency, decimal_comma))
                if done % 100 == 0:
                    progress("Reading", done, len(groups))
            problems, unchanged = file_problems(parsed, existing, publish, progress)
            if problems:
                report = ImportReport(file_format, len(rows), tuple(problems))
            else:
                source = _Source(path.name, publish, file_format, len(rows), WriteBatch(settings))
                report = _write_all(work, parsed, existing, unchanged, source, progress)
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


@dataclass(frozen=True)
class _Source:
    file_name: str
    publish: bool
    file_format: str
    records: int
    batch: WriteBatch


def _write_all(work: Work, parsed: list[ParsedTariff], existing: dict[str, TariffState],
               unchanged_names: set[str], source: _Source,
               progress: ImportProgress) -> ImportReport:
    created, versioned, unchanged, written = [], [], [], []
    summary = f"Imported from {source.file_name}"
    for done, tariff in enumerate(parsed, start=1):
        version: TariffVersion = tariff.version  # type: ignore[assignment]
        state = existing.get(tariff.name.casefold())
        if state is None:
            # checked against the stored tariffs and the whole file already: others=()
            saved = create_in(work, version, description=tariff.description,
                              categories=tariff.categories, publish=source.publish,
                              change_summary=tariff.change_summary or summary, others=(),
                              batch=source.batch)
            created.append(version.name)
            written.append(_written(saved, version))
        elif tariff.name.casefold() in unchanged_names:
            unchanged.append(state.row.name)
        else:
            saved = new_version_in(work, state, version, publish=source.publish,
                                   categories=tariff.categories, others=(), batch=source.batch,
                                   change_summary=tariff.change_summary or summary,
                                   description=tariff.description or None)
            versioned.append(state.row.name)
            written.append(_written(saved, version))
        if done % 100 == 0 or done == len(parsed):
            progress("Writing", done, len(parsed))
    # one entry for the whole import, naming each tariff and version it wrote
    work.audit("tariffs_imported", "tariff", "*", file=source.file_name, created=created,
               versioned=versioned, unchanged=unchanged, versions=written)
    work.track("Export/Import action", action="import", file_format=source.file_format,
               record_count=source.records, success=True)
    return ImportReport(source.file_format, source.records, (), tuple(created), tuple(versioned),
                        tuple(unchanged))


def _written(saved, version: TariffVersion) -> dict[str, object]:
    return {"tariff_id": saved.tariff_id, "name": version.name, "version": saved.version_no,
            "state": saved.state, "valid_from": version.valid_from, "valid_to": version.valid_to}


__all__ = ["ExportResult", "FORMATS", "ImportProgress", "ImportReport", "RowProblem",
           "TariffRows", "TariffTransfer", "is_unchanged"]
