"""The billing dashboard's use cases: who may open it, the overview with both comparisons and
the reconciliation, the cycles and exceptions panels, the revenue trend, stale-data checks,
and the audit entries and usage events (the spec's section 12) of what people do with it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.domain.core.permissions import Permission, Role
from app.domain.core.settings import Settings
from app.domain.dashboard import seasonality
from app.domain.dashboard.freshness import is_stale
from app.domain.dashboard.metrics import MetricSet, PeriodFigures, build_metrics
from app.domain.dashboard.reconcile import Reconciliation, reconcile
from app.domain.dashboard.seasonality import SeasonalReading
from app.domain.dashboard.trends import Period, months_earlier
from app.models.billing import Bill, BillingCycle
from app.models.consumers import Consumer, ServiceAccount
from app.models.reference import Zone
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.dashboard import panels
from app.services.dashboard.figures import (
    documents_total,
    ledger_balances,
    ledger_by_source,
    lines_by_gl,
    scope_figures,
    undocumented,
)
from app.services.dashboard.scope import DashboardFilter, Scope, Scopes, resolve, with_ledger_until
from app.services.dashboard.sql import money_sum

DASHBOARD_ROLES = (Role.BILLING_MANAGER, Role.BILLING_SPECIALIST, Role.UTILITY_ADMINISTRATOR)
QUICK_ACTIONS = ("Bulk Bill Generation", "Single Bill Generation", "Print & Distribute",
                 "GL Codes Management")
# What each quick action does needs, beyond opening the dashboard: bill runs need RUN_BILLING
# (a Utility Administrator's role has none); printing and the GL journal need VIEW_BILLING.
ACTION_PERMISSIONS = {"Bulk Bill Generation": Permission.RUN_BILLING,
                      "Single Bill Generation": Permission.RUN_BILLING,
                      "Print & Distribute": Permission.VIEW_BILLING,
                      "GL Codes Management": Permission.VIEW_BILLING}


class StaleData(ConflictError):
    """The figures on screen are older than the stale-data limit: ask before acting on them."""


@dataclass(frozen=True)
class Overview:
    loaded_at: datetime
    currency: str
    threshold: Decimal
    scopes: tuple[str, str | None, str | None]  # labels: current, previous, same period last year
    figures: PeriodFigures
    metrics: MetricSet
    reconciliation: Reconciliation


@dataclass(frozen=True)
class Choices:
    zones: tuple[tuple[str, str], ...]  # id, name
    segments: tuple[str, ...]
    cycles: tuple[panels.CycleRow, ...]
    refresh_minutes: int
    stale_minutes: int
    business_hours: tuple
    default_granularity: str
    currency: str
    locale: str
    time_zone: str


def overview_in(session: Session, settings: Settings, flt: DashboardFilter, today: date, dialect: str,
                now: datetime, threshold: Decimal | None = None) -> Overview:
    """The overview as of `today`: the screen's, the command line's and the scheduled report's."""
    tz = ZoneInfo(settings.time_zone)
    scopes = resolve(session, flt, today, tz)
    lines = lines_by_gl(session, scopes.current)  # the reconciliation's, and the current figures'
    seen = [with_ledger_until(scope, today) for scope in (scopes.current, scopes.previous, scopes.last_year)
            if scope]
    balances = iter(ledger_balances(session, seen))
    figures = [scope and scope_figures(
        session, with_ledger_until(scope, today), dialect,
        lines if scope is scopes.current and with_ledger_until(scope, today) == scope else None,
        next(balances)) for scope in (scopes.current, scopes.previous, scopes.last_year)]
    checks = _reconcile(session, scopes.current, figures[0], lines, today, tz)
    limit = threshold if threshold is not None else Decimal(settings.get("dashboard.trend_highlight_percent"))
    return Overview(now, settings.currency, limit,
                    (scopes.current.label, scopes.previous and scopes.previous.label,
                     scopes.last_year and scopes.last_year.label),
                    figures[0], build_metrics(figures[0], figures[1], figures[2], limit), checks)


