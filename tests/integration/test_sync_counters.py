"""A counter is a device: a second desktop cannot take an existing counter's name nor open a session
at another desktop's counter, locally or by pushing one (#19 item 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.models.cash import CashSession
from app.models.reference import Counter
from app.services.cash.sessions import CashSessionsService
from app.services.core.work import unit_of_work
from app.services.registry import Services
from sync import local
from tests.factories import PASSWORD
from tests.sync_helpers import enrolled_desktop

pytestmark = pytest.mark.postgres


def test_a_second_desktop_is_refused_an_existing_counters_name(server, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first")
    second = enrolled_desktop(server, tmp_path / "second", username="cashier")
    try:
        first.agent.sync_once()
        CashSessionsService(first.runtime.app).open_session(first.actor, {Decimal(20): 5})
        assert first.agent.sync_once().rejected == 0
        with server.central.sessions() as session:
            counter = session.execute(select(Counter)).scalar_one()
        assert (counter.name, counter.device_id) == ("Counter 1", first.runtime.app.device_id)

        second.agent.sync_once()  # the counter comes down, owned by the first desktop
        cash = CashSessionsService(second.runtime.app)
        with pytest.raises(ValidationError) as refused:
            cash.open_session(second.actor, {Decimal(20): 5})
        assert refused.value.field == "Counter name" and "another desktop" in str(refused.value)
        assert cash.current_session(second.actor) is None  # the first desktop's session is not this one's

        # Pushed anyway (an older desktop, a forged outbox): the server refuses it.
        with unit_of_work(second.runtime.app, second.actor) as work:
            work.record(CashSession(session_no=9, counter_id=counter.id, opened_by="x", opened_at=work.now,
                                    opening_counts={}, opening_float=Decimal(0), status="Open"))
        assert second.agent.sync_once().rejected == 1
        with second.runtime.app.sessions() as session:
            (problem,) = local.sync_problems(session)
        assert "belongs to another desktop" in problem.reason

        # With a name of its own, the second desktop opens its own counter's session.
        _set_counter_name(second, "Counter 2")
        cash.open_session(second.actor, {Decimal(20): 3})
        assert second.agent.sync_once().rejected == 0
        with server.central.sessions() as session:
            owners = dict(session.execute(select(Counter.name, Counter.device_id)).all())
            open_sessions = session.execute(select(CashSession).where(CashSession.status == "Open")).scalars().all()
        assert owners == {"Counter 1": first.runtime.app.device_id, "Counter 2": second.runtime.app.device_id}
        assert len({s.counter_id for s in open_sessions}) == len(open_sessions) == 2
    finally:
        first.close()
        second.close()


def _set_counter_name(desktop, name: str) -> None:
    from app.services.core.auth import actor_of

    # The administrator signs in on this desktop first: the server accepts a change in admin's
    # name only from a desktop where it saw admin log in (docs/sync-security.md).
    desktop.agent.login("admin", PASSWORD)
    Services(desktop.runtime.app).settings.update(actor_of(desktop.runtime.app, "admin"),
                                                  {"general.counter_name": name})
