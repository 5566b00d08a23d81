"""Each pushed operation is checked against the role of the user who made it, not only the token's."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.domain.core.permissions import Role
from app.models.payments import Payment
from app.models.system import OutboxEntry
from app.models.users import User
from app.services.core.context import Actor
from app.services.core.work import unit_of_work
from sync import local
from tests.factories import PASSWORD
from tests.sync_helpers import enrolled_desktop, record_payment

pytestmark = pytest.mark.postgres


@pytest.fixture
def supervisor_desk(server, tmp_path):
    """A desktop whose sync token is the supervisor's (who may void payments)."""
    desk = enrolled_desktop(server, tmp_path / "desk", "supervisor")
    desk.agent.sync_once()
    yield desk
    desk.close()


def actor(server, username: str) -> Actor:
    with server.central.sessions() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user.id, user.username, user.full_name, Role(user.role), user.centre_id)


def void(desk, payment_id: str) -> None:
    """A void written straight to the outbox (as a tampered or out-of-date desktop could)."""
    with unit_of_work(desk.runtime.app, desk.actor) as work:
        payment = work.session.get(Payment, payment_id)
        base = payment.version
        payment.status, payment.void_reason = "Voided", "test"
        work.record(payment, "update", base_version=base)


def problems(desk) -> dict[str, str]:
    with desk.runtime.app.sessions() as session:
        return {p.entity: p.reason for p in local.sync_problems(session)}


@pytest.mark.forged_push  # a void the cashier may not make, queued on purpose
def test_a_cashiers_void_is_refused_under_a_supervisors_token(server, supervisor_desk):
    supervisor_desk.agent.login("cashier", PASSWORD)  # the cashier worked at this desktop once
    supervisor_desk.agent.login("supervisor", PASSWORD)
    supervisor_desk.actor = actor(server, "cashier")
    payment_id = record_payment(supervisor_desk, server.world.consumer_ids[0], "5001")
    void(supervisor_desk, payment_id)
    with supervisor_desk.runtime.app.sessions() as session:
        assert set(session.execute(select(OutboxEntry.actor_username)).scalars()) == {"cashier"}
    report = supervisor_desk.agent.sync_once()
    assert (report.applied, report.rejected) == (2, 1)  # the payment and its ledger entry; not the void
    assert problems(supervisor_desk) == {
        "payments": "A Customer Service Executive may not update payments (needs payments.void or payments.verify "
                    "or payments.reconcile)"}


def test_the_supervisors_own_void_applies(server, supervisor_desk):
    payment_id = record_payment(supervisor_desk, server.world.consumer_ids[0], "5002")
    supervisor_desk.agent.sync_once()
    void(supervisor_desk, payment_id)
    assert supervisor_desk.agent.sync_once().applied == 1
    with server.central.sessions() as session:
        assert session.get(Payment, payment_id).status == "Voided"


@pytest.mark.parametrize(("username", "reason"), [
    ("ghost", "Made by unknown user ghost"),
    ("north_cashier", "north_cashier is not a user of this centre"),
])
def test_an_operation_by_a_user_who_may_not_act_here_is_rejected(server, supervisor_desk, username, reason):
    record_payment(supervisor_desk, server.world.consumer_ids[0], "6001")
    with supervisor_desk.runtime.app.sessions() as session, session.begin():
        session.execute(update(OutboxEntry).values(actor_username=username))
    report = supervisor_desk.agent.sync_once()
    assert report.rejected == 2
    reasons = problems(supervisor_desk)
    assert reasons["payments"] == reason
    assert reasons["ledger_entries"].startswith("Depends on record")


def test_an_inactive_user_is_rejected(server, supervisor_desk):
    with server.central.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "recovery").values(active=False))
    record_payment(supervisor_desk, server.world.consumer_ids[0], "6002")
    with supervisor_desk.runtime.app.sessions() as session, session.begin():
        session.execute(update(OutboxEntry).values(actor_username="recovery"))
    assert supervisor_desk.agent.sync_once().rejected == 2
    assert problems(supervisor_desk)["payments"] == "Made by recovery, who is no longer an active user"


@pytest.mark.parametrize("username", ["", "system", "cli"])
def test_operations_without_a_user_act_as_the_tokens_user(server, tmp_path, username):
    """Rows from before the actor was recorded (""), and the app's own system / cli actors."""
    desk = enrolled_desktop(server, tmp_path / "desk")  # the cashier's token
    try:
        desk.agent.sync_once()
        record_payment(desk, server.world.consumer_ids[0], "7001")
        with desk.runtime.app.sessions() as session, session.begin():
            session.execute(update(OutboxEntry).values(actor_username=username))
        assert desk.agent.sync_once().applied == 2
    finally:
        desk.close()


def test_an_old_client_that_sends_no_actor_is_checked_as_the_tokens_user(server, supervisor_desk):
    operation = {"seq": 1, "entity": "tariffs", "entity_id": "t-1", "operation": "insert",
                 "payload": {"id": "t-1", "name": "Flat", "utility": "Electricity", "rate_type": "Flat",
                             "unit": "kWh"}}
    with server.client(supervisor_desk.agent.credentials.token) as http:
        (result,) = http.post("/v1/push", json={"operations": [operation]}).json()["results"]
    assert result["status"] == "rejected" and result["reason"].startswith("A Supervisor may not insert tariffs")


def promote_self(server, desk, author: str) -> None:
    """The cashier's desktop writes an update of the cashier's own users row, naming `author`."""
    with desk.runtime.app.sessions() as session:
        me = session.execute(select(User).where(User.username == desk.actor.username)).scalar_one()
        user_id = me.id
    with unit_of_work(desk.runtime.app, actor(server, author)) as work:
        row = work.session.get(User, user_id)
        base = row.version
        row.role, row.centre_id = Role.UTILITY_ADMINISTRATOR.value, None
        work.record(row, "update", base_version=base)


def role_on_server(server, username: str) -> str:
    with server.central.sessions() as session:
        return session.execute(select(User.role).where(User.username == username)).scalar_one()


def test_a_cashier_cannot_become_administrator_by_naming_admin_as_author(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")  # the cashier's token
    try:
        desk.agent.sync_once()
        promote_self(server, desk, "admin")
        report = desk.agent.sync_once()
        assert (report.applied, report.rejected) == (0, 1)
        assert role_on_server(server, "cashier") == Role.CUSTOMER_SERVICE_EXECUTIVE.value
        assert problems(desk)["users"].startswith("Made by admin, who has never logged in to the central "
                                                  "service on this desktop")
    finally:
        desk.close()


def test_a_user_who_logged_in_on_the_desktop_is_checked_as_themselves(server, tmp_path):
    """The other side of the decision: the administrator really worked at this counter."""
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.login("admin", PASSWORD)
        desk.agent.login("cashier", PASSWORD)  # the cashier's token syncs the admin's change
        desk.agent.sync_once()
        promote_self(server, desk, "admin")
        assert desk.agent.sync_once().applied == 1
        assert role_on_server(server, "cashier") == Role.UTILITY_ADMINISTRATOR.value
    finally:
        desk.close()
