"""The billing dashboard as a scheduled report: every overview figure of the month to the day
reported on, with both comparisons and the reconciliation, as text and CSV for the central
service's mailer (sync/server/reports.py runs it for a "Billing dashboard summary" schedule)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.domain.core.settings import Settings
from app.services.dashboard.export import DashboardSnapshot, rows
from app.services.dashboard.scope import DashboardFilter
from app.services.dashboard.service import overview_in

DASHBOARD_REPORT = "Billing dashboard summary"


def dashboard_report(session: Session, settings: Settings, day: date, dialect: str, now: datetime) -> str:
    overview = overview_in(session, settings, DashboardFilter(), day, dialect, now)
    table = rows(DashboardSnapshot(overview), settings.locale)
    text = [f"Billing dashboard: {overview.scopes[0]} (figures to {day.isoformat()})", ""]
    text += ["  ".join(cell for cell in row if cell) for row in table]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return "\n".join(text) + "\n--- CSV ---\n" + out.getvalue()
