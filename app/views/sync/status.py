"""The status bar's sync figures, "Sync now" (F9), and the background sync of a connected desktop."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton, QStatusBar

from app.domain.core.errors import SyncError, UtilityDeskError
from app.services.core.context import Actor
from app.views.common.operations import QuietOperation
from app.views.common.widgets import named
from sync.desktop import EVERY_AREA, SyncOverview, SyncStatusService

log = logging.getLogger("utilitydesk.sync")

SYNC_INTERVAL_MS = 60_000  # the next background sync, counted from the end of the previous one
FIRST_RETRY_MS = 15_000  # after a failure; doubles with each failure in a row
MAX_RETRY_MS = 300_000
QUIT_WAIT_MS = 10_000  # at quit, how long a running sync may take to finish
# Failures that waiting will not mend: the status says "Sync stopped" and what to do.
SIGN_IN_AGAIN = {"unauthenticated", "token_expired", "token_revoked", "login_failed", "account_locked"}
NOT_ENROLLED = {"device_revoked", "device_unknown", "device_required", "wrong_centre"}
STOP_STYLE = "color: #b3261e; font-weight: 600;"


class SyncAgentLike(Protocol):
    def sync_once(self): ...


class SyncLinkLike(Protocol):
    configured: bool

    def agent(self, progress=None) -> SyncAgentLike: ...


@dataclass(frozen=True)
class Attempt:
    """How the last sync attempt ended."""

    ok: bool
    error: BaseException | None = None


class SyncStatusController(QObject):
    """Owns the status bar's sync widgets, the background timer and the one running sync."""

    changed = Signal(object)  # Changes: what a sync brought in or sent
    # Argument-free, like Operation's signals: the worker leaves the latest progress in Python and
    # only pokes the GUI thread, so Qt never takes the GIL while holding its connection lock.
    _downloading = Signal()

    def __init__(self, window: QMainWindow, status: SyncStatusService, link: SyncLinkLike | None,
                 actor: Actor) -> None:
        super().__init__(window)
        self.window, self.status, self.link, self.actor = window, status, link, actor
        self.running = False
        self._agent: SyncAgentLike | None = None
        self._stopped, self._closed = True, False
        self._failures = 0
        self._last: Attempt | None = None
        self._sign_in: tuple[str, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._age_timer = QTimer(self)
        self._age_timer.timeout.connect(self.refresh)
        self._age_timer.start(SYNC_INTERVAL_MS)
        self._latest_download = None  # sync.client.Progress, written by the worker thread
        self._downloading.connect(self._show_download)
        self._build_widgets()
        self.refresh()

    @property
    def scheduled_delay_ms(self) -> int | None:
        """The delay the next background sync was scheduled with; None when none is."""
        return self._timer.interval() if self._timer.isActive() else None

    @property
    def configured(self) -> bool:
        return self.link is not None and bool(self.link.configured)

    # widgets -------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sync_label = named(QLabel(), "Sync state")
        self.progress = named(QProgressBar(), "Sync progress")
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(90)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.queue_label = named(QLabel(), "Queued operations")
        self.queue_label.setToolTip("Changes recorded on this desktop and not yet accepted by the central service.")
        self.problems_button = QPushButton()
        self.problems_button.setFlat(True)
        self.problems_button.setStyleSheet(STOP_STYLE)
        self.problems_button.clicked.connect(self.show_problems)
        self.age_label = named(QLabel(), "Data age")

    def install(self, bar: QStatusBar) -> None:
        for widget in (self.sync_label, self.progress, self.queue_label, self.problems_button, self.age_label):
            bar.addPermanentWidget(widget)

    def actions(self) -> list[QAction]:
        """For the Session menu: Sync now (F9), Sync problems…, Connect to central service…"""
        sync_now = QAction("Sync &now", self.window)
        sync_now.setShortcut(QKeySequence("F9"))
        sync_now.triggered.connect(self.sync_now)
        problems = QAction("Sync &problems…", self.window)
        problems.triggered.connect(self.show_problems)
        connect = QAction("&Connect to central service…", self.window)
        connect.triggered.connect(self.show_connect)
        return [sync_now, problems, connect]

    def refresh(self) -> None:
        if self._closed:
            return
        overview = self.status.overview()
        now = self.status.app.clock.now()
        text, tip = sync_state_text(self.configured, self.running, self._last, overview.last_sync)
        self.sync_label.setText(text)
        self.sync_label.setToolTip(tip)
        self.sync_label.setStyleSheet(STOP_STYLE if text.startswith("Sync stopped") else "")
        self.queue_label.setText(f"{overview.pending:,} queued")
        self.queue_label.setVisible(self.configured)  # standalone: nothing will ever be sent
        self._show_problems_count(overview)
        self.age_label.setText(data_age_text(overview.last_sync, now))

    def _show_problems_count(self, overview: SyncOverview) -> None:
        label = problems_text(overview.problems)
        self.problems_button.setText(label)
        named(self.problems_button, label or "Sync problems")
        self.problems_button.setToolTip("Operations the central service refused: open to retry or discard them")
        self.problems_button.setVisible(bool(overview.problems))

    def on_changes(self, _changes: object) -> None:
        self.refresh()  # a payment recorded here is one more queued operation

    def _message(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # running a sync ---------------------------------------------------------------------

    def start(self, sign_in: tuple[str, str] | None = None, delay_ms: int = 0) -> None:
        """With the session: sync soon, then in the background. sign_in renews the server token."""
        self._stopped = False
        if not self.configured:
            return  # Connect to central service… starts it
        self._sign_in = sign_in or self._sign_in
        self._timer.start(delay_ms)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()

    def shutdown(self, wait_ms: int = 0) -> None:
        """At logout (no wait) or quit (wait for a running sync): no more syncs, close the agent."""
        self.stop()
        self._sign_in = None
        self._age_timer.stop()
        self._closed = True
        if self.running and wait_ms:
            QThreadPool.globalInstance().waitForDone(wait_ms)
        if not self.running:
            self._close_agent()

    def sync_now(self) -> bool:
        if not self.configured:
            self._message("This desktop is not connected to a central service: "
                          "Session → Connect to central service…")
            return False
        if self.running:
            self._message("A sync is already running.")
            return False
        self._timer.stop()
        self.running = True
        self.progress.show()
        self.refresh()
        agent, sign_in = self._ensure_agent(), self._sign_in
        QuietOperation(self.window, lambda: _sync(agent, sign_in), label="Syncing…") \
            .success(self._succeeded).failure(self._failed).run_in_background()
        return True

    def _ensure_agent(self) -> SyncAgentLike:
        if self._agent is None:
            assert self.link is not None
            self._agent = self.link.agent(progress=self._report_download)
        return self._agent

    def _close_agent(self) -> None:
        agent, self._agent = self._agent, None
        if agent is not None and hasattr(agent, "close"):
            agent.close()

    def _succeeded(self, report) -> None:
        if self._finished():
            return
        reconnected, self._failures, self._last, self._sign_in = self._failures > 0, 0, Attempt(True), None
        self.refresh()
        self._message(report_text(report, reconnected))
        if report.pushed or report.pulled or report.bootstrapped or report.requeued:
            self.changed.emit(EVERY_AREA)
        self._schedule(SYNC_INTERVAL_MS)

    def _failed(self, error: BaseException) -> None:
        if self._finished():
            return
        self._failures += 1
        self._last = Attempt(False, error)
        if getattr(error, "kind", "") in ("login_failed", "account_locked"):
            self._sign_in = None  # never retry a refused password: it would lock the account
        if not isinstance(error, UtilityDeskError):
            log.error("sync failed", exc_info=(type(error), error, error.__traceback__))
        self.refresh()
        self._schedule(retry_delay_ms(self._failures))

    def _finished(self) -> bool:
        """True when the controller closed while the sync ran: nothing left to show."""
        self.running = False
        if self._closed:
            self._close_agent()
            return True
        self.progress.hide()
        return False

    def _schedule(self, delay_ms: int) -> None:
        if not self._stopped and self.configured:
            self._timer.start(delay_ms)

    def _report_download(self, progress) -> None:  # on the worker thread
        self._latest_download = progress
        self._downloading.emit()

    def _show_download(self) -> None:
        progress = self._latest_download
        if progress is not None and self.running and not self._closed:
            self.sync_label.setText(f"Syncing… {progress.entity.replace('_', ' ')} {progress.entity_rows:,} rows")

    # dialogs ------------------------------------------------------------------------------

    def show_problems(self):
        from app.views.sync.problems import SyncProblemsDialog

        dialog = SyncProblemsDialog(self.status, self.actor, self.window)
        dialog.handled.connect(self._problems_handled)
        dialog.open()
        return dialog

    def _problems_handled(self, changes: object, retried: bool) -> None:
        self.refresh()
        self.changed.emit(changes)
        if retried and self.configured and not self.running:
            self.sync_now()

    def show_connect(self):
        from app.views.sync.connect import ConnectDialog

        if self.link is None or getattr(self.link, "config_file", None) is None:
            self._message("This window was opened without a data folder to keep a server address in.")
            return None
        if self.running:
            self._message("Wait for the running sync to finish, then connect.")
            return None
        self.stop()
        dialog = ConnectDialog(self.link, self.actor, self.window)
        dialog.connected.connect(self._connected)
        dialog.finished.connect(self._resume)
        dialog.open()
        return dialog

    def _resume(self, _result: int = 0) -> None:
        just_synced = self._last is not None and self._last.ok
        self.start(delay_ms=SYNC_INTERVAL_MS if just_synced else FIRST_RETRY_MS)

    def _connected(self, connected) -> None:
        self._close_agent()  # the next sync talks to the new server
        self._last = Attempt(True) if connected.report is not None else Attempt(False, SyncError(
            "offline", connected.problem))
        self.refresh()
        if connected.report is not None:
            self.changed.emit(EVERY_AREA)


def _sync(agent: SyncAgentLike, sign_in: tuple[str, str] | None):
    """On a worker thread: renew the sign-in once per session, then one sync."""
    if sign_in is not None:
        agent.login(*sign_in)
    return agent.sync_once()


# what the status bar says ------------------------------------------------------------------

def sync_state_text(configured: bool, running: bool, last: Attempt | None,
                    last_sync: datetime | None) -> tuple[str, str]:
    """(label, tooltip) for "Sync state"."""
    if not configured:
        return "Standalone", ("This desktop works on its own database; no central service is configured, "
                              "so nothing waits to be sent (Session → Connect to central service…).")
    if running:
        return "Syncing…", "Sending queued changes and receiving the central service's."
    if last is None:
        text = f"Last synced {last_sync:%H:%M}" if last_sync else "Offline · never synced"
        return text, "No sync has been tried in this session yet."
    if last.ok:
        return f"Online · synced {last_sync:%H:%M}" if last_sync else "Online", "The last sync succeeded."
    return failure_text(last.error)


def failure_text(error: BaseException | None) -> tuple[str, str]:
    kind = getattr(error, "kind", "")
    message = getattr(error, "message", "") or str(error)
    if kind == "clock_skew":
        minutes = re.search(r"(\d+) minute", message)
        off = f"{minutes.group(1)} min" if minutes else "more than 5 min"
        return f"Sync stopped: this computer's clock is {off} off the server's", message
    if kind in SIGN_IN_AGAIN:
        return "Sync stopped: sign in again (log out, then log in while online)", message
    if kind in NOT_ENROLLED:
        return "Sync stopped: connect this desktop again (Session menu)", message
    if kind == "offline":
        return "Offline · central service unreachable", message
    if kind == "timeout":
        return "Offline · central service not answering (sync stopped in time)", message
    if isinstance(error, UtilityDeskError):
        return f"Offline · {_shorten(message)}", message
    return "Sync failed · details in the log", message


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def data_age_text(last_sync: datetime | None, now: datetime) -> str:
    if last_sync is None:
        return "Data: local only"
    age = now - last_sync
    if age < timedelta(hours=1):
        return f"Data as of {last_sync:%H:%M}"
    if age < timedelta(hours=48):
        return f"Data {int(age.total_seconds() // 3600)} h old"
    return f"Data {age.days} days old"


def problems_text(count: int) -> str:
    if not count:
        return ""
    return "1 sync problem" if count == 1 else f"{count:,} sync problems"


def report_text(report, reconnected: bool) -> str:
    parts = [f"sent {report.pushed:,}", f"received {report.pulled:,}"]
    refused = report.rejected + report.conflicts
    if refused:
        parts.append(f"{refused:,} refused (see Sync problems)")
    held = getattr(report, "quarantined", 0)
    if held:
        parts.append(f"{held:,} received rows waiting for what they refer to (see Sync problems)")
    prefix = "Back online. Synced" if reconnected else "Synced"
    return f"{prefix}: {', '.join(parts)}."


def retry_delay_ms(failures: int) -> int:
    return min(FIRST_RETRY_MS * 2 ** max(failures - 1, 0), MAX_RETRY_MS)
