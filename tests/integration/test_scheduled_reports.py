"""Scheduled reports on the central database: the collections summary, due times, once per day."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.domain.core import settings as registry
from app.domain.core.money import Money
from app.domain.core.settings_catalog import ALL_CENTRES, ReportSchedule
from app.models.central import ChangeLogEntry
from app.models.payments import Payment
from app.models.reference import Setting
from app.models.requests import Notification
from app.reports.collections import daily_collections, render_csv, render_text
from sync.server.config import ServerConfig
from sync.server.mailer import SmtpSettings, send_queued
from sync.server.reports import KIND, run_due_reports
from sync.server.state import open_central
from tests.sync_helpers import SmtpSink, World, prepare_central

pytestmark = pytest.mark.postgres

IST = ZoneInfo("Asia/Kolkata")  # the default utility time zone
DAY = date(2024, 5, 1)
_numbers = count(1)


def inr(amount: str) -> Money:
    return Money(Decimal(amount), "INR")


def ist(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=IST)


@pytest.fixture
def central(pg_url):
    world = prepare_central(pg_url)
    central = open_central(ServerConfig(database_url=pg_url))
    central.world = world  # type: ignore[attr-defined]
    yield central
    central.engine.dispose()


def add_payment(central, consumer_id: str, amount: str, paid_at: datetime, *, method: str = "Cash",
                channel: str = "Walk-in", status: str = "Posted",
                voided_at: datetime | None = None) -> None:
    n = next(_numbers)
    with central.sessions() as session, session.begin():
        session.add(Payment(payment_no=f"PAY-{n}", transaction_no=f"TXN-{n}", receipt_no=f"R-{n}",
                            consumer_id=consumer_id, payment_type="Bill", channel=channel,
                            method=method, amount=Decimal(amount), paid_at=paid_at, status=status,
                            received_by="cashier", voided_at=voided_at))


def seed_payments(central) -> None:
    world: World = central.world
    csc, nsc = world.consumer_ids, world.other_consumer_id
    add_payment(central, csc[0], "100.00", ist(1, 10))
    add_payment(central, csc[1], "250.50", ist(1, 23, 30), method="UPI", channel="Online Portal")
    add_payment(central, csc[2], "40.00", ist(1, 0, 10))  # 30 April in UTC, 1 May locally
    add_payment(central, csc[0], "999.00", ist(2, 0, 5))  # the next local day
    add_payment(central, csc[0], "30.00", ist(1, 9), status="Voided", voided_at=ist(1, 11))
    add_payment(central, csc[1], "70.00", ist(30, 9, month=4), status="Voided", voided_at=ist(1, 8))
    add_payment(central, nsc, "500.00", ist(1, 12), method="UPI", channel="Mobile App")
    add_payment(central, nsc, "80.00", ist(1, 13), method="UPI", status="Pending")


def set_schedules(central, *schedules: ReportSchedule) -> None:
    value = registry.to_json("reports.schedules", schedules)
    with central.sessions() as session, session.begin():
        session.add(Setting(key="reports.schedules", value=value, changed_by="admin"))


def report_notifications(central) -> list[Notification]:
    with central.sessions() as session:
        return list(session.execute(select(Notification).where(Notification.kind == KIND)
                                    .order_by(Notification.subject, Notification.recipient)).scalars())


MORNING = ReportSchedule("Morning collections", "Daily collections summary", ALL_CENTRES,
                         ("manager@example.com", "finance@example.com"), "07:00", True)
OFF = ReportSchedule("North only", "Daily collections summary", "NSC", ("north@example.com",),
                     "06:00", False)


def test_summary_figures_by_centre_method_channel_and_voids(central):
    seed_payments(central)
    with central.sessions() as session:
        summary = daily_collections(session, DAY, None, "INR", IST)
        north = daily_collections(session, DAY, "nsc", "INR", IST)
        unknown = daily_collections(session, DAY, "XYZ", "INR", IST)
    csc, nsc = summary.centres
    assert (csc.code, nsc.code) == ("CSC", "NSC")
    assert (csc.figures.posted_count, csc.figures.posted_total) == (3, inr("390.50"))
    assert [(m.label, m.count, m.total) for m in csc.figures.by_method] == [
        ("UPI", 1, inr("250.50")), ("Cash", 2, inr("140.00"))]
    assert [(c.label, c.count, c.total) for c in csc.figures.by_channel] == [
        ("Online Portal", 1, inr("250.50")), ("Walk-in", 2, inr("140.00"))]
    assert (csc.figures.voided_count, csc.figures.voided_total) == (2, inr("100.00"))
    assert (nsc.figures.posted_count, nsc.figures.posted_total) == (1, inr("500.00"))
    assert (nsc.figures.voided_count, nsc.figures.voided_total) == (0, inr("0"))
    totals = summary.totals
    assert (totals.posted_count, totals.posted_total) == (4, inr("890.50"))
    assert [(m.label, m.count, m.total) for m in totals.by_method] == [
        ("UPI", 2, inr("750.50")), ("Cash", 2, inr("140.00"))]
    assert (totals.voided_count, totals.voided_total) == (2, inr("100.00"))
    assert [c.code for c in north.centres] == ["NSC"] and north.totals == nsc.figures
    assert unknown.unknown_centre and "No service centre has the code XYZ" in render_text(unknown)

    text = render_text(summary)
    assert "Posted payments: 4, ₹890.50" in text and "CSC Central" in text and "NSC North" in text
    rows = list(csv.DictReader(io.StringIO(render_csv(summary))))
    by_key = {(r["centre_code"], r["figure"], r["item"]): (r["count"], r["amount"]) for r in rows}
    assert by_key[("", "posted", "")] == ("4", "890.50")
    assert by_key[("CSC", "method", "Cash")] == ("2", "140.00")
    assert by_key[("CSC", "voided", "")] == ("2", "100.00")
    assert by_key[("NSC", "channel", "Mobile App")] == ("1", "500.00")
    assert {r["day"] for r in rows} == {"2024-05-01"} and {r["currency"] for r in rows} == {"INR"}


def test_due_time_one_notification_per_recipient_once_a_day(central):
    seed_payments(central)
    set_schedules(central, MORNING, OFF)
    assert run_due_reports(central.sessions, ist(2, 6, 59)) == []
    assert report_notifications(central) == []

    (queued,) = run_due_reports(central.sessions, ist(2, 7, 0).astimezone(UTC))
    assert (queued.schedule, queued.day) == ("Morning collections", DAY)
    notices = report_notifications(central)
    assert sorted(n.recipient for n in notices) == ["finance@example.com", "manager@example.com"]
    assert {n.subject for n in notices} == {"Morning collections — 2024-05-01"}
    assert {n.status for n in notices} == {"Queued"}
    body = notices[0].body
    assert "Posted payments: 4, ₹890.50" in body and "--- CSV ---" in body
    assert "day,centre_code,centre_name,figure,item,count,amount,currency" in body
    with central.sessions() as session:
        logged = session.execute(select(func.count()).select_from(ChangeLogEntry)
                                 .where(ChangeLogEntry.entity == "notifications")).scalar_one()
    assert logged == 2  # written like every other change, in the server-only scope

    memo: set = set()
    assert run_due_reports(central.sessions, ist(2, 7, 1)) == []  # checked in the database
    assert run_due_reports(central.sessions, ist(2, 23, 59), produced=memo) == []
    assert run_due_reports(central.sessions, ist(2, 23, 59), produced=memo) == []  # the memo
    assert len(report_notifications(central)) == 2

    assert run_due_reports(central.sessions, ist(3, 6, 0)) == []  # the next day, too early
    (queued,) = run_due_reports(central.sessions, ist(3, 7, 30), produced=memo)
    assert queued.day == date(2024, 5, 2)
    notices = report_notifications(central)
    assert len(notices) == 4
    assert {n.subject for n in notices} == {"Morning collections — 2024-05-01",
                                            "Morning collections — 2024-05-02"}


def test_queued_reports_are_sent_by_the_mailer(central):
    set_schedules(central, MORNING)
    run_due_reports(central.sessions, ist(2, 8))
    sink = SmtpSink()
    try:
        report = send_queued(central, SmtpSettings.from_url(sink.url))
        assert report.sent == 2
        assert sorted(m.split("To: ", 1)[1].split("\r\n", 1)[0] for m in sink.messages) == [
            "finance@example.com", "manager@example.com"]
        assert all("Posted payments: 0" in m for m in sink.messages)
    finally:
        sink.close()


def test_concurrent_runs_queue_a_report_once(central):
    seed_payments(central)
    set_schedules(central, MORNING)
    runners = 6
    start = threading.Barrier(runners)
    results: list[list] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(run_due_reports(central.sessions, ist(2, 9)))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(len(result) for result in results) == [0] * (runners - 1) + [1]
    assert len(report_notifications(central)) == 2
