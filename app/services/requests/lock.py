"""The consumer profile lock (AC002): taken when a consumer is verified for a request, renewed
while the request is being raised, released on submit or cancel.

The lock is two columns of the consumer row (locked_by, locked_until), synced like any change
to the profile, so other screens and other desktops see who holds it; the central service
refuses a change to a locked profile from anyone but the holder (sync/server/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import object_session

from app.domain.core.errors import ConflictError
from app.domain.core.permissions import Permission
from app.formatting import Formats
from app.models.consumers import Consumer
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.requests.common import bump, consumer_row


@dataclass(frozen=True)
class ProfileLock:
    consumer_id: str
    holder: str | None  # username; None when free
    until: datetime | None

    def held_by(self, username: str) -> bool:
        return self.holder == username


def lock_of(consumer: Consumer, now: datetime) -> ProfileLock:
    if consumer.locked_by and consumer.locked_until and consumer.locked_until > now:
        return ProfileLock(consumer.id, consumer.locked_by, consumer.locked_until)
    return ProfileLock(consumer.id, None, None)


def refuse_unless_holder(consumer: Consumer, actor: Actor, now: datetime) -> None:
    lock = lock_of(consumer, now)
    if lock.holder is not None and not lock.held_by(actor.username):
        session = object_session(consumer)
        until = (Formats.of(load_settings(session)).time(lock.until) if session is not None
                 else f"{lock.until:%H:%M} UTC")  # a detached row: no settings to say the zone
        raise ConflictError(f"Consumer profile is locked by {lock.holder} until {until}")


def release_in(work: Work, consumer: Consumer) -> None:
    if consumer.locked_by == work.actor.username:
        consumer.locked_by, consumer.locked_until = None, None
        bump(work, consumer)


class ProfileLocks:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def lock_status(self, actor: Actor, consumer_id: str) -> ProfileLock:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            return lock_of(consumer_row(session, consumer_id), self.app.clock.now())

    def verify_and_lock(self, actor: Actor, consumer_id: str) -> ProfileLock:
        """Verifying takes the lock: refused while someone else holds it. Audited."""
        return self._take(actor, consumer_id, audited=True)

    def renew_lock(self, actor: Actor, consumer_id: str) -> ProfileLock:
        """Called on a timer while the request is raised; refused if someone took it meanwhile."""
        return self._take(actor, consumer_id, audited=False)

    def _take(self, actor: Actor, consumer_id: str, *, audited: bool) -> ProfileLock:
        actor.require(Permission.CREATE_REQUEST)
        with unit_of_work(self.app, actor) as work:
            consumer = consumer_row(work.session, consumer_id)
            refuse_unless_holder(consumer, actor, work.now)
            minutes = load_settings(work.session).get("disconnections.profile_lock_minutes")
            consumer.locked_by = actor.username
            consumer.locked_until = work.now + timedelta(minutes=minutes)
            bump(work, consumer)
            if audited:
                work.audit("Consumer profile locked", "consumer", consumer.id,
                           account_no=consumer.account_no, until=consumer.locked_until)
            return lock_of(consumer, work.now)

    def release_lock(self, actor: Actor, consumer_id: str) -> None:
        """Cancel: give the profile back (nothing happens if the lock is not the actor's)."""
        with unit_of_work(self.app, actor) as work:
            consumer = consumer_row(work.session, consumer_id)
            if consumer.locked_by == actor.username:
                release_in(work, consumer)
                work.audit("Consumer profile unlocked", "consumer", consumer.id,
                           account_no=consumer.account_no)
