"""The dashboard's scheduled report, run by the central service's scheduler: a "Billing
dashboard summary" schedule is queued once a day with every overview figure, text and CSV."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.domain.core.settings_catalog import ALL_CENTRES, ReportSchedule
from app.models.requests import Notification
from sync.server.reports import KIND, run_due_reports
from tests.dashboard_fixtures import build_world
from tests.payment_fixtures import actor

SCHEDULE = ReportSchedule("Dashboard to managers", "Billing dashboard summary", ALL_CENTRES,
                          ("billing.manager@example.com", "cfo@example.com"), "07:00", True)


def test_a_dashboard_schedule_is_mailed_once_a_day_with_the_overview(runtime, services):
    build_world(runtime)
    services.settings.update(actor(runtime, "admin"), {"reports.schedules": [SCHEDULE]})
    now = runtime.app.clock.now()
    queued = run_due_reports(runtime.app.sessions, now)
    assert [(q.schedule, q.recipients) for q in queued] == [(SCHEDULE.name, SCHEDULE.recipients)]
    day = queued[0].day
    assert run_due_reports(runtime.app.sessions, now + timedelta(minutes=5)) == []  # once a day
    with runtime.app.sessions() as session:
        mails = session.execute(select(Notification).where(Notification.kind == KIND)).scalars().all()
    assert sorted(m.recipient for m in mails) == sorted(SCHEDULE.recipients)
    body = mails[0].body
    assert body.startswith("Billing dashboard: ") and f"figures to {day.isoformat()}" in body
    text, table = body.split("\n--- CSV ---\n")
    for label in ("Total Bills Generated", "Success Rate", "Outstanding Amount", "Reconciliation"):
        assert label in text and label in table
    assert mails[0].subject == f"Dashboard to managers — {day.isoformat()}"
