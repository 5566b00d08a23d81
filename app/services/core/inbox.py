"""Every user's in-app inbox: notices raised inside a use case's transaction, read per user.

`notify` is called by the producers (SLA breach, plan defaulted, tariff expired, Critical
billing exception) inside their unit of work. Each notice's id comes from the event's key and
the recipient, so the same event never notifies the same person twice, whether it is raised
again on this desktop or on another one (the central service keeps the first and answers
"duplicate" to the second). The e-mail copy, when asked for, is queued the same way.
Reading needs no permission: a user reads and marks only their own notices.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain.core.errors import NotFound
from app.models.base import new_id
from app.models.notices import Notice
from app.models.requests import Notification
from app.services.core.changes import NOTICES, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.work import Work, unit_of_work

_NAMESPACE = uuid.UUID("6f1d2c1e-8a34-4c55-9a52-0d4b7f3f1c2a")
QUEUED = "Queued"
LIST_LIMIT = 500  # an inbox shows the newest 500; older ones stay stored


@dataclass(frozen=True)
class Recipient:
    """A user to tell: username for the inbox, e-mail address (or "") for the mailer."""

    username: str
    email: str = ""


@dataclass(frozen=True)
class NoticeItem:
    notice_id: str
    at: datetime
    kind: str
    subject: str
    body: str
    link: str
    read: bool
    version: int


def notice_id(event_key: str, username: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"notice|{event_key}|{username}"))


def email_id(event_key: str, address: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"email|{event_key}|{address}"))


def notify(work: Work, recipients: Iterable[Recipient], subject: str, body: str, kind: str,
           link: str = "", *, key: str, email: bool = True) -> list[str]:
    """One notice per recipient (and a queued e-mail when `email`), once per event key.
    Returns the usernames notified now (empty when everyone already was)."""
    told = []
    for recipient in {r.username: r for r in recipients}.values():
        nid = notice_id(key, recipient.username)
        if work.session.get(Notice, nid) is not None:
            continue
        work.record(Notice(id=nid, recipient=recipient.username, kind=kind, subject=subject[:200],
                           body=body, link=link, event_key=key[:200], created_at=work.now))
        if email:
            queue_email(work, kind, recipient.email or recipient.username, subject, body, key=key)
        told.append(recipient.username)
    return told


def queue_email(work: Work, kind: str, recipient: str, subject: str, body: str,
                key: str | None = None, attachment: str = "") -> None:
    """An e-mail for the central mailer to send. `key`: one that must exist once whichever desktop
    makes it (its id follows from the key and the address, and the central service keeps the
    first of equal ids). `attachment`: the documents the mailer attaches ("bills:INV-1,INV-2")."""
    work.record(Notification(id=new_id() if key is None else email_id(key, recipient), kind=kind,
                             recipient=recipient, subject=subject[:200], body=body, status=QUEUED,
                             created_at=work.now, attachment=attachment))


def _item(row: Notice) -> NoticeItem:
    return NoticeItem(row.id, row.created_at, row.kind, row.subject, row.body, row.link,
                      row.read_at is not None, row.version)


class Inbox:
    """The signed-in user's notices. Every user has one; no permission is needed to read it."""

    def __init__(self, app: AppContext) -> None:
        self.app = app

    def unread_count(self, actor: Actor) -> int:
        with self.app.sessions() as session:
            return session.execute(select(func.count()).select_from(Notice).where(
                *_mine(actor), Notice.read_at.is_(None))).scalar_one()

    def notices(self, actor: Actor, *, unread_only: bool = False, kind: str | None = None) -> list[NoticeItem]:
        """Newest first."""
        query = select(Notice).where(*_mine(actor))
        if unread_only:
            query = query.where(Notice.read_at.is_(None))
        if kind:
            query = query.where(Notice.kind == kind)
        with self.app.sessions() as session:
            rows = session.execute(query.order_by(Notice.created_at.desc(), Notice.id)
                                   .limit(LIST_LIMIT)).scalars()
            return [_item(row) for row in rows]

    def unread(self, actor: Actor) -> list[NoticeItem]:
        return self.notices(actor, unread_only=True)

    def mark_read(self, actor: Actor, notice_id: str) -> Changes:
        """Only the recipient may mark a notice; someone else's is "not in your inbox"."""
        with unit_of_work(self.app, actor) as work:
            row = work.session.get(Notice, notice_id)
            if row is None or row.deleted or row.recipient != actor.username:
                raise NotFound("That notice is not in your inbox")
            if row.read_at is None:
                _read(work, row)
        return Changes(frozenset({NOTICES}))

    def mark_all_read(self, actor: Actor) -> int:
        with unit_of_work(self.app, actor) as work:
            rows = work.session.execute(select(Notice).where(
                *_mine(actor), Notice.read_at.is_(None))).scalars().all()
            for row in rows:
                _read(work, row)
            return len(rows)


def _mine(actor: Actor) -> tuple:
    return Notice.recipient == actor.username, Notice.deleted.is_(False)


def _read(work: Work, row: Notice) -> None:
    base = row.version
    row.read_at, row.version, row.updated_at = work.now, base + 1, work.now
    work.record(row, "update", base_version=base)
