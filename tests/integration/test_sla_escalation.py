"""SLA breach escalation: once per request and missed target, whichever desktop and however
many desktops see it (the records' ids follow from the breach; the central service keeps one)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from app.domain.core.clock import FixedClock
from app.models.notices import Notice
from app.models.requests import Notification, RequestEvent, ServiceRequest
from app.services.registry import Services
from app.services.requests import RequestDraft
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring


def _breach_rows(app):
    with app.sessions() as session:
        notes = session.execute(select(Notification.id, Notification.recipient, Notification.status)
                                .where(Notification.kind == "sla_breach")).all()  # e-mails
        notes += session.execute(select(Notice.id, Notice.recipient, Notice.read_at)
                                 .where(Notice.kind == "sla_breach")).all()  # in-app notices
        events = session.execute(select(RequestEvent.id, RequestEvent.detail)
                                 .where(RequestEvent.event == "SLA breached")).all()
    return notes, events


def test_each_missed_target_escalates_once(runtime, services):
    world = build_requests_world(runtime, services)
    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, world.smith)
    services.requests.create_request(cashier, RequestDraft(world.smith, "NP-001", date(2025, 4, 21),
                                                           "10:00-12:00", notify_customer=False))
    runtime.app.clock.advance(timedelta(hours=2, minutes=1))
    assert services.requests.escalate_breaches() == ["DIS-2025-000001"]
    assert services.requests.escalate_breaches() == []
    notes, events = _breach_rows(runtime.app)
    assert len(notes) == 2 and [detail.split(";")[0] for _, detail in events] == ["Acknowledgement target missed"]
    runtime.app.clock.advance(timedelta(hours=22))  # past the 24-hour resolution target too
    assert services.requests.escalate_breaches() == ["DIS-2025-000001"]
    assert services.requests.escalate_breaches() == []
    notes, events = _breach_rows(runtime.app)
    assert len(notes) == 4 and sorted(d.split(";")[0] for _, d in events) == [
        "Acknowledgement target missed", "Resolution target missed"]


def test_two_desktops_escalating_one_breach_leave_one_notification_each(tmp_path):
    clock = FixedClock(datetime.now(UTC))  # the central service refuses a skewed clock
    with memory_keyring(), live_server(f"sqlite:///{tmp_path / 'central.sqlite3'}") as server:
        counter = enrolled_desktop(server, tmp_path / "counter", "cashier", clock=clock)
        office = enrolled_desktop(server, tmp_path / "office", "recovery", clock=clock)
        try:
            for desk in (counter, office):
                desk.agent.sync_once()
            at_counter = Services(counter.runtime.app).requests
            consumer_id = server.world.consumer_ids[0]
            at_counter.verify_and_lock(counter.actor, consumer_id)
            today = at_counter.form_choices(counter.actor)[3]
            created = at_counter.create_request(counter.actor, RequestDraft(
                consumer_id, "NP-001", today + timedelta(days=1), "10:00-12:00", notify_customer=False))
            assert counter.agent.sync_once().rejected == 0
            office.agent.sync_once()
            for desk in (counter, office):  # raised three hours ago: nobody acknowledged it in two
                with desk.runtime.app.sessions() as session, session.begin():
                    session.execute(update(ServiceRequest).where(ServiceRequest.id == created.request_id)
                                    .values(created_at=clock.now() - timedelta(hours=3)))
            # both desktops see the breach before either has synced the other's escalation
            assert at_counter.escalate_breaches() == Services(office.runtime.app).requests.escalate_breaches() \
                != []
            assert _breach_rows(counter.runtime.app) == _breach_rows(office.runtime.app)  # the same ids
            first, second = counter.agent.sync_once(), office.agent.sync_once()
            assert (first.rejected, second.rejected) == (0, 0)
            with server.central.sessions() as session:
                kept = session.execute(select(Notification.status, func.count()).where(
                    Notification.kind == "sla_breach").group_by(Notification.status)).all()
                notices = session.execute(select(func.count()).select_from(Notice).where(
                    Notice.kind == "sla_breach")).scalar()
                assert (sorted(kept), notices) == ([("Queued", 1)], 1)  # one supervisor: e-mail and in-app
                assert session.execute(select(func.count()).select_from(RequestEvent).where(
                    RequestEvent.event == "SLA breached")).scalar() == 1
        finally:
            counter.close()
            office.close()
