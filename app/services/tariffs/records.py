"""Tariff rows read as the domain sees them: versions in force, validity span, status, usage.

A tariff's versions chain by date: each published version is in force from its own start
until the next published version starts (or its own end, if earlier). Publishing a version
that starts on or before an earlier version's start supersedes that version entirely, and
the earlier one is archived. Published documents are never rewritten: the end a version
gets from its successor is derived here, when the versions are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ConflictError, NotFound
from app.domain.tariffs.document import from_document, to_document
from app.domain.tariffs.validation import TariffRef, TariffStatus, TariffVersion, tariff_status
from app.domain.tariffs.versions import chained
from app.formatting import Formats
from app.models.billing import Bill
from app.models.consumers import ServiceAccount
from app.models.system import AuditEntry
from app.models.tariffs import Plan, PlanService
from app.models.tariffs import Tariff as TariffRecord
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.core.context import AppContext
from app.services.core.settings import load_settings

DRAFT, PUBLISHED, ARCHIVED = "Draft", "Published", "Archived"
CATEGORIES_KEY = "consumer_categories"  # kept beside the rate structure in the stored document


@dataclass(frozen=True)
class TariffUsage:
    """Where a tariff is in use (accounts, plans) and whether it was ever applied (bills)."""

    service_accounts: int
    plans: int
    bills: int

    @property
    def in_use(self) -> bool:
        return bool(self.service_accounts or self.plans)

    @property
    def ever_applied(self) -> bool:
        return bool(self.service_accounts or self.plans or self.bills)

    def describe(self) -> str:
        parts = [
            f"{count} {noun}{'' if count == 1 else 's'}"
            for count, noun in ((self.service_accounts, "service account"), (self.plans, "plan"),
                                (self.bills, "bill"))
            if count
        ]
        return ", ".join(parts) if parts else "nothing"


@dataclass
class TariffState:
    """One tariff with its versions, read in one go."""

    row: TariffRecord
    versions: list[VersionRecord]  # by version number

    @property
    def latest(self) -> VersionRecord:
        return self.versions[-1]

    def latest_version(self) -> TariffVersion:
        return version_of(self.latest)

    def version_no(self, number: int) -> VersionRecord:
        for record in self.versions:
            if record.version_no == number:
                return record
        raise NotFound(f"'{self.row.name}' has no version {number}")

    @property
    def published(self) -> list[VersionRecord]:
        return [record for record in self.versions if record.state == PUBLISHED]

    def in_force(self) -> list[TariffVersion]:
        """Published versions by start date, each ending where its successor starts."""
        return chained([version_of(record) for record in self.published])

    def span(self) -> tuple[date, date | None]:
        """The tariff's validity: its versions in force or, before any is published, its draft."""
        versions = self.in_force() or [self.latest_version()]
        return versions[0].valid_from, versions[-1].valid_to

    def status(self, today: date) -> TariffStatus:
        start, end = self.span()
        if not self.published:  # only published versions can be active
            return TariffStatus.EXPIRED if end is not None and today > end else TariffStatus.INACTIVE
        return tariff_status(start, end, self.row.manually_inactive, today)

    def ref(self) -> TariffRef:
        start, end = self.span()
        return TariffRef(self.row.name, self.latest_version().utility,
                         self.latest_version().rate_type, start, end)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.latest.document.get(CATEGORIES_KEY) or ())


def version_of(record: VersionRecord) -> TariffVersion:
    return from_document(record.document)


def document_of(version: TariffVersion, categories: Iterable[str]) -> dict:
    return to_document(version) | {CATEGORIES_KEY: sorted(set(categories))}


def load_states(session: Session, ids: Iterable[str] | None = None) -> list[TariffState]:
    """Live (not deleted) tariffs with their versions, by name."""
    query = select(TariffRecord).where(TariffRecord.deleted.is_(False)).order_by(TariffRecord.name)
    if ids is not None:
        query = query.where(TariffRecord.id.in_(list(ids)))
    rows = session.execute(query).scalars().all()
    by_tariff: dict[str, list[VersionRecord]] = defaultdict(list)
    if rows:
        versions = select(VersionRecord).where(VersionRecord.tariff_id.in_([r.id for r in rows]))
        for record in session.execute(versions.order_by(VersionRecord.version_no)).scalars():
            by_tariff[record.tariff_id].append(record)
    return [TariffState(row, by_tariff[row.id]) for row in rows if by_tariff[row.id]]


def load_state(session: Session, tariff_id: str) -> TariffState:
    states = load_states(session, [tariff_id])
    if not states:
        raise NotFound("This tariff no longer exists; it may have been deleted")
    return states[0]


def state_named(session: Session, name: str) -> TariffState:
    row = session.execute(
        select(TariffRecord).where(func.lower(TariffRecord.name) == name.strip().lower(),
                                   TariffRecord.deleted.is_(False))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No tariff named '{name}'")
    return load_state(session, row.id)


def other_refs(session: Session, except_id: str | None = None) -> list[TariffRef]:
    """The other live tariffs, as the uniqueness and overlap checks see them."""
    return [state.ref() for state in load_states(session) if state.row.id != except_id]


def usage_of(session: Session, tariff_id: str) -> TariffUsage:
    accounts = session.execute(
        select(func.count()).select_from(ServiceAccount)
        .where(ServiceAccount.tariff_id == tariff_id, ServiceAccount.deleted.is_(False))
    ).scalar_one()
    plans = session.execute(
        select(func.count(func.distinct(PlanService.plan_id)))
        .join(Plan, Plan.id == PlanService.plan_id)
        .where(PlanService.tariff_id == tariff_id, PlanService.deleted.is_(False),
               Plan.deleted.is_(False))
    ).scalar_one()
    version_ids = select(VersionRecord.id).where(VersionRecord.tariff_id == tariff_id)
    bills = session.execute(
        select(func.count()).select_from(Bill).where(Bill.tariff_version_id.in_(version_ids))
    ).scalar_one()
    return TariffUsage(accounts, plans, bills)


def utility_today(app: AppContext, session: Session) -> date:
    return app.clock.today(ZoneInfo(load_settings(session).time_zone))


def check_base_version(session: Session, row: object, entity: str, base_version: int | None,
                       name: str) -> None:
    """Refuses a write made on a stale copy: names who changed the record, and when."""
    current = row.version  # type: ignore[attr-defined]
    if base_version is None or base_version == current:
        return
    who, when = last_change(session, entity, row.id)  # type: ignore[attr-defined]
    at = f" at {Formats.of(load_settings(session)).moment(when)}" if when is not None else ""
    raise ConflictError(f"'{name}' was changed by {who}{at} while you were editing it; "
                        "reload to see the current version")


def last_change(session: Session, entity: str, entity_id: str) -> tuple[str, datetime | None]:
    """Who changed a record last and when, from the audit trail."""
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.seq.desc()).limit(1)
    ).scalar_one_or_none()
    if entry is None:
        return "another user", None
    return entry.user_name, entry.at


def status_events(session: Session, entity: str, entity_id: str) -> list[AuditEntry]:
    """Manual status changes, for the version history."""
    return list(session.execute(
        select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id,
                                 AuditEntry.action == f"{entity}_status_changed")
        .order_by(AuditEntry.seq)
    ).scalars())
