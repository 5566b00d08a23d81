"""A Critical billing exception tells billing managers at once: an inbox notice and an e-mail.

The assigned billing manager when there is one; otherwise every active billing manager of the
consumer's service centre (and those not tied to a centre). Notices of a bill run are written
with the run's chunk, row dicts like the rest of it; an assignment goes through `notify`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.exceptions import Severity
from app.domain.core.permissions import Role
from app.models.billing import BillingException
from app.models.consumers import Consumer
from app.models.notices import Notice
from app.models.reference import Zone
from app.models.requests import Notification
from app.models.users import User
from app.services.core.inbox import QUEUED, Recipient, email_id, notice_id, notify
from app.services.core.work import Work

KIND = "billing_exception_critical"
ASSIGNABLE = (Role.BILLING_MANAGER.value, Role.BILLING_SPECIALIST.value)


def subject_of(category: str, consumer: str) -> str:
    return f"Critical billing exception: {category} ({consumer})"[:200]


def managers_for(session: Session, consumer_ids: set[str]) -> dict[str, list[Recipient]]:
    """consumer id -> the billing managers of its centre."""
    managers = session.execute(select(User.username, User.email, User.centre_id).where(
        User.role == Role.BILLING_MANAGER.value, User.active.is_(True), User.deleted.is_(False))).all()
    centres = dict(session.execute(select(Consumer.id, Zone.centre_id).join(Zone, Zone.id == Consumer.zone_id)
                                   .where(Consumer.id.in_(consumer_ids))).all())
    return {consumer_id: [Recipient(name, email) for name, email, centre in managers
                          if centre in (None, centres.get(consumer_id))]
            for consumer_id in consumer_ids}


def add_critical_notices(session: Session, target) -> None:
    """For each Critical exception among the chunk's new rows (target: the run's BillTarget)."""
    critical = [row for row in target.rows.get(BillingException.__table__, ())
                if row["severity"] == Severity.CRITICAL.value]
    if not critical:
        return
    consumers = {row["consumer_id"] for row in critical}
    names = dict(session.execute(select(Consumer.id, Consumer.name).where(Consumer.id.in_(consumers))).all())
    recipients = managers_for(session, consumers)
    for row in critical:
        key = f"{KIND}:{row['id']}"
        subject = subject_of(row["category"], names.get(row["consumer_id"], ""))
        for person in recipients[row["consumer_id"]]:
            target.add(Notice.__table__, id=notice_id(key, person.username), recipient=person.username,
                       kind=KIND, subject=subject, body=row["message"], link=f"billing_exception:{row['id']}",
                       event_key=key, created_at=target.now, read_at=None)
            address = person.email or person.username
            target.add(Notification.__table__, id=email_id(key, address), kind=KIND, recipient=address,
                       subject=subject, body=row["message"], status=QUEUED, attempts=0,
                       created_at=target.now, sent_at=None)


def tell_assignee(work: Work, row: BillingException) -> None:
    """A Critical exception assigned to a billing manager (or specialist) tells them at once."""
    if row.severity != Severity.CRITICAL.value:
        return
    user = work.session.execute(select(User).where(
        User.username == row.assigned_to, User.role.in_(ASSIGNABLE),
        User.active.is_(True))).scalar_one_or_none()
    if user is None:
        return
    consumer = work.session.get(Consumer, row.consumer_id)
    notify(work, [Recipient(user.username, user.email)], subject_of(row.category, consumer.name if consumer else ""),
           row.message, KIND, f"billing_exception:{row.id}", key=f"{KIND}:{row.id}:assigned")
