"""The disconnection request's status lifecycle and request type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.requests.disconnection import (
    ALLOWED_TRANSITIONS,
    RequestStatus,
    check_transition,
    request_type_for,
)

S = RequestStatus

LEGAL = [(S.PENDING, S.IN_PROGRESS), (S.PENDING, S.CLOSED), (S.IN_PROGRESS, S.ON_HOLD),
         (S.IN_PROGRESS, S.COMPLETED), (S.IN_PROGRESS, S.CLOSED), (S.ON_HOLD, S.IN_PROGRESS),
         (S.ON_HOLD, S.CLOSED), (S.COMPLETED, S.CLOSED)]


@pytest.mark.parametrize(("old", "new"), LEGAL)
def test_legal_transitions_pass(old, new):
    check_transition(old.value, new.value)


@pytest.mark.parametrize(("old", "new"), [(o, n) for o in S for n in S if o != n and (o, n) not in LEGAL])
def test_every_other_move_is_refused_naming_the_rule(old, new):
    with pytest.raises(ValidationError) as refused:
        check_transition(old.value, new.value)
    assert refused.value.field == "Status"
    assert refused.value.rule == f"cannot move from {old.value} to {new.value}"


def test_closed_is_final_and_unknown_statuses_are_refused():
    assert ALLOWED_TRANSITIONS[S.CLOSED] == frozenset()
    with pytest.raises(ValidationError, match="cannot move from Done to Closed"):
        check_transition("Done", "Closed")
    with pytest.raises(ValidationError, match="cannot move from Pending to Resolved"):
        check_transition("Pending", "Resolved")


def test_request_type_follows_the_consumer_status():
    assert request_type_for("Inactive") == "Reconnection"
    assert request_type_for("Active") == "Disconnection"
    assert request_type_for("Disconnected") == "Disconnection"


@given(st.lists(st.integers(min_value=0, max_value=10), max_size=40))
def test_every_allowed_path_from_pending_ends_at_closed(choices):
    """Walk from Pending taking allowed moves; Closed is always still reachable and, once there,
    the walk can go nowhere else."""
    status = S.PENDING
    for choice in choices:
        options = sorted(ALLOWED_TRANSITIONS[status])
        if not options:
            break
        new = options[choice % len(options)]
        check_transition(status.value, new.value)
        status = new
    # Finish the walk: from anywhere reached, closing is always allowed (or already done).
    if status is not S.CLOSED:
        check_transition(status.value, S.CLOSED.value)
        status = S.CLOSED
    assert status is S.CLOSED and not ALLOWED_TRANSITIONS[status]


def test_stored_spellings_are_matched_ignoring_case():
    check_transition("In Progress", "On Hold")
    check_transition("On Hold", "in progress")
    with pytest.raises(ValidationError):
        check_transition("Closed", "In Progress")
