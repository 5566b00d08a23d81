"""A pulled page that cannot apply is kept aside row by row; the pages after it still apply, the cursor
moves, the kept rows show as sync problems and apply once what they refer to arrives."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.models.cash import CashMovement, CashSession
from app.models.reference import Counter, ServiceCentre
from app.services.core.serialize import row_to_dict
from sync import local
from sync.client import SyncAgent
from sync.desktop import SyncStatusService
from sync.keyring_store import CredentialStore
from sync.protocol import Change, PullResponse
from tests.factories import NOW


def change(entity: str, row) -> Change:
    payload = row_to_dict(row) | {"deleted": False}
    return Change(entity=entity, entity_id=payload["id"], operation="insert", version=1, payload=payload)


def page(n: int, *changes: Change) -> PullResponse:
    return PullResponse(epoch="e1", changes=list(changes), cursor=f"e1:0:{n}", more=False)


def test_a_page_that_cannot_apply_is_kept_aside_and_later_pages_continue(runtime):
    with runtime.app.sessions() as session:
        centre_id = session.execute(select(ServiceCentre.id)).scalars().first()
    counter = Counter(id=str(uuid.uuid4()), centre_id=centre_id, code="C9", name="Counter 9", printer_url="", version=1,
                      updated_at=NOW)
    cash = CashSession(id=str(uuid.uuid4()), session_no=1, counter_id=counter.id, opened_by="Jane",
                       opened_at=NOW, opening_counts={}, opening_float=0, status="Open", closed_by="", variance_reason="",
                       approved_by="", version=1,
                       updated_at=NOW)
    movement = CashMovement(id=str(uuid.uuid4()), session_id=cash.id, kind="cash_in", amount=5, reason="",
                            user_name="cashier", at=NOW, version=1, updated_at=NOW)
    agent = SyncAgent(runtime.app, "http://127.0.0.1:9", CredentialStore(runtime.app.device_id))
    status = SyncStatusService(runtime.app)
    try:
        # The movement's session never came: the page is applied row by row, the movement kept.
        assert agent._apply_page(page(1, change("counters", counter), change("cash_movements", movement))) == 1
        with runtime.app.sessions() as session:
            assert local.get_state(session, local.CURSOR) == "e1:0:1"  # the cursor moved on
            assert session.get(Counter, counter.id) is not None
            assert session.get(CashMovement, movement.id) is None
        assert status.overview().problems == 1
        (problem,) = status.problems()
        assert (problem.state, problem.record_type, problem.can_discard) == ("Quarantined", "Cash movement", False)
        assert "does not have yet" in problem.reason

        # A later page applies; when the session arrives the kept movement applies too.
        assert agent._apply_page(page(2, change("cash_sessions", cash))) == 1
        assert agent._retry_kept() == 1
        with runtime.app.sessions() as session:
            assert session.get(CashMovement, movement.id).session_id == cash.id
        assert status.overview().problems == 0
    finally:
        agent.close()


def test_a_child_listed_before_its_parent_in_the_same_failing_page_still_applies(runtime):
    with runtime.app.sessions() as session:
        centre_id = session.execute(select(ServiceCentre.id)).scalars().first()
    counter = Counter(id=str(uuid.uuid4()), centre_id=centre_id, code="C8", name="Counter 8", printer_url="", version=1,
                      updated_at=NOW)
    cash = CashSession(id=str(uuid.uuid4()), session_no=1, counter_id=counter.id, opened_by="Jane",
                       opened_at=NOW, opening_counts={}, opening_float=0, status="Open", closed_by="", variance_reason="",
                       approved_by="", version=1,
                       updated_at=NOW)
    orphan = CashMovement(id=str(uuid.uuid4()), session_id=str(uuid.uuid4()), kind="cash_in", amount=5, reason="",
                          user_name="cashier", at=NOW, version=1, updated_at=NOW)
    agent = SyncAgent(runtime.app, "http://127.0.0.1:9", CredentialStore(runtime.app.device_id))
    try:
        applied = agent._apply_page(page(1, change("cash_sessions", cash), change("counters", counter),
                                         change("cash_movements", orphan)))
        assert applied == 2  # the session applied on the second pass, after its counter
        assert SyncStatusService(runtime.app).overview().problems == 1  # only the orphan is kept
    finally:
        agent.close()
