"""Tariffs: listing, creating, versioning, publishing, status, deletion, history and quotes.

Every change makes a new version (or edits the one pending draft), is checked by the
domain's validate_tariff against the other tariffs, is audited, and carries the tariff's
base version so that a change made on a stale copy is refused rather than lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.core.errors import ConflictError, ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.validation import (
    TariffRef,
    TariffStatus,
    TariffVersion,
    check_tariff,
)
from app.formatting import Formats
from app.services.core.changes import PLANS, TARIFFS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.tariffs import compare as tariff_compare
from app.services.tariffs.compare import SampleBill, TariffHistory, VersionComparison
from app.services.tariffs.import_export import TariffTransfer
from app.services.tariffs.listing import (
    TariffFilter,
    TariffRow,
    matches,
    sort_key,
    tariff_row,
)
from app.services.tariffs.overview import TariffOverview, build_overview
from app.services.tariffs.quotes import Quote, quote_versions
from app.services.tariffs.records import (
    DRAFT,
    PUBLISHED,
    TariffUsage,
    last_change,
    load_state,
    load_states,
    other_refs,
    state_named,
    usage_of,
    utility_today,
)
from app.services.tariffs.writes import (
    TariffSaved,
    after_change,
    archive_superseded,
    check_chain,
    checked_change,
    create_in,
    editable,
    fill_record,
    new_version_in,
    touch,
)

TARIFF_EVENTS = frozenset({
    "Dashboard viewed", "Version history viewed", "Tariff filtered", "Sample calculation viewed", "Benefit section accessed",
    "Tariff details printed/shared", "Search for active tariff",
})
class TariffInUse(ConflictError):
    """Deactivating a tariff that accounts or plans use: the user must confirm."""

    def __init__(self, name: str, usage: TariffUsage) -> None:
        super().__init__(f"'{name}' is in use by {usage.describe()}. Customers stay on it until "
                         "their next billing cycle; confirm to deactivate it.")
        self.usage = usage


@dataclass(frozen=True)
class TariffDetail:
    row: TariffRow
    version: TariffVersion  # the latest version: the one a new version starts from
    currency: str


class TariffsService:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.transfer = TariffTransfer(app)  # import and export

    # reading ---------------------------------------------------------------------------

    def list_tariffs(self, actor: Actor, flt: TariffFilter | None = None, *,
                     record_search: bool = False) -> list[TariffRow]:
        actor.require(Permission.VIEW_TARIFFS)
        flt = flt or TariffFilter()
        with self.app.sessions() as session:
            today = utility_today(self.app, session)
            rows = [tariff_row(state, today) for state in load_states(session)]
        found = sorted((row for row in rows if matches(row, flt)), key=sort_key(flt.sort),
                       reverse=flt.descending)
        if record_search and not flt.is_empty:
            self._track_search(actor, flt, len(found))
        return found

    def _track_search(self, actor: Actor, flt: TariffFilter, results: int) -> None:
        criteria = {"search": flt.search.strip(), "utility": flt.utility, "rate_type": flt.rate_type,
                    "status": flt.status}
        with unit_of_work(self.app, actor) as work:
            work.track("Tariff filtered", criteria={k: v for k, v in criteria.items() if v},
                       results=results)
            if flt.search.strip() and flt.status is TariffStatus.ACTIVE:
                work.track("Search for active tariff", terms=flt.search.strip(), results=results)

    def get(self, actor: Actor, tariff_id: str) -> TariffDetail:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            state = load_state(session, tariff_id)
            row = tariff_row(state, utility_today(self.app, session))
            return TariffDetail(row, state.latest_version(), load_settings(session).currency)

    def others(self, actor: Actor, except_id: str | None = None) -> list[TariffRef]:
        """The other tariffs, for checking a form live as the user types."""
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            return other_refs(session, except_id)

    def usage(self, actor: Actor, tariff_id: str) -> TariffUsage:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            return usage_of(session, tariff_id)

    def overview(self, actor: Actor) -> TariffOverview:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            overview = build_overview(session, utility_today(self.app, session))
        self.track(actor, "Dashboard viewed", section="Plans & Tariffs overview")
        return overview

    def track(self, actor: Actor, event: str, **properties: object) -> None:
        """A section 12 usage event that no change records by itself (a view, a search)."""
        if event not in TARIFF_EVENTS:
            raise ValueError(f"Not a tariff usage event: {event}")
        with unit_of_work(self.app, actor) as work:
            work.track(event, **properties)

    # creating and versioning -------------------------------------------------------------

    def create(self, actor: Actor, version: TariffVersion, *, description: str = "",
               categories: Iterable[str] = (), publish: bool = True,
               change_summary: str = "Initial tariff creation",
               seconds_to_complete: int | None = None) -> TariffSaved:
        actor.require(Permission.EDIT_TARIFFS)
        if publish:
            actor.require(Permission.PUBLISH_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            return create_in(work, version, description=description, categories=categories,
                             publish=publish, change_summary=change_summary,
                             seconds_to_complete=seconds_to_complete)

    def new_version(self, actor: Actor, tariff_id: str, version: TariffVersion, *,
                    change_summary: str, base_version: int | None, publish: bool = True,
                    categories: Iterable[str] | None = None,
                    description: str | None = None) -> TariffSaved:
        """A new version after the latest, which must be published: a draft is edited instead."""
        actor.require(Permission.EDIT_TARIFFS)
        if publish:
            actor.require(Permission.PUBLISH_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            state = editable(work, tariff_id, base_version)
            return new_version_in(work, state, version, change_summary=change_summary,
                                  publish=publish, categories=categories, description=description)

    def update_draft(self, actor: Actor, tariff_id: str, version: TariffVersion, *,
                     change_summary: str, base_version: int | None,
                     categories: Iterable[str] | None = None,
                     description: str | None = None) -> TariffSaved:
        """Edit the pending draft: only the latest version, and only while it is a draft."""
        actor.require(Permission.EDIT_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            state = editable(work, tariff_id, base_version)
            record = state.latest
            if record.state != DRAFT:
                raise ValidationError("version", f"Version {record.version_no} is {record.state.lower()} "
                                                 "and cannot be changed: create a new version")
            version, categories = checked_change(work, state, version, change_summary,
                                                       categories, record.version_no, record)
            base = record.version
            fill_record(record, version, categories, change_summary, work)
            record.version = base + 1
            work.record(record, "update", base_version=base)
            after_change(work, state, version, record, description, change_summary)
            return TariffSaved(tariff_id, record.version_no, DRAFT, state.row.version,
                               Changes.of(TARIFFS))

    def publish(self, actor: Actor, tariff_id: str, *, base_version: int | None) -> TariffSaved:
        actor.require(Permission.PUBLISH_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            state = editable(work, tariff_id, base_version)
            record = state.latest
            if record.state != DRAFT:
                raise ValidationError("version", f"Version {record.version_no} is already {record.state.lower()}")
            check_tariff(replace(state.latest_version(), name=state.row.name),
                         other_refs(work.session, tariff_id))
            check_chain(state, state.latest_version())
            base = record.version
            record.state, record.version, record.updated_at = PUBLISHED, base + 1, work.now
            work.record(record, "update", base_version=base)
            archive_superseded(work, state, record)
            touch(work, state.row)
            work.audit("tariff_version_published", "tariff", tariff_id, name=state.row.name,
                       version=record.version_no)
            return TariffSaved(tariff_id, record.version_no, PUBLISHED, state.row.version,
                               Changes.of(TARIFFS, PLANS))

    # status and deletion ----------------------------------------------------------------------

    def deactivate(self, actor: Actor, tariff_id: str, *, reason: str, base_version: int | None,
                   confirm_in_use: bool = False) -> Changes:
        """Manually Inactive; when accounts or plans use it, refused until confirmed."""
        return self._set_inactive(actor, tariff_id, True, reason, base_version, confirm_in_use)

    def activate(self, actor: Actor, tariff_id: str, *, reason: str,
                 base_version: int | None) -> Changes:
        """Back to Active; an expired tariff needs a new version with a later end instead."""
        return self._set_inactive(actor, tariff_id, False, reason, base_version, True)

    def _set_inactive(self, actor: Actor, tariff_id: str, inactive: bool, reason: str,
                      base_version: int | None, confirmed: bool) -> Changes:
        actor.require(Permission.PUBLISH_TARIFFS)
        if not reason.strip():
            raise ValidationError("reason", "Give a reason for the status change")
        with unit_of_work(self.app, actor) as work:
            state = editable(work, tariff_id, base_version)
            today = utility_today(self.app, work.session)
            before = state.status(today)
            if before is TariffStatus.EXPIRED:
                raise ValidationError("status", f"'{state.row.name}' has expired and cannot be "
                                                "reactivated: create a new version with a later end date")
            if not inactive and not state.published:
                raise ValidationError("status", "Publish a version before activating the tariff")
            usage = usage_of(work.session, tariff_id)
            if inactive and usage.in_use and not confirmed:
                raise TariffInUse(state.row.name, usage)
            state.row.manually_inactive = inactive
            touch(work, state.row)
            after = state.status(today)
            work.audit("tariff_status_changed", "tariff", tariff_id, name=state.row.name,
                       before=before, after=after, reason=reason.strip(), in_use=usage.describe())
            work.track("Tariff status changed", previous_status=before, new_status=after,
                       reason=reason.strip())
        return Changes.of(TARIFFS, PLANS)

    def delete(self, actor: Actor, tariff_id: str, *, base_version: int | None) -> Changes:
        """Only a tariff never applied: no bill, service account or plan has referenced it."""
        actor.require(Permission.DELETE_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            state = editable(work, tariff_id, base_version)
            usage = usage_of(work.session, tariff_id)
            if usage.ever_applied:
                raise ConflictError(f"'{state.row.name}' cannot be deleted: it has been applied to "
                                    f"{usage.describe()}. Deactivate it instead.")
            name, row = state.row.name, state.row
            row.name = f"{name[:80]} [deleted {row.id[:8]}]"  # frees the unique name for reuse
            row.deleted = True
            touch(work, row)
            for record in state.versions:
                base = record.version
                record.deleted, record.version = True, base + 1
                work.record(record, "update", base_version=base)
            work.audit("tariff_deleted", "tariff", tariff_id, name=name, versions=len(state.versions))
        return Changes.of(TARIFFS)

    # history, comparison, samples, quotes ---------------------------------------------------

    def history(self, actor: Actor, tariff_id: str, *, record_view: bool = True) -> TariffHistory:
        """Versions and status changes; a screen records the view itself, with the time spent."""
        actor.require(Permission.VIEW_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            history = tariff_compare.history(work.session, load_state(work.session, tariff_id),
                                             utility_today(self.app, work.session),
                                             Formats.of(load_settings(work.session)).day)
            if record_view:
                work.track("Version history viewed", tariff_id=tariff_id,
                           versions=len(history.entries))
            return history

    def compare(self, actor: Actor, tariff_id: str, first: int, second: int, *,
                levels: Sequence[object] = (100, 200, 500)) -> VersionComparison:
        actor.require(Permission.VIEW_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            state = load_state(work.session, tariff_id)
            comparison = tariff_compare.compare(state, first, second, levels,
                                                Formats.of(load_settings(work.session)).day)
            work.track("Tariff comparison used", tariff_id=tariff_id,
                       versions_compared=[first, second])
            return comparison

    def sample_bills(self, actor: Actor, version: TariffVersion,
                     levels: Sequence[object] = (100, 200, 500), *, season: str | None = None,
                     record_view: bool = True) -> list[SampleBill]:
        actor.require(Permission.VIEW_TARIFFS)
        samples = tariff_compare.samples(version, levels, season)
        if record_view:
            self.track(actor, "Sample calculation viewed", tariff_type=version.rate_type.label,
                       consumption_levels=[str(sample.units) for sample in samples])
        return samples

    def quote(self, actor: Actor, name: str, period_start: date, period_end: date, *,
              units: object = None, units_by_period: Mapping[str, object] | None = None,
              load_kw: object = None) -> Quote:
        """A billing period rated under the tariff's versions in force, prorated at boundaries."""
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            state = state_named(session, name)
            versions = state.in_force()
        return quote_versions(state.row.name, versions, period_start, period_end, units,
                              units_by_period, load_kw)


__all__ = [
    "Quote", "SampleBill", "TariffDetail", "TariffFilter", "TariffHistory", "TariffInUse",
    "TariffOverview", "TariffRow", "TariffSaved", "TariffUsage", "TariffsService",
    "VersionComparison", "last_change",
]