def _reconcile(session: Session, scope: Scope, figures: PeriodFigures, lines: dict[str, Decimal],
               today: date, tz: ZoneInfo) -> Reconciliation:
    totals = session.execute(scope.bills(select(money_sum(Bill.total)))).scalar_one()
    everything = Scope("to date", Period(min(scope.window.start, today), today), tz,
                       zone_id=scope.zone_id, segment=scope.segment)
    ledger = ledger_by_source(session, everything)
    return reconcile(figures.total_billed, totals, lines, sum(ledger.values(), Decimal(0)),
                     documents_total(session, everything, undocumented(ledger)))


def require_dashboard(actor: Actor) -> None:
    """A clear message for anyone else; the screen hides the module, the service refuses anyway."""
    try:
        actor.require(Permission.VIEW_DASHBOARD)
    except PermissionDenied:
        raise PermissionDenied(
            "The billing dashboard is for Billing Managers, Billing Specialists and Utility "
            f"Administrators; a {actor.role.value} may not open it.") from None


class DashboardService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # reading ------------------------------------------------------------------------------

    def _context(self, session: Session) -> tuple[Settings, ZoneInfo, date]:
        settings = load_settings(session)
        tz = ZoneInfo(settings.time_zone)
        return settings, tz, self.app.clock.today(tz)

    def choices(self, actor: Actor) -> Choices:
        require_dashboard(actor)
        with self.app.sessions() as session:
            settings, _tz, today = self._context(session)
            zones = tuple((zone_id, name) for zone_id, name in session.execute(
                select(Zone.id, Zone.name).where(Zone.deleted.is_(False)).order_by(Zone.name)))
            segments = tuple(session.execute(select(Consumer.category).distinct()
                                             .order_by(Consumer.category)).scalars())
            retention = int(settings.get("billing.completed_cycle_retention_months"))
            rows = panels.cycles(session, self.app.clock.now(), self._alert(settings),
                                 since=months_earlier(today, retention))
        return Choices(zones, segments, tuple(rows), int(settings.get("dashboard.refresh_minutes")),
                       int(settings.get("dashboard.stale_data_minutes")), settings.business_hours,
                       str(settings.get("dashboard.default_time_period")), settings.currency,
                       settings.locale, settings.time_zone)

    def find_cycle(self, actor: Actor, name: str) -> str:
        """A billing cycle's id by its name, any case; NotFound names the most recent ones."""
        require_dashboard(actor)
        wanted = " ".join(name.split()).casefold()
        with self.app.sessions() as session:
            found = session.execute(select(BillingCycle.id).where(
                func.lower(BillingCycle.name) == wanted, BillingCycle.deleted.is_(False))).scalar()
            if found:
                return found
            recent = session.execute(select(BillingCycle.name).where(BillingCycle.deleted.is_(False))
                                     .order_by(BillingCycle.period_start.desc()).limit(4)).scalars()
            raise NotFound(f'There is no billing cycle named "{name}"; the most recent are '
                           + ", ".join(f'"{cycle}"' for cycle in recent))

    @staticmethod
    def _alert(settings: Settings) -> timedelta:
        return timedelta(hours=int(settings.get("billing.cycle_deadline_alert_hours")))

    def overview(self, actor: Actor, flt: DashboardFilter, threshold: Decimal | None = None) -> Overview:
        """Every overview figure for the filter, compared with the previous cycle (or period) and
        the same period last year, and the reconciliation of the financial figures."""
        require_dashboard(actor)
        started = time.perf_counter()
        with self.app.sessions() as session:
            settings, tz, today = self._context(session)
            overview = overview_in(session, settings, flt, today, self.app.dialect, self.app.clock.now(),
                                   threshold)
        self.track(actor, "Dashboard_Load_Time", duration_ms=round((time.perf_counter() - started) * 1000),
                   scope=overview.scopes[0])
        return overview

    def scopes(self, actor: Actor, flt: DashboardFilter) -> Scopes:
        require_dashboard(actor)
        with self.app.sessions() as session:
            _settings, tz, today = self._context(session)
            return resolve(session, flt, today, tz)

    def revenue_trend(self, actor: Actor, flt: DashboardFilter, months: int = 12) -> list[panels.TrendPoint]:
        require_dashboard(actor)
        if not 1 <= months <= 60:
            raise ValidationError("Months", "must be between 1 and 60")
        with self.app.sessions() as session:
            _settings, tz, today = self._context(session)
            scope = resolve(session, flt, today, tz).current
            end = scope.window.end
            start = months_earlier(end.replace(day=1), months - 1)
            return panels.revenue_trend(session, scope, Period(start, end), self.app.dialect)

    def consumption_season(self, actor: Actor, flt: DashboardFilter) -> SeasonalReading:
        """The scope's month of consumption, season-adjusted against the 24 months before it,
        and whether it deviates significantly (the method is named in the reading)."""
        require_dashboard(actor)
        with self.app.sessions() as session:
            _settings, tz, today = self._context(session)
            scope = resolve(session, flt, today, tz).current
            month = scope.window.start.replace(day=1)
            period = Period(months_earlier(month, 24), scope.window.end)
            points = panels.revenue_trend(session, scope, period, self.app.dialect)
        return seasonality.read({p.month: p.consumption for p in points}, f"{month:%Y-%m}")

    def exceptions(self, actor: Actor, flt: DashboardFilter) -> list[panels.ExceptionGroup]:
        require_dashboard(actor)
        with self.app.sessions() as session:
            _settings, tz, today = self._context(session)
            scopes = resolve(session, flt, today, tz)
            return panels.exception_groups(session, scopes.current, scopes.previous,
                                           self.app.clock.now(), self.app.dialect)

    # acting -------------------------------------------------------------------------------

    def check_fresh(self, actor: Actor, loaded_at: datetime | None, confirmed: bool = False) -> None:
        """Acting on figures older than the stale-data limit (30 minutes) asks first: StaleData
        until the person confirms."""
        with self.app.sessions() as session:
            minutes = int(load_settings(session).get("dashboard.stale_data_minutes"))
        if confirmed or not is_stale(loaded_at, self.app.clock.now(), timedelta(minutes=minutes)):
            return
        raise StaleData(f"The figures on screen are more than {minutes} minutes old. Refresh first, "
                        "or confirm to go ahead with them.")

    def quick_action(self, actor: Actor, action: str, loaded_at: datetime | None,
                     confirmed: bool = False) -> None:
        """May the person start this quick action now? StaleData asks first; a role without the
        action's permission is refused with a clear message, and the refusal is recorded. The
        screen then runs the workflow and reports its outcome with `quick_action_done`."""
        require_dashboard(actor)
        if action not in QUICK_ACTIONS:
            raise ValidationError("Quick action", f"must be one of {', '.join(QUICK_ACTIONS)}")
        self.check_fresh(actor, loaded_at, confirmed)
        try:
            actor.require(ACTION_PERMISSIONS[action])
        except PermissionDenied:
            self.quick_action_done(actor, action, "refused: not permitted for the role")
            raise PermissionDenied(f"{action} is for Billing Managers and Billing Specialists; a "
                                   f"{actor.role.value} may not run it.") from None

    def quick_action_done(self, actor: Actor, action: str, outcome: str, **details: object) -> None:
        """The audit entry and Quick_Action_Initiated event of one quick action, with what it did."""
        self.record(actor, "dashboard_quick_action", action, "Quick_Action_Initiated",
                    action_type=action, outcome=outcome, **details)

    def bill_for(self, actor: Actor, account_no: str, period_start: date) -> str | None:
        """The invoice number of the account's bill for the period (the newest, if re-billed)."""
        require_dashboard(actor)
        with self.app.sessions() as session:
            return session.execute(
                select(Bill.invoice_no).join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
                .where(ServiceAccount.account_no == account_no, Bill.period_start == period_start,
                       Bill.status != "Cancelled")
                .order_by(Bill.rebill_no.desc())).scalars().first()

    def record(self, actor: Actor, action: str, entity_id: str, event: str | None = None,
               **properties: object) -> None:
        """An audit entry for what the person did, and its usage event, in one transaction."""
        require_dashboard(actor)
        with unit_of_work(self.app, actor) as work:
            work.audit(action, "dashboard", entity_id, **properties)
            if event:
                work.track(event, **properties)

    def track(self, actor: Actor, event: str, **properties: object) -> None:
        """A usage event alone (a refresh, a load time): not an action, so not audited."""
        with unit_of_work(self.app, actor) as work:
            work.track(event, **properties)
