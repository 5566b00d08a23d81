"""Business rules a pushed operation must keep, checked against the server's current rows."""

from __future__ import annotations

from datetime import datetime

from app.domain.core.errors import ValidationError
from app.domain.payments.inquiries import RESOLVED
from app.domain.payments.rules import PaymentStatus
from app.domain.requests.disconnection import INITIAL_STATUS, check_transition, status_of
from sync.protocol import Operation
from sync.server.auth import Caller

VOIDED = PaymentStatus.VOIDED.value
LOCK_COLUMNS = frozenset({"locked_by", "locked_until"})


def insert_problem(caller: Caller, op: Operation, values: dict) -> str:
    """Empty when the new row keeps the rules; otherwise the reason."""
    if op.entity == "payment_alerts" and values.get("owner") != caller.username:
        return "Payment alert: its owner must be the user who sets it"
    if op.entity == "service_requests":
        status = values.get("status", INITIAL_STATUS.value)
        if status_of(str(status)) is not INITIAL_STATUS:
            return f"Status: a request starts as {INITIAL_STATUS.value}, not {status}"
    return ""


def change_problem(caller: Caller, op: Operation, row: object, values: dict, now: datetime) -> str:
    """Empty when changing row to values keeps the rules; otherwise the reason."""
    if op.entity == "service_requests":
        new = values.get("status", row.status)
        if new != row.status:
            try:
                check_transition(row.status, new)
            except ValidationError as error:
                return str(error)
    if op.entity == "consumers":
        return _lock_problem(caller, row, now)
    if op.entity == "notices" and row.recipient != caller.username:
        return "Notice: only its recipient may mark it read"
    if op.entity == "payment_alerts" and caller.username != row.owner:
        return "Payment alert: only its owner may change or delete it"
    if op.entity == "payment_alerts" and values.get("owner", row.owner) != row.owner:
        return "Payment alert: its owner cannot be changed"
    if op.entity == "payment_inquiries" and row.status == RESOLVED:
        return "Payment inquiry: already resolved; log a new one"
    return ""


def settled_problem(op: Operation, row: object) -> str:
    """Checked once the change is on the current version: a voided payment is final. A void sent
    again on top of another counter's void (a person retrying a lost conflict) would otherwise
    post a second reversal; the reversal that follows it is refused with it."""
    if op.entity == "payments" and row.status == VOIDED:
        by = f" by {row.voided_by}" if row.voided_by else ""
        return f"Payment: already voided{by}; it is not changed or reversed again"
    return ""


def _lock_problem(caller: Caller, row: object, now: datetime) -> str:
    """AC002: while a request is being raised, only the lock's holder may change the profile
    (including clearing or renewing the lock)."""
    holder, until = row.locked_by, row.locked_until
    if not holder or until is None or until <= now or holder in (caller.username, caller.user_id):
        return ""
    return f"Consumer profile is locked by {holder} until {until.isoformat(timespec='seconds')}"
