"""The cash sessions of this desktop's counter, newest first: what `utilitydesk cash sessions` lists,
so a session number can be given to `cash report --session N`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.core.permissions import Permission
from app.models.cash import CashSession
from app.services.cash.counter import find_counter
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.payments.queries import zone


@dataclass(frozen=True)
class SessionLine:
    number: int
    counter: str
    cashier: str  # who opened it
    opened: datetime  # in the utility's time zone
    closed: datetime | None
    state: str  # Open, Closed


def list_sessions(app: AppContext, actor: Actor) -> list[SessionLine]:
    """Session numbers count per counter: this device's counter, as `cash report` reads them."""
    actor.require(Permission.OPERATE_CASH)
    with app.sessions() as db:
        settings = load_settings(db)
        counter = find_counter(db, settings, actor, app.device_id)
        if counter is None:
            return []
        tz = zone(settings)
        rows = db.execute(select(CashSession).where(CashSession.counter_id == counter.id)
                          .order_by(CashSession.session_no.desc())).scalars()
        return [SessionLine(row.session_no, counter.name, row.opened_by, row.opened_at.astimezone(tz),
                            row.closed_at.astimezone(tz) if row.closed_at else None, row.status)
                for row in rows]
