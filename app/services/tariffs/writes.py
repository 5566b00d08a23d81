"""Writing tariff versions inside an open unit of work: the one place a version is checked,
stored, archived when superseded, audited and tracked. The service and the importer share it,
so an import of many tariffs is one transaction and follows the same rules as the wizard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from app.domain.core.errors import ValidationError
from app.domain.core.settings import Settings
from app.domain.tariffs.validation import OtherTariff, TariffInvalid, TariffVersion, check_tariff
from app.domain.tariffs.versions import chain_errors
from app.models.base import new_id
from app.models.tariffs import Tariff as TariffRecord
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.core.changes import PLANS, TARIFFS, Changes
from app.services.core.settings import load_settings
from app.services.core.work import Work
from app.services.tariffs import compare as tariff_compare
from app.services.tariffs.records import (
    ARCHIVED,
    DRAFT,
    PUBLISHED,
    TariffState,
    check_base_version,
    document_of,
    load_state,
    other_refs,
    version_of,
)


@dataclass(frozen=True)
class WriteBatch:
    """Many tariffs written in one unit of work (an import): the settings read once, rows
    queued without a flush each (every column is set here), and one audit entry for the
    whole batch, which the caller writes, instead of one per tariff."""

    settings: Settings


@dataclass(frozen=True)
class TariffSaved:
    tariff_id: str
    version_no: int
    state: str
    base_version: int
    changes: Changes



def create_in(work: Work, version: TariffVersion, *, description: str = "",
              categories: Iterable[str] = (), publish: bool = True,
              change_summary: str = "Initial tariff creation",
              seconds_to_complete: int | None = None,
              others: Iterable[OtherTariff] | None = None,
              batch: WriteBatch | None = None) -> TariffSaved:
    """A new tariff at version 1, inside an open unit of work (imports write many at once).

    `others` are the tariffs to check names and validity against; an import that has
    checked the whole file against them already passes ()."""
    version = replace(version, name=version.name.strip(), version=1)
    categories = checked_categories(work, version, categories, batch)
    check_tariff(version, other_refs(work.session) if others is None else others)
    row = TariffRecord(id=new_id(), name=version.name, utility=version.utility.value,
                       rate_type=version.rate_type.value, unit=version.unit.value,
                       description=description.strip(), manually_inactive=False,
                       created_by=work.actor.username, created_at=work.now,
                       updated_at=work.now, version=1, deleted=False)
    work.record(row, flush=False)
    record = _new_record(work, row.id, version, categories, change_summary or "Initial tariff creation",
                         PUBLISHED if publish else DRAFT)
    if batch is None:
        work.audit("tariff_created", "tariff", row.id, name=version.name, utility=version.utility,
                   rate_type=version.rate_type, state=record.state, valid_from=version.valid_from,
                   valid_to=version.valid_to)
    work.track("Tariff created", utility_type=version.utility.label,
               rate_type=version.rate_type.label, seconds_to_complete=seconds_to_complete)
    return TariffSaved(row.id, 1, record.state, row.version, Changes.of(TARIFFS))


def new_version_in(work: Work, state: TariffState, version: TariffVersion, *,
                   change_summary: str, publish: bool = True,
                   categories: Iterable[str] | None = None,
                   description: str | None = None,
                   others: Iterable[OtherTariff] | None = None,
                   batch: WriteBatch | None = None) -> TariffSaved:
    """The next version of a tariff whose latest version is published."""
    if state.latest.state == DRAFT:
        raise ValidationError("version", f"Version {state.latest.version_no} is a draft: "
                                         "edit or publish it before starting another")
    number = state.latest.version_no + 1
    version, checked = checked_change(work, state, version, change_summary, categories, number,
                                      others=others, batch=batch)
    if publish:
        check_chain(state, version)
    record = _new_record(work, state.row.id, version, checked, change_summary,
                         PUBLISHED if publish else DRAFT)
    state.versions.append(record)
    if publish:
        archive_superseded(work, state, record, audit=batch is None)
    after_change(work, state, version, record, description, change_summary, audit=batch is None)
    return TariffSaved(state.row.id, number, record.state, state.row.version,
                       Changes.of(TARIFFS, PLANS))


def editable(work: Work, tariff_id: str, base_version: int | None) -> TariffState:
    state = load_state(work.session, tariff_id)
    check_base_version(work.session, state.row, "tariff", base_version, state.row.name)
    return state

def check_chain(state: TariffState, version: TariffVersion) -> None:
    """Refuses a version that would shadow a published one or leave days with no tariff."""
    errors = chain_errors([version_of(record) for record in state.published
                           if record.version_no != version.version], version)
    if errors:
        raise TariffInvalid(errors)


def checked_change(work: Work, state: TariffState, version: TariffVersion,
                    change_summary: str, categories: Iterable[str] | None, number: int,
                    editing: VersionRecord | None = None,
                    others: Iterable[OtherTariff] | None = None,
                    batch: WriteBatch | None = None) -> tuple[TariffVersion, list[str]]:
    if not change_summary.strip():
        raise ValidationError("change_summary", "Describe what changed in this version")
    current = state.latest_version()
    if (version.utility, version.rate_type) != (current.utility, current.rate_type):
        raise ValidationError("rate_type", "A new version keeps the tariff's utility and rate "
                                           "type: create a new tariff for another")
    version = replace(version, name=version.name.strip(), version=number)
    categories = checked_categories(work, version,
                                    state.categories if categories is None else categories, batch)
    check_tariff(version, other_refs(work.session, state.row.id) if others is None else others)
    previous = state.latest if editing is None else None
    if previous is not None and document_of(replace(version, version=previous.version_no),
                                            categories) == previous.document:
        raise ValidationError("version", f"Nothing changed since version {previous.version_no}")
    return version, categories

def after_change(work: Work, state: TariffState, version: TariffVersion,
                  record: VersionRecord, description: str | None, summary: str,
                  audit: bool = True) -> None:
    before = state.versions[-2] if len(state.versions) > 1 and state.versions[-1] is record else None
    row = state.row
    row.name = version.name
    row.unit = version.unit.value
    if description is not None:
        row.description = description.strip()
    touch(work, row)
    changed = tariff_compare.field_changes(before, record) if before is not None else []
    if audit:
        work.audit("tariff_version_saved", "tariff", row.id, name=row.name,
                   version=record.version_no, state=record.state, change_summary=summary.strip(),
                   changes=[f"{c.label}: {c.before} → {c.after}" for c in changed])
    work.track("Rate configuration modified", tariff_id=row.id,
               fields_changed=[c.label for c in changed],
               before={c.label: c.before for c in changed},
               after={c.label: c.after for c in changed})



def checked_categories(work: Work, version: TariffVersion, categories: Iterable[str],
                       batch: WriteBatch | None = None) -> list[str]:
    settings = load_settings(work.session) if batch is None else batch.settings
    if version.currency != settings.currency:
        raise ValidationError("currency", f"Tariffs are priced in the utility's currency, {settings.currency}")
    chosen = sorted({category.strip() for category in categories if category.strip()})
    for category in chosen:
        if category not in settings.get("general.consumer_categories"):
            raise ValidationError("categories", f"'{category}' is not one of the consumer categories")
    return chosen


def _new_record(work: Work, tariff_id: str, version: TariffVersion, categories: list[str],
                summary: str, state: str) -> VersionRecord:
    record = VersionRecord(id=new_id(), tariff_id=tariff_id, version_no=version.version,
                           state=state, version=1, deleted=False)
    fill_record(record, version, categories, summary, work)
    work.record(record, flush=False)
    return record


def fill_record(record: VersionRecord, version: TariffVersion, categories: list[str],
                 summary: str, work: Work) -> None:
    record.valid_from, record.valid_to = version.valid_from, version.valid_to
    record.document = document_of(version, categories)
    record.change_summary = summary.strip()
    record.changed_by, record.changed_at, record.updated_at = work.actor.username, work.now, work.now


def archive_superseded(work: Work, state: TariffState, record: VersionRecord,
                       audit: bool = True) -> None:
    """The published versions that `record` (just published) replaces entirely."""
    for other in state.published:
        if other is not record and other.valid_from >= record.valid_from:
            base = other.version
            other.state, other.version, other.updated_at = ARCHIVED, base + 1, work.now
            work.record(other, "update", base_version=base, flush=False)
            if audit:
                work.audit("tariff_version_archived", "tariff", state.row.id, name=state.row.name,
                           version=other.version_no, superseded_by=record.version_no)


def touch(work: Work, row: TariffRecord) -> None:
    base = row.version
    row.version, row.updated_at = base + 1, work.now
    work.record(row, "update", base_version=base, flush=False)
