"""The wire format of a bill run the central service executes (issue 13, "Where runs execute")."""

from __future__ import annotations

from datetime import date

from sync.protocol import Asked, Wire, text


class BillRunRequest(Asked):
    """One scope: a cycle by name, or a zone (code or name) and a month (YYYY-MM)."""

    cycle: str | None = text(160, None)
    zone: str | None = text(80, None)
    month: str | None = text(7, None)
    bill_date: date | None = None
    as_draft: bool = False


class BillRunView(Wire):
    """A run's record and progress: what the desktop's run dialog shows while it polls."""

    run_id: str
    label: str
    state: str  # Running, Completed, Stopped
    accounts_total: int
    billed: int
    skipped: int
    failed: int
    seconds: float
    bills_per_second: float
    chunks_total: int
    chunks_done: int
    existing: bool = False  # the request named a scope already being run: this is that run
