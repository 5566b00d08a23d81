"""The general in-app inbox: one notice per person per event, read state per user, only
one's own notices can be marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.core.errors import NotFound
from app.models.notices import Notice
from app.models.requests import Notification
from app.models.system import OutboxEntry
from app.services.core.inbox import Recipient, notice_id, notify
from app.services.core.work import unit_of_work
from tests.tariff_fixtures import actor

PEOPLE = [Recipient("supervisor", "karen@utility.example"), Recipient("admin")]


def _raise(runtime, key="event-1"):
    with unit_of_work(runtime.app, actor(runtime, "cashier")) as work:
        return notify(work, PEOPLE, "Something happened", "In detail", "test_kind", "service_request:R1",
                      key=key)


def test_an_event_notifies_each_person_once_and_queues_one_email_each(runtime, services):
    assert _raise(runtime) == ["supervisor", "admin"]
    assert _raise(runtime) == []  # the same event again: nobody is told twice
    with runtime.app.sessions() as session:
        notices = session.execute(select(Notice.recipient, Notice.id)).all()
        mails = sorted(session.execute(select(Notification.recipient, Notification.status)).all())
        pushed = session.execute(select(OutboxEntry.entity).where(OutboxEntry.entity == "notices")).all()
    # the id is the event's and the person's: another desktop raising it makes the same row
    assert sorted(notices) == sorted((p.username, notice_id("event-1", p.username)) for p in PEOPLE)
    assert mails == [("admin", "Queued"), ("karen@utility.example", "Queued")]
    assert len(pushed) == 2
    item = services.inbox.unread(actor(runtime, "supervisor"))[0]
    assert (item.kind, item.subject, item.link, item.read) == (
        "test_kind", "Something happened", "service_request:R1", False)


def test_read_state_is_per_user_and_newest_comes_first(runtime, services):
    _raise(runtime, "older")
    runtime.app.clock.advance(timedelta(minutes=5))
    _raise(runtime, "newer")
    supervisor, admin = actor(runtime, "supervisor"), actor(runtime, "admin")
    mine = services.inbox.notices(supervisor)
    assert [n.notice_id for n in mine] == [notice_id("newer", "supervisor"), notice_id("older", "supervisor")]
    services.inbox.mark_read(supervisor, mine[0].notice_id)
    assert services.inbox.unread_count(supervisor) == 1
    assert services.inbox.unread_count(admin) == 2  # the admin's copies stay unread
    assert services.inbox.mark_all_read(supervisor) == 1
    assert services.inbox.unread_count(supervisor) == 0 and services.inbox.unread_count(admin) == 2
    assert all(n.read for n in services.inbox.notices(supervisor))
    with runtime.app.sessions() as session:
        row = session.get(Notice, mine[0].notice_id)
        assert row.read_at == runtime.app.clock.now() and row.version == 2


def test_nobody_can_mark_someone_elses_notice(runtime, services):
    _raise(runtime)
    theirs = notice_id("event-1", "supervisor")
    with pytest.raises(NotFound, match="not in your inbox"):
        services.inbox.mark_read(actor(runtime, "admin"), theirs)
    with pytest.raises(NotFound, match="not in your inbox"):
        services.inbox.mark_read(actor(runtime, "admin"), "no-such-notice")
    assert services.inbox.mark_all_read(actor(runtime, "cashier")) == 0  # the cashier was told nothing
    assert services.inbox.unread_count(actor(runtime, "supervisor")) == 1
