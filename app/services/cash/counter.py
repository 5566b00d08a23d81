"""This device's counter (the `general.counter_name` setting in the actor's centre) and its drawer."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain.cash.drawer import ExpectedDrawer, expected_drawer
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.settings import Settings
from app.formatting import format_money
from app.models.cash import CashSession
from app.models.payments import Payment
from app.models.reference import Counter, ServiceCentre
from app.models.system import OutboxEntry
from app.services.cash.reports import (
    OPEN,
    DrawerCounts,
    counts_from_json,
    drawer_movements,
    session_movements,
)
from app.services.core.context import Actor
from app.services.core.serialize import row_to_dict
from app.services.core.work import Work


def centre_id(db: Session, settings: Settings, actor: Actor) -> str | None:
    if actor.centre_id:
        return actor.centre_id
    named = db.execute(select(ServiceCentre.id).where(
        ServiceCentre.name == settings.get("general.centre_name"))).scalars().first()
    return named or db.execute(select(ServiceCentre.id).order_by(ServiceCentre.code)).scalars().first()


def counter_code(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:20] or "COUNTER"


def find_counter(db: Session, settings: Settings, actor: Actor) -> Counter | None:
    name = settings.get("general.counter_name")
    return db.execute(select(Counter).where(
        Counter.centre_id == centre_id(db, settings, actor),
        or_(func.lower(Counter.name) == name.lower(), Counter.code == counter_code(name)))).scalars().first()


def counter_for_opening(work: Work, settings: Settings) -> Counter:
    counter = find_counter(work.session, settings, work.actor)
    if counter is not None:
        return counter
    centre = centre_id(work.session, settings, work.actor)
    if centre is None:
        raise ValidationError("Service centre", "this device has no service centre yet; sync first")
    name = settings.get("general.counter_name")
    counter = Counter(centre_id=centre, code=counter_code(name), name=name)
    work.record(counter)
    work.audit("counter_created", "counter", counter.id, name=name, code=counter.code)
    return counter


def open_session_at(db: Session, counter_id: str) -> CashSession | None:
    return db.execute(select(CashSession).where(CashSession.counter_id == counter_id,
                                                CashSession.status == OPEN)).scalars().first()


def expected_at(db: Session, cash: CashSession, currency: str) -> ExpectedDrawer:
    return expected_drawer(counts_from_json(cash.opening_counts, currency),
                           drawer_movements(session_movements(db, cash.id), currency), currency)


def requeue_insert(work: Work, row: Payment) -> None:
    """The row's insert is still queued in this transaction: let it carry the session too."""
    work.session.flush()
    entry = work.session.execute(select(OutboxEntry).where(
        OutboxEntry.entity == type(row).__tablename__, OutboxEntry.entity_id == row.id,
        OutboxEntry.state == "Pending").order_by(OutboxEntry.seq.desc())).scalars().first()
    if entry is not None:
        entry.payload = row_to_dict(row)


def check_drawer_holds(drawer: ExpectedDrawer, amount: Money, pieces: DrawerCounts | None,
                        locale: str) -> None:
    if amount > drawer.total:
        raise ValidationError("Amount", f"is more than the drawer should hold "
                                        f"({format_money(drawer.total, locale)})")
    for value, count in (pieces or {}).items():
        held = None if drawer.counts is None else drawer.counts.get(value, 0)
        if held is not None and count > held:
            raise ValidationError("Denominations", f"the drawer should hold only {held} of {value}")
