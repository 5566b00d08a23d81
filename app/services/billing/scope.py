"""What a bill run covers: a cycle, a zone's month, a customer segment, or one account.

Accounts in scope are active service accounts of active consumers, connected before the
period ends, in account-number order: the order a run bills them in, so that a resumed run
meets them in the same order as an uninterrupted one.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.models.billing import BillingCycle
from app.models.consumers import Consumer, ServiceAccount
from app.models.reference import Zone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BILLABLE_CONSUMERS = ("Active",)
FROZEN = "Disconnected"  # an executed disconnection: no bill run bills the account after it


@dataclass(frozen=True)
class RunScope:
    kind: str  # cycle, zone, segment, account
    label: str
    period_start: date
    period_end: date
    cycle_id: str | None = None
    zone_id: str | None = None
    segment: str = ""
    account_no: str = ""
    off_cycle: bool = False


def parse_month(text: str) -> tuple[date, date]:
    if not re.fullmatch(r"\d{4}-\d{2}", text.strip()):
        raise ValidationError("period", f"'{text}' is not a month written YYYY-MM, e.g. 2026-05")
    year, month = (int(part) for part in text.strip().split("-"))
    if not 1 <= month <= 12:
        raise ValidationError("period", f"'{text}' has no month {month}")
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def cycle_name(zone_name: str, year: int, month: int) -> str:
    zone = zone_name if zone_name.endswith("Zone") else f"{zone_name} Zone"
    return f"{zone} - {MONTHS[month - 1]} {year}"


def cycle_scope(session: Session, name: str) -> RunScope:
    cycle = session.execute(select(BillingCycle).where(
        func.lower(BillingCycle.name) == name.strip().lower())).scalars().first()
    if cycle is None:
        raise NotFound(f"No billing cycle named '{name}'")
    return RunScope("cycle", cycle.name, cycle.period_start, cycle.period_end, cycle.id, cycle.zone_id)


def zone_scope(session: Session, zone_text: str, month: str) -> RunScope:
    zone = find_zone(session, zone_text)
    start, end = parse_month(month)
    name = cycle_name(zone.name, start.year, start.month)
    cycle = session.execute(select(BillingCycle).where(BillingCycle.name == name)).scalars().first()
    if cycle is not None:
        return RunScope("zone", name, cycle.period_start, cycle.period_end, cycle.id, zone.id)
    return RunScope("zone", name, start, end, None, zone.id)


def segment_scope(segment: str, month: str) -> RunScope:
    start, end = parse_month(month)
    if not segment.strip():
        raise ValidationError("segment", "Name a customer segment (consumer category)")
    return RunScope("segment", f"{segment} - {MONTHS[start.month - 1]} {start.year}", start, end,
                    segment=segment.strip())


def account_scope(session: Session, account_no: str, period: tuple[date, date] | None) -> RunScope:
    account, consumer = find_account(session, account_no)
    if account.status == FROZEN:
        raise ValidationError("account", f"{account.account_no} is disconnected: final billing is "
                                         "frozen (its final bill comes from the disconnection request)")
    if period is None:
        cycle = session.execute(select(BillingCycle).where(BillingCycle.zone_id == consumer.zone_id)
                                .order_by(BillingCycle.period_start.desc())).scalars().first()
        if cycle is None:
            raise ValidationError("period", f"Zone of {account.account_no} has no billing cycle; "
                                            "give the period to bill off-cycle")
        return RunScope("account", account.account_no, cycle.period_start, cycle.period_end,
                        cycle.id, consumer.zone_id, account_no=account.account_no)
    start, end = period
    if end < start:
        raise ValidationError("period_end", "The period must not end before it starts")
    cycle = session.execute(select(BillingCycle).where(
        BillingCycle.zone_id == consumer.zone_id, BillingCycle.period_start == start,
        BillingCycle.period_end == end)).scalars().first()
    return RunScope("account", account.account_no, start, end, cycle.id if cycle else None,
                    consumer.zone_id, account_no=account.account_no, off_cycle=cycle is None)


def find_zone(session: Session, text: str) -> Zone:
    wanted = text.strip().lower()
    for zone in session.execute(select(Zone)).scalars():
        if wanted in (zone.code.lower(), zone.name.lower(), f"{zone.name.lower()} zone"):
            return zone
    raise NotFound(f"No zone '{text}' (give its code or name)")


def find_account(session: Session, account_no: str) -> tuple[ServiceAccount, Consumer]:
    """A service account by its number, or a consumer's only service account by theirs."""
    rows = session.execute(
        select(ServiceAccount, Consumer).join(Consumer, Consumer.id == ServiceAccount.consumer_id)
        .where(or_(ServiceAccount.account_no == account_no.strip(),
                   Consumer.account_no == account_no.strip()))).all()
    if not rows:
        raise NotFound(f"No account '{account_no}'")
    if len(rows) > 1:
        numbers = ", ".join(sorted(account.account_no for account, _ in rows))
        raise ValidationError("account", f"{account_no} has several service accounts ({numbers}); "
                                         "name one")
    return rows[0][0], rows[0][1]


def accounts_in_scope(scope: RunScope):
    """SELECT of (service account id, account no) in billing order."""
    query = (select(ServiceAccount.id, ServiceAccount.account_no)
             .join(Consumer, Consumer.id == ServiceAccount.consumer_id)
             .where(ServiceAccount.connected_on <= scope.period_end,
                    ServiceAccount.deleted.is_(False))
             .order_by(ServiceAccount.account_no))
    if scope.kind == "account":  # a resumed run too: nothing after the disconnection
        return query.where(ServiceAccount.account_no == scope.account_no,
                           ServiceAccount.status != FROZEN)
    query = query.where(ServiceAccount.status == "Active", Consumer.status.in_(BILLABLE_CONSUMERS))
    if scope.zone_id:
        query = query.where(Consumer.zone_id == scope.zone_id)
    if scope.segment:
        query = query.where(func.lower(Consumer.category) == scope.segment.lower())
    return query


def find_account_by_id(session: Session, account_id: str) -> str:
    account = session.get(ServiceAccount, account_id)
    if account is None:
        raise NotFound("The bill's service account no longer exists")
    return account.account_no
