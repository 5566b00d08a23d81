"""The mailer: notifications pushed by desktops are sent once by SMTP, retried, never pulled back."""

from __future__ import annotations

from email import message_from_string
from email.policy import default

import pytest
from sqlalchemy import select, text

from app.models.requests import Notification
from app.services.core.work import unit_of_work
from sync.server.mailer import MAX_ATTEMPTS, SmtpSettings, send_queued
from tests.job_helpers import job_worker_threads
from tests.sync_helpers import SmtpSink, enrolled_desktop, free_socket, live_server, memory_keyring

pytestmark = pytest.mark.postgres


@pytest.fixture
def sink():
    smtp = SmtpSink()
    yield smtp
    smtp.close()


def queue_notice(desktop, recipient: str = "consumer@example.com") -> str:
    with unit_of_work(desktop.runtime.app, desktop.actor) as work:
        notice = Notification(kind="request_update", recipient=recipient, subject="Your request DIS-1",
                              body="A field visit is scheduled.", created_at=work.now)
        work.record(notice)
        return notice.id


def test_pushed_notification_is_sent_once_and_not_pulled_by_desktops(server, sink, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first")
    second = enrolled_desktop(server, tmp_path / "second")
    try:
        first.agent.sync_once()
        second.agent.sync_once()
        notice_id = queue_notice(first)
        assert first.agent.sync_once().applied == 1
        smtp = SmtpSettings.from_url(sink.url)
        assert send_queued(server.central, smtp).sent == 1
        assert send_queued(server.central, smtp).sent == 0  # nothing twice
        (message,) = sink.messages
        assert "To: consumer@example.com" in message and "Subject: Your request DIS-1" in message
        with server.central.sessions() as session:
            notice = session.get(Notification, notice_id)
            assert (notice.status, notice.attempts) == ("Sent", 1) and notice.sent_at is not None
        second.agent.sync_once()
        with second.runtime.app.sessions() as session:
            assert session.execute(select(Notification)).first() is None
    finally:
        first.close()
        second.close()


def test_the_letter_writes_its_days_and_amounts_as_the_settings_say_when_it_is_sent(server, sink, tmp_path):
    """The stored body keeps neutral facts (ISO day, "25.00 INR"); the mailer writes them in the
    utility's settings at the moment of sending (here the defaults: dd/MM/yyyy, en_IN rupees)."""
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        with unit_of_work(desk.runtime.app, desk.actor) as work:
            work.record(Notification(kind="request_created", recipient="consumer@example.com",
                                     subject="Disconnection request DIS-1",
                                     body="Scheduled for 2026-12-01 between 10:00 and 12:00; fee 25.00 INR.",
                                     created_at=work.now))
        desk.agent.sync_once()
        assert send_queued(server.central, SmtpSettings.from_url(sink.url)).sent == 1
        (raw,) = sink.messages
        body = message_from_string(raw, policy=default).get_content()
        assert "Scheduled for 01/12/2026 between 10:00 and 12:00; fee " in body, body
        assert "25.00." in body and "INR" not in body, body  # the rupee sign (the sink keeps it escaped)
    finally:
        desk.close()


def test_unreachable_smtp_server_is_retried_then_marked_failed(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    closed = free_socket()  # bound, never listening: connections are refused
    smtp = SmtpSettings(host="127.0.0.1", port=closed.getsockname()[1], sender="noreply@utility.example")
    try:
        desk.agent.sync_once()
        notice_id = queue_notice(desk)
        desk.agent.sync_once()
        reports = [send_queued(server.central, smtp) for _ in range(MAX_ATTEMPTS)]
        assert [r.retrying for r in reports] == [1] * (MAX_ATTEMPTS - 1) + [0]
        assert reports[-1].failed == 1
        with server.central.sessions() as session:
            assert session.get(Notification, notice_id).status == "Failed"
    finally:
        closed.close()
        desk.close()


def test_two_service_processes_job_workers_send_a_notification_once(pg_url, sink, tmp_path):
    """The mailer is a procrastinate periodic task: each tick is deferred once, whichever of
    the workers (of any number of service processes) defers it, so nothing is sent twice."""
    import time

    with memory_keyring(), live_server(pg_url, smtp_url=sink.url) as live, \
            job_worker_threads(live.central.config, count=2):
        desk = enrolled_desktop(live, tmp_path / "desk")
        try:
            desk.agent.sync_once()
            queue_notice(desk, recipient="supervisor@example.com")
            desk.agent.sync_once()
            deadline = time.monotonic() + 30
            while not sink.messages and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(6)  # another tick: the second worker finds nothing left to send
            heads = [tuple(line for line in message.splitlines() if line.startswith(("To:", "Subject:")))
                     for message in sink.messages]
            # the notice once; the scheduled reports the other periodic task queued, once each
            assert [head for head in heads if "To: supervisor@example.com" in head] == [
                ("To: supervisor@example.com", "Subject: Your request DIS-1")]
            assert len(heads) == len(set(heads))
            with live.central.sessions() as session:
                ticks = session.execute(text(
                    "SELECT count(*), count(DISTINCT args->>'timestamp') FROM procrastinate_jobs"
                    " WHERE task_name = 'utilitydesk:send_mail'")).one()
            assert ticks[0] == ticks[1] >= 1  # one job per tick, not one per worker
        finally:
            desk.close()
