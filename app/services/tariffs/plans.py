"""Plans: the plan wizard's reference data and checks, saving plans as versions 1.0, 1.1 …,
plan details and history, deactivation, and notifying administrators of expired tariffs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ConflictError, NotFound, ValidationError
from app.domain.core.permissions import Permission, Role
from app.domain.tariffs.plans import (
    PlanContext,
    PlanDraft,
    TariffOption,
    validate_plan,
    validate_step,
    version_label,
)
from app.domain.tariffs.validation import RateType, TariffStatus, Utility, tariff_status
from app.models.consumers import ServiceAccount
from app.models.reference import ConsumerCategory, ConsumerSubCategory
from app.models.tariffs import Plan, PlanService, PlanVersion
from app.models.users import User
from app.services.core.changes import PLANS, Changes
from app.services.core.context import SYSTEM_ACTOR, Actor, AppContext
from app.services.core.inbox import Recipient, notify
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.plan_records import (
    draft_of,
    plan_changes,
    replace_parts,
    snapshot,
    tariff_rate_text,
)
from app.services.tariffs.records import TariffState, check_base_version, load_states, utility_today

# Used when the utility has not set up sub-categories: the spec's and the demo's.
DEFAULT_SUB_CATEGORIES = {
    "Residential": ("Single Family", "Apartment", "Standard"),
    "Commercial": ("Small Business", "Retail", "Office"),
    "Industrial": ("Light", "Heavy"),
}


class PlanInUse(ConflictError):
    def __init__(self, name: str, accounts: int) -> None:
        super().__init__(f"'{name}' is used by {accounts} service account(s). They stay on the "
                         "plan until their next billing cycle; confirm to deactivate it.")
        self.accounts = accounts


@dataclass(frozen=True)
class TariffChoice:
    """A tariff a plan service may reference, with a one-line rate for the list."""

    option: TariffOption
    rate_text: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class PlanRow:
    id: str
    name: str
    short_name: str
    categories: tuple[str, ...]
    utilities: tuple[Utility, ...]
    billing_frequency: str
    valid_from: date
    valid_to: date | None
    status: TariffStatus
    version_label: str
    updated_at: datetime
    base_version: int


@dataclass(frozen=True)
class PlanDetail:
    row: PlanRow
    draft: PlanDraft
    tariff_names: dict[str, str]  # tariff id -> name
    tariff_rates: dict[str, str]  # tariff id -> "0.1200 per kWh"
    currency: str


@dataclass(frozen=True)
class PlanVersionEntry:
    label: str
    changed_at: datetime
    changed_by: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class PlanSaved:
    plan_id: str
    version_label: str
    base_version: int
    changes: Changes


class PlansService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # reference data and live checks -----------------------------------------------------

    def context(self, actor: Actor, plan_id: str | None = None) -> PlanContext:
        """What the plan rules need; the wizard checks each step against it as the user types."""
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            return _context(self.app, session, plan_id)

    def tariff_choices(self, actor: Actor, utility: Utility,
                       rate_type: RateType | None = None) -> list[TariffChoice]:
        """Active tariffs of a utility (and rate type): the rate names a service may use."""
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            today = utility_today(self.app, session)
            choices = []
            for state in load_states(session):
                option = _option(state, today)
                if option.utility is not utility or option.status is not TariffStatus.ACTIVE:
                    continue
                if rate_type is None or option.rate_type is rate_type:
                    start, end = state.span()
                    choices.append(TariffChoice(option, tariff_rate_text(state), start, end))
            return choices

    def check_step(self, actor: Actor, step: int, draft: PlanDraft,
                   plan_id: str | None = None) -> list[ValidationError]:
        return validate_step(step, draft, self.context(actor, plan_id))

    # saving ------------------------------------------------------------------------------

    def create(self, actor: Actor, draft: PlanDraft, *,
               seconds_to_complete: int | None = None) -> PlanSaved:
        actor.require(Permission.EDIT_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            _raise_first(validate_plan(draft, _context(self.app, work.session, None)))
            plan = Plan(version_no=1, updated_at=work.now)
            _fill(plan, draft)
            work.record(plan)
            replace_parts(work, plan.id, draft)
            shot = snapshot(work.session, draft)
            work.record(PlanVersion(plan_id=plan.id, version_label=version_label(1), snapshot=shot,
                                    change_summary="Initial Plan Creation",
                                    changed_by=actor.username, changed_at=work.now))
            work.audit("plan_created", "plan", plan.id, name=plan.name, version=version_label(1))
            work.track("Plan created", categories=list(draft.main_categories),
                       services=[s.utility.value for s in draft.services],
                       seconds_to_complete=seconds_to_complete)
            return PlanSaved(plan.id, version_label(1), plan.version, Changes.of(PLANS))

    def update(self, actor: Actor, plan_id: str, draft: PlanDraft, *,
               base_version: int | None) -> PlanSaved:
        """Every modification is a new version whose change list says what changed."""
        actor.require(Permission.EDIT_TARIFFS)
        with unit_of_work(self.app, actor) as work:
            plan = _plan(work.session, plan_id)
            check_base_version(work.session, plan, "plan", base_version, plan.name)
            return save_plan_version(self.app, work, plan, draft)

    def deactivate(self, actor: Actor, plan_id: str, *, reason: str, base_version: int | None,
                   confirm_in_use: bool = False) -> Changes:
        """Inactive for new customers; existing ones stay until their next billing cycle."""
        return self._set_inactive(actor, plan_id, True, reason, base_version, confirm_in_use)

    def activate(self, actor: Actor, plan_id: str, *, reason: str,
                 base_version: int | None) -> Changes:
        return self._set_inactive(actor, plan_id, False, reason, base_version, True)

    def _set_inactive(self, actor: Actor, plan_id: str, inactive: bool, reason: str,
                      base_version: int | None, confirmed: bool) -> Changes:
        actor.require(Permission.PUBLISH_TARIFFS)
        if not reason.strip():
            raise ValidationError("reason", "Give a reason for the status change")
        with unit_of_work(self.app, actor) as work:
            plan = _plan(work.session, plan_id)
            check_base_version(work.session, plan, "plan", base_version, plan.name)
            today = utility_today(self.app, work.session)
            before = tariff_status(plan.valid_from, plan.valid_to, plan.manually_inactive, today)
            if before is TariffStatus.EXPIRED:
                raise ValidationError("status", f"'{plan.name}' has expired and cannot be "
                                                "reactivated: create a new version instead")
            accounts = accounts_on(work.session, plan_id)
            if inactive and accounts and not confirmed:
                raise PlanInUse(plan.name, accounts)
            base = plan.version
            plan.manually_inactive, plan.version, plan.updated_at = inactive, base + 1, work.now
            if inactive != (before is TariffStatus.INACTIVE):  # its accounts keep it until their next cycle
                plan.inactive_since = today if inactive else None
            work.record(plan, "update", base_version=base)
            after = tariff_status(plan.valid_from, plan.valid_to, inactive, today)
            work.audit("plan_status_changed", "plan", plan_id, name=plan.name, before=before,
                       after=after, reason=reason.strip(), accounts_remaining=accounts)
        return Changes.of(PLANS)

    # reading -----------------------------------------------------------------------------

    def list_plans(self, actor: Actor, search: str = "",
                   status: TariffStatus | None = None) -> list[PlanRow]:
        actor.require(Permission.VIEW_TARIFFS)
        words = search.casefold().split()
        with self.app.sessions() as session:
            today = utility_today(self.app, session)
            plans = session.execute(select(Plan).where(Plan.deleted.is_(False))
                                    .order_by(Plan.name)).scalars().all()
            rows = [_plan_row(plan, draft_of(session, plan), today) for plan in plans]
        return [row for row in rows
                if (status is None or row.status is status)
                and all(w in " ".join([row.name, row.short_name, *row.categories]).casefold()
                        for w in words)]

    def details(self, actor: Actor, plan_id: str) -> PlanDetail:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            plan = _plan(session, plan_id)
            draft = draft_of(session, plan)
            states = {state.row.id: state for state in load_states(session)}
            ids = [s.tariff_id for s in draft.services if s.tariff_id]
            names = {i: states[i].row.name if i in states else "(deleted tariff)" for i in ids}
            rates = {i: tariff_rate_text(states[i]) if i in states else "" for i in ids}
            return PlanDetail(_plan_row(plan, draft, utility_today(self.app, session)), draft,
                              names, rates, load_settings(session).currency)

    def history(self, actor: Actor, plan_id: str) -> list[PlanVersionEntry]:
        actor.require(Permission.VIEW_TARIFFS)
        with self.app.sessions() as session:
            _plan(session, plan_id)
            versions = sorted(session.execute(select(PlanVersion).where(PlanVersion.plan_id == plan_id))
                              .scalars(), key=_label_order)
            return [PlanVersionEntry(v.version_label, v.changed_at, v.changed_by,
                                     tuple(v.change_summary.splitlines())) for v in versions]

    # administrators' notice of expired tariffs -------------------------------------------------

    def notify_expired_tariffs(self, today: date | None = None) -> int:
        """Queues one notice per administrator for each expired tariff a plan still references.

        Run at start-up; a tariff's expiry is notified once, however often it runs.
        """
        with unit_of_work(self.app, SYSTEM_ACTOR) as work:
            session = work.session
            today = today or utility_today(self.app, session)
            referenced = {s.tariff_id for s in _live_services(session)}
            admins = session.execute(select(User).where(
                User.role == Role.UTILITY_ADMINISTRATOR.value, User.active.is_(True),
                User.deleted.is_(False))).scalars().all()
            queued = 0
            for state in load_states(session, referenced):
                if state.status(today) is not TariffStatus.EXPIRED:
                    continue
                _, end = state.span()
                subject = f"Tariff '{state.row.name}' expired on {end.isoformat() if end else ''}"
                for admin in admins:
                    queued += _queue_notice(work, admin, subject, state.row.id)
            return queued


# helpers ------------------------------------------------------------------------------------


def save_plan_version(app: AppContext, work: Work, plan: Plan, draft: PlanDraft,
                      audit: bool = True) -> PlanSaved:
    """The plan's next version (1.0 → 1.1) inside an open unit of work, its change list said."""
    _raise_first(validate_plan(draft, _context(app, work.session, plan.id)))
    before = _snapshot_of(work.session, plan.id, version_label(plan.version_no))
    after = snapshot(work.session, draft)
    changes = plan_changes(before, after, load_settings(work.session).currency)
    if not changes:
        raise ValidationError("plan", "Nothing changed since the current version")
    base = plan.version
    _fill(plan, draft)
    plan.version_no += 1
    plan.version, plan.updated_at = base + 1, work.now
    work.record(plan, "update", base_version=base)
    replace_parts(work, plan.id, draft)
    label = version_label(plan.version_no)
    work.record(PlanVersion(plan_id=plan.id, version_label=label, snapshot=after,
                            change_summary="\n".join(changes), changed_by=work.actor.username,
                            changed_at=work.now))
    if audit:
        work.audit("plan_version_saved", "plan", plan.id, name=plan.name, version=label,
                   changes=changes)
    return PlanSaved(plan.id, label, plan.version, Changes.of(PLANS))


