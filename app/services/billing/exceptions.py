"""The exceptions queue: every account a run could not bill, with age and recommended steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.billing.exceptions import age_days, escalation_due, recommended_steps
from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.settings import Settings
from app.formatting import Formats
from app.models.billing import BillingCycle, BillingException
from app.models.consumers import Consumer, ServiceAccount
from app.services.billing.critical import tell_assignee
from app.services.core.settings import load_settings

OPEN_STATES = ("Open", "Escalated")
SEVERITY_ORDER = {"Critical": 0, "High": 1, "Medium": 2, "Low": 3}


@dataclass(frozen=True)
class ExceptionRow:
    id: str
    category: str
    severity: str
    status: str
    consumer: str
    account_no: str
    cycle: str
    detail: str
    opened_at: datetime
    age_days: float
    steps: tuple[str, ...]
    assigned_to: str
    log: str = ""


def list_exceptions(session: Session, now: datetime, *, cycle_id: str | None = None,
                    category: str | None = None, severity: str | None = None,
                    open_only: bool = True) -> list[ExceptionRow]:
    # an exception raised on a consumer rather than one of its service accounts (a payment, an
    # address) still names an account: the consumer's own number
    account = func.coalesce(ServiceAccount.account_no, Consumer.account_no)
    query = (select(BillingException, Consumer.name, account, BillingCycle.name)
             .join(Consumer, Consumer.id == BillingException.consumer_id)
             .outerjoin(ServiceAccount, ServiceAccount.id == BillingException.service_account_id)
             .outerjoin(BillingCycle, BillingCycle.id == BillingException.cycle_id))
    if open_only:
        query = query.where(BillingException.status.in_(OPEN_STATES))
    if cycle_id:
        query = query.where(BillingException.cycle_id == cycle_id)
    if category:
        query = query.where(BillingException.category == category)
    if severity:
        query = query.where(BillingException.severity == severity)
    shown = Formats.of(load_settings(session)).text  # stored facts in today's settings
    rows = [ExceptionRow(e.id, e.category, e.severity, e.status, name, account_no or "",
                         cycle or "Off-cycle", shown(e.message), e.opened_at, age_days(e.opened_at, now),
                         recommended_steps(e.category), e.assigned_to, shown(e.resolution))
            for e, name, account_no, cycle in session.execute(query).all()]
    return sorted(rows, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.opened_at))


def due_for_escalation(session: Session, settings: Settings, now: datetime) -> list[BillingException]:
    """Open exceptions older than their severity's threshold (exceptions.escalation_hours)."""
    rows = session.execute(select(BillingException).where(BillingException.status == "Open")).scalars()
    return [row for row in rows
            if escalation_due(row.opened_at, settings.escalation_hours(row.severity), now)]


ACTIONS = ("Resolve", "Escalate", "Assign", "Add note")


def act_on_exception(session: Session, work, exception_id: str, action: str, note: str,
                     assignee: str = "") -> BillingException:
    """Resolve, escalate, assign or annotate one exception; every action is audited with the
    user, the time and what was done (the spec's exception rules)."""
    row = session.get(BillingException, exception_id)
    if row is None:
        raise NotFound("This exception no longer exists")
    if action not in ACTIONS:
        raise ValidationError("action", f"must be one of {', '.join(ACTIONS)}")
    if row.status == "Resolved":
        raise ValidationError("status", "The exception is already resolved")
    if action in ("Resolve", "Add note") and not note.strip():
        raise ValidationError("note", f"{action}: say what was done or found")
    if action == "Assign" and not assignee.strip():
        raise ValidationError("assignee", "Name the specialist to assign it to")
    base = row.version
    # the moment with its offset: the screen writes it in the utility's zone and date format
    stamp = f"{work.now.isoformat(timespec='minutes')} {work.actor.username}: {action}"
    if note.strip():
        stamp += f" - {note.strip()}"
    row.resolution = f"{row.resolution}\n{stamp}".strip()
    if action == "Resolve":
        row.status, row.resolved_at, row.resolved_by = "Resolved", work.now, work.actor.username
    elif action == "Escalate":
        row.status = "Escalated"
    elif action == "Assign":
        row.assigned_to = assignee.strip()
        tell_assignee(work, row)
    row.version, row.updated_at = base + 1, work.now
    work.record(row, "update", base_version=base)
    work.audit(f"exception_{action.lower().replace(' ', '_')}", "billing_exception", row.id,
               category=row.category, severity=row.severity, note=note.strip(),
               assignee=assignee.strip())
    work.track("Exception_Action", exception_type=row.category, priority=row.severity,
               action_taken=action)
    return row
