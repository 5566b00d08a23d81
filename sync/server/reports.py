"""Scheduled reports: each enabled schedule is mailed once a day, after its send time.

Every service process runs the scheduler, so a report is produced under a
PostgreSQL advisory transaction lock keyed on the schedule and the day, and
only when no notification of it exists yet: two processes queue it once. The
report becomes one queued Notification per recipient (kind "scheduled_report",
subject = schedule name and the day reported on); the mailer sends them, and
without SMTP they simply wait in the queue.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.domain.core.settings import Settings
from app.domain.core.settings_catalog import ReportSchedule
from app.formatting import Formats
from app.models.requests import Notification
from app.reports.collections import daily_collections, render_csv, render_text
from app.services.core.settings import load_settings
from app.services.dashboard.scheduled import DASHBOARD_REPORT, dashboard_report
from sync.server.changelog import current_txid, record_change
from sync.server.periodic import PeriodicTask
from sync.server.scope import SERVER_ONLY
from sync.server.state import Central

log = logging.getLogger("utilitydesk.reports")
KIND = "scheduled_report"
SETTING = "reports.schedules"
INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class QueuedReport:
    schedule: str
    day: date
    """The day the report covers: the day before it was sent."""
    recipients: tuple[str, ...]


def report_subject(schedule: ReportSchedule, day: date) -> str:
    return f"{schedule.name} — {day.isoformat()}"


def run_due_reports(session_factory: sessionmaker[Session], now: datetime, *,
                    produced: set[tuple[str, date]] | None = None) -> list[QueuedReport]:
    """Queue every enabled schedule whose send time has passed today and that is not queued yet.

    `produced` is an optional per-process memo of (schedule, sending day) already
    known to be done, so that later passes of the day do not query for them again.
    """
    with session_factory() as session:
        settings = load_settings(session)
    tz = ZoneInfo(settings.time_zone)
    local = now.astimezone(tz)
    today = local.date()
    if produced is not None:
        produced.difference_update({key for key in produced if key[1] != today})
    queued = []
    for schedule in settings.get(SETTING):
        key = (schedule.name.casefold(), today)
        if not schedule.enabled or local.time() < schedule.send_time:
            continue
        if produced is not None and key in produced:
            continue
        report = _produce(session_factory, schedule, today - timedelta(days=1), settings, tz, now)
        if report is not None:
            queued.append(report)
        if produced is not None:
            produced.add(key)
    return queued


def _produce(session_factory: sessionmaker[Session], schedule: ReportSchedule, day: date,
             settings: Settings, tz: ZoneInfo, now: datetime) -> QueuedReport | None:
    subject = report_subject(schedule, day)
    with session_factory() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # Held until commit: a second process waits here, then finds the notifications.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                            {"key": _lock_key(schedule, day)})
        # (SQLite takes its write lock at BEGIN IMMEDIATE: writers are already serialised.)
        done = session.execute(
            select(Notification.id).where(Notification.kind == KIND, Notification.subject == subject)
            .limit(1)).first()
        if done is not None:
            return None
        body = _body(session, schedule, day, settings, tz, now)
        rows = [Notification(kind=KIND, recipient=recipient, subject=subject, body=body,
                             status="Queued", attempts=0, created_at=now, updated_at=now)
                for recipient in schedule.recipients]
        session.add_all(rows)
        session.flush()
        txid = current_txid(session)
        for row in rows:
            record_change(session, row, "insert", SERVER_ONLY, txid=txid, now=now)
    log.info("scheduled report queued", extra={"schedule": schedule.name, "day": day.isoformat(),
                                               "recipients": len(rows)})
    return QueuedReport(schedule.name, day, schedule.recipients)


def _body(session: Session, schedule: ReportSchedule, day: date, settings: Settings, tz: ZoneInfo,
          now: datetime) -> str:
    """The report the schedule names, from the report catalogue (settings: REPORTS)."""
    if schedule.report == DASHBOARD_REPORT:  # the whole utility; the centre does not narrow it
        return dashboard_report(session, settings, day, session.get_bind().dialect.name, now)
    summary = daily_collections(session, day, schedule.centre_code, settings.currency, tz)
    return render_text(summary, Formats.of(settings)) + "\n--- CSV ---\n" + render_csv(summary)


def _lock_key(schedule: ReportSchedule, day: date) -> int:
    """A signed 64-bit key, the same in every process (unlike hash())."""
    digest = hashlib.sha256(f"{KIND}|{schedule.name.casefold()}|{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class ReportScheduler(PeriodicTask):
    """Runs run_due_reports every interval in the background of a service process.

    The first pass comes one interval after start, so a process that only lives
    for a few seconds (a test) produces nothing.
    """

    def __init__(self, central: Central, interval: float = INTERVAL_SECONDS) -> None:
        self.central = central
        self._produced: set[tuple[str, date]] = set()
        super().__init__("scheduled-reports", self._pass, interval, run_at_start=False)

    def _pass(self) -> None:
        run_due_reports(self.central.sessions, self.central.now(), produced=self._produced)
