"""Disconnection and reconnection requests: the status lifecycle and the request type (pure)."""

from __future__ import annotations

from enum import StrEnum

from app.domain.core.errors import ValidationError


class RequestStatus(StrEnum):
    PENDING = "Pending"  # created
    IN_PROGRESS = "In progress"  # acknowledged, or resumed from hold
    ON_HOLD = "On hold"
    COMPLETED = "Completed"  # marked resolved
    CLOSED = "Closed"


S = RequestStatus
ALLOWED_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.PENDING: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.ON_HOLD, S.COMPLETED, S.CLOSED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.COMPLETED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
INITIAL_STATUS = S.PENDING


def status_of(text: str) -> RequestStatus | None:
    """The status a stored text names, ignoring case ("In Progress" and "In progress" alike)."""
    folded = text.strip().casefold()
    return next((status for status in RequestStatus if status.casefold() == folded), None)


def check_transition(old: str, new: str) -> None:
    """Raises ValidationError unless a request may move from old to new (staying put is no move)."""
    before, after = status_of(old), status_of(new)
    if before is not None and before == after:
        return
    if before is None or after not in ALLOWED_TRANSITIONS[before]:
        raise ValidationError("Status", f"cannot move from {old} to {new}")


def request_type_for(consumer_status: str) -> str:
    """An inactive consumer can only be reconnected; any other is disconnected."""
    return "Reconnection" if consumer_status == "Inactive" else "Disconnection"
