"""The Plans & Tariffs overview: totals with month-on-month growth, status breakdowns,
recently updated plans and tariffs, and tariffs nearing their end date.

Growth compares today's count with the count a month ago by creation dates (tariffs'
created_at, plans' first version, accounts' connection date); an account disconnected
since then counts in neither figure.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain.dashboard.trends import percent_change, rounded
from app.domain.tariffs.validation import TariffStatus, tariff_status
from app.models.consumers import ServiceAccount
from app.models.tariffs import Plan, PlanCategory, PlanVersion
from app.services.tariffs.records import TariffState, load_states

RECENT = 5
EXPIRING_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class Kpi:
    label: str
    value: int
    previous: int  # the same count a month ago

    @property
    def growth_percent(self) -> Decimal | None:
        return rounded(percent_change(self.value, self.previous), 1)


@dataclass(frozen=True)
class StatusCounts:
    active: int = 0
    inactive: int = 0
    expired: int = 0

    @classmethod
    def of(cls, statuses: list[TariffStatus]) -> StatusCounts:
        counts = Counter(statuses)
        return cls(counts[TariffStatus.ACTIVE], counts[TariffStatus.INACTIVE],
                   counts[TariffStatus.EXPIRED])


@dataclass(frozen=True)
class RecentItem:
    kind: str  # "plan" or "tariff"
    id: str
    name: str
    category: str  # a plan's consumer categories; a tariff's utility and rate type
    status: TariffStatus
    version: str
    updated_at: datetime
    updated_by: str
    valid_to: date | None = None


@dataclass(frozen=True)
class TariffOverview:
    as_of: date
    plans: Kpi
    tariffs: Kpi
    subscribers: Kpi
    plan_status: StatusCounts
    tariff_status: StatusCounts
    recent_plans: tuple[RecentItem, ...]
    recent_tariffs: tuple[RecentItem, ...]
    expiring_soon: tuple[RecentItem, ...]


def build_overview(session: Session, today: date) -> TariffOverview:
    month_ago = _month_before(today)
    cutoff = datetime.combine(month_ago, time.max, tzinfo=UTC)
    tariffs = load_states(session)
    tariff_items = [_tariff_item(state, today) for state in tariffs]
    plan_items, plan_created = _plan_items(session, today)
    expiring = [item for item in tariff_items if item.status is TariffStatus.ACTIVE
                and item.valid_to is not None and item.valid_to <= today + EXPIRING_WITHIN]
    return TariffOverview(
        as_of=today,
        plans=Kpi("Total plans", len(plan_items), sum(1 for at in plan_created if at <= cutoff)),
        tariffs=Kpi("Total tariffs", len(tariffs),
                    sum(1 for state in tariffs if state.row.created_at <= cutoff)),
        subscribers=Kpi("Active subscribers", _subscribers(session, today),
                        _subscribers(session, month_ago)),
        plan_status=StatusCounts.of([item.status for item in plan_items]),
        tariff_status=StatusCounts.of([item.status for item in tariff_items]),
        recent_plans=tuple(_latest(plan_items)),
        recent_tariffs=tuple(_latest(tariff_items)),
        expiring_soon=tuple(sorted(expiring, key=lambda item: item.valid_to or date.max)),
    )


def _latest(items: list[RecentItem]) -> list[RecentItem]:
    return sorted(items, key=lambda item: item.updated_at, reverse=True)[:RECENT]


def _month_before(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _subscribers(session: Session, on: date) -> int:
    """Active service accounts on a plan or a tariff, connected on or before `on`."""
    return session.execute(
        select(func.count()).select_from(ServiceAccount).where(
            ServiceAccount.deleted.is_(False), ServiceAccount.status == "Active",
            ServiceAccount.connected_on <= on,
            or_(ServiceAccount.plan_id.is_not(None), ServiceAccount.tariff_id.is_not(None)))
    ).scalar_one()


def _tariff_item(state: TariffState, today: date) -> RecentItem:
    version = state.latest_version()
    _, end = state.span()
    updated = max(state.row.updated_at, state.latest.changed_at)
    return RecentItem("tariff", state.row.id, state.row.name,
                      f"{version.utility.label} · {version.rate_type.label}", state.status(today),
                      f"v{state.latest.version_no}", updated, state.latest.changed_by, end)


def _plan_items(session: Session, today: date) -> tuple[list[RecentItem], list[datetime]]:
    plans = session.execute(select(Plan).where(Plan.deleted.is_(False))).scalars().all()
    ids = [plan.id for plan in plans]
    categories: dict[str, set[str]] = defaultdict(set)
    versions: dict[str, list[PlanVersion]] = defaultdict(list)
    if ids:
        for row in session.execute(select(PlanCategory).where(
                PlanCategory.plan_id.in_(ids), PlanCategory.deleted.is_(False))).scalars():
            categories[row.plan_id].add(row.category)
        for version in session.execute(select(PlanVersion).where(PlanVersion.plan_id.in_(ids))).scalars():
            versions[version.plan_id].append(version)
        for history in versions.values():
            history.sort(key=lambda v: int(v.version_label.split(".", 1)[1]))
    items, created = [], []
    for plan in plans:
        history = versions[plan.id]
        last = history[-1] if history else None
        created.append(history[0].changed_at if history else plan.updated_at)
        items.append(RecentItem(
            "plan", plan.id, plan.name, ", ".join(sorted(categories[plan.id])),
            tariff_status(plan.valid_from, plan.valid_to, plan.manually_inactive, today),
            last.version_label if last else "1.0",
            max(plan.updated_at, last.changed_at) if last else plan.updated_at,
            last.changed_by if last else "", plan.valid_to))
    return items, created