def _context(app: AppContext, session: Session, plan_id: str | None) -> PlanContext:
    settings = load_settings(session)
    today = utility_today(app, session)
    others = session.execute(select(Plan.name).where(Plan.deleted.is_(False), Plan.id != (plan_id or ""))).scalars()
    original = session.get(Plan, plan_id).valid_from if plan_id else None
    return PlanContext(
        today=today, currency=settings.currency,
        other_names=frozenset(name.casefold() for name in others),
        sub_categories=_sub_categories(session, settings.get("general.consumer_categories")),
        tariffs={state.row.id: _option(state, today) for state in load_states(session)},
        original_start=original,
    )


def _sub_categories(session: Session, categories: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    stored: dict[str, list[str]] = {}
    rows = session.execute(select(ConsumerCategory.name, ConsumerSubCategory.name)
                           .join(ConsumerSubCategory, ConsumerSubCategory.category_id == ConsumerCategory.id)
                           .where(ConsumerSubCategory.deleted.is_(False))
                           .order_by(ConsumerSubCategory.name))
    for category, sub in rows:
        stored.setdefault(category, []).append(sub)
    return {category: tuple(stored.get(category) or DEFAULT_SUB_CATEGORIES.get(category, ("General",)))
            for category in categories}


def _option(state: TariffState, today: date) -> TariffOption:
    version = state.latest_version()
    return TariffOption(state.row.id, state.row.name, version.utility, version.rate_type,
                        state.status(today), state.categories)


def _raise_first(errors: list[ValidationError]) -> None:
    if errors:
        raise errors[0]


def _plan(session: Session, plan_id: str) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None or plan.deleted:
        raise NotFound("This plan no longer exists")
    return plan


def _fill(plan: Plan, draft: PlanDraft) -> None:
    plan.name, plan.short_name = draft.name.strip(), draft.short_name.strip()
    plan.description = draft.description.strip()
    plan.billing_frequency = draft.billing_frequency.value if draft.billing_frequency else ""
    plan.tax_type = draft.tax_type.value if draft.tax_type else ""
    plan.tax_rate = draft.tax_rate or Decimal(0)
    plan.valid_from, plan.valid_to = draft.valid_from, draft.valid_to  # type: ignore[assignment]


def _snapshot_of(session: Session, plan_id: str, label: str) -> dict:
    return session.execute(select(PlanVersion.snapshot).where(
        PlanVersion.plan_id == plan_id, PlanVersion.version_label == label)).scalar_one()


def _label_order(version: PlanVersion) -> int:
    return int(version.version_label.split(".", 1)[1])


def _plan_row(plan: Plan, draft: PlanDraft, today: date) -> PlanRow:
    return PlanRow(plan.id, plan.name, plan.short_name, draft.main_categories,
                   tuple(s.utility for s in draft.services), plan.billing_frequency,
                   plan.valid_from, plan.valid_to,
                   tariff_status(plan.valid_from, plan.valid_to, plan.manually_inactive, today),
                   version_label(plan.version_no), plan.updated_at, plan.version)


def accounts_on(session: Session, plan_id: str) -> int:
    return session.execute(select(func.count()).select_from(ServiceAccount).where(
        ServiceAccount.plan_id == plan_id, ServiceAccount.deleted.is_(False))).scalar_one()


def _live_services(session: Session) -> list[PlanService]:
    return session.execute(select(PlanService).join(Plan, Plan.id == PlanService.plan_id).where(
        PlanService.deleted.is_(False), Plan.deleted.is_(False))).scalars().all()


def _queue_notice(work: Work, admin: User, subject: str, tariff_id: str) -> int:
    body = (f"{subject}. Plans that reference it keep their historical link, but it can no "
            "longer be assigned to new plans. Create a new version or choose another tariff.")
    told = notify(work, [Recipient(admin.username, admin.email)], subject, body, "tariff_expired",
                  f"tariff:{tariff_id}", key=f"tariff_expired:{tariff_id}:{subject}")
    if told:
        work.audit("tariff_expiry_notified", "tariff", tariff_id,
                   recipient=admin.email or admin.username, subject=subject)
    return len(told)
