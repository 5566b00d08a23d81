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


def find_counter(db: Session, settings: Settings, actor: Actor, device_id: str | None = None) -> Counter | None:
    """The counter named by `general.counter_name` in the actor's centre; given a device, only when it
    is that device's counter (or nobody's yet): another desktop's counter is never this one."""
    name = settings.get("general.counter_name")
    query = select(Counter).where(
        Counter.centre_id == centre_id(db, settings, actor),
        or_(func.lower(Counter.name) == name.lower(), Counter.code == counter_code(name)))
    if device_id is not None:
        query = query.where(or_(Counter.device_id.is_(None), Counter.device_id == device_id))
    return db.execute(query).scalars().first()


def counter_for_opening(work: Work, settings: Settings) -> Counter:
    """This device's counter, created (or claimed, when nobody owns it yet) on its first session.

    A counter is a device: its name is taken once another desktop owns it, and sessions opened
    there are that desktop's, so two desktops never each have a session open "at" one counter.
    """
    device = work.app.device_id
    counter = find_counter(work.session, settings, work.actor)
    if counter is not None and counter.device_id not in (None, device):
        raise ValidationError("Counter name", f"{counter.name} is another desktop's counter; give this desktop "
                                              "its own counter name in Settings (General) first")
    if counter is not None:
        if counter.device_id is None:  # a counter from before counters had owners: this desktop claims it
            base = counter.version
            counter.device_id, counter.version = device, base + 1
            work.record(counter, "update", base_version=base)
            work.audit("counter_claimed", "counter", counter.id, name=counter.name, device_id=device)
        return counter
    centre = centre_id(work.session, settings, work.actor)
    if centre is None:
        raise ValidationError("Service centre", "this device has no service centre yet; sync first")
    name = settings.get("general.counter_name")
    counter = Counter(centre_id=centre, code=counter_code(name), name=name, device_id=device)
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
