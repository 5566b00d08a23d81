"""The status bar's sync figures and the Sync problems dialog, driven by a fake sync agent (no server)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QTableView
from sqlalchemy import select, update

from app.domain.core.errors import SyncError
from app.models.system import AuditEntry, OutboxEntry
from app.models.users import User
from app.services.core.changes import PAYMENTS, Changes
from app.services.core.serialize import row_to_dict
from app.services.registry import Services
from app.views.main_window import MainWindow
from app.views.sync.problems import SyncProblemsDialog
from app.views.sync.status import MAX_RETRY_MS, retry_delay_ms
from sync import local
from sync.client import SyncReport, check_skew
from tests.factories import NOW
from tests.gui.helpers import click, find
from tests.payment_fixtures import actor


class FakeAgent:
    """Implements sync_once as the real agent's effect on the outbox; outcomes are reports or errors."""

    def __init__(self, runtime, *outcomes) -> None:
        self.runtime, self.outcomes, self.calls = runtime, list(outcomes), 0
        self.gate: threading.Event | None = None

    def sync_once(self) -> SyncReport:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(5)
        outcome = self.outcomes.pop(0) if self.outcomes else SyncReport()
        if isinstance(outcome, Exception):
            raise outcome
        with self.runtime.app.sessions() as session, session.begin():
            sent = session.execute(update(OutboxEntry).where(OutboxEntry.state == local.PENDING)
                                   .values(state="Applied")).rowcount
            local.set_state(session, local.LAST_SYNC, self.runtime.app.clock.now().isoformat())
        return SyncReport(pushed=sent, applied=sent, pulled=outcome.pulled)


class FakeLink:
    configured = True
    config_file = None

    def __init__(self, agent: FakeAgent) -> None:
        self._agent = agent

    def agent(self, progress=None) -> FakeAgent:
        return self._agent


def open_window(qtbot, runtime, link=None, username: str = "cashier") -> MainWindow:
    window = MainWindow(Services(runtime.app), actor(runtime, username), centre="Central Service Centre",
                        counter="Counter 1", utility_name="Sunrise Utilities", sync_link=link)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # offscreen Qt: F9 reaches the window's actions once it is active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    return window


def queue(runtime, count: int, state: str = local.PENDING, entity: str = "payments", **extra) -> list[int]:
    with runtime.app.sessions() as session, session.begin():
        rows = [OutboxEntry(entity=entity, entity_id=f"id-{n}", operation="insert", payload={"id": f"id-{n}"},
                            created_at=NOW, state=state, **extra) for n in range(count)]
        session.add_all(rows)
        session.flush()
        return [row.seq for row in rows]


def text(window, name: str) -> str:
    return find(window, name, QLabel).text()


def run_sync(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not window.sync_status.running, timeout=5000)


def test_a_standalone_desktop_says_so_and_counts_no_queue(qtbot, runtime):
    queue(runtime, 3)  # recorded here; with no central service they will never be sent
    window = open_window(qtbot, runtime)
    assert text(window, "Sync state") == "Standalone"
    assert "no central service is configured" in find(window, "Sync state", QLabel).toolTip()
    assert text(window, "Data age") == "Data: local only"
    assert not find(window, "Queued operations", QLabel).isVisible()
    window.notify(Changes.of(PAYMENTS))  # a screen recorded a payment: still no count
    assert not find(window, "Queued operations", QLabel).isVisible()
    assert not window.sync_status.problems_button.isVisible()
    assert not window.sync_status.sync_now()  # nothing to talk to
    assert "Connect to central service" in window.statusBar().currentMessage()


def test_queued_operations_count_live_and_sync_now_empties_the_queue(qtbot, runtime):
    agent = FakeAgent(runtime, SyncReport(pulled=4))
    window = open_window(qtbot, runtime, FakeLink(agent))
    assert text(window, "Sync state") == "Offline · never synced"  # connected, no sync yet
    queue(runtime, 3)
    window.notify(Changes.of(PAYMENTS))  # a screen recorded a payment
    assert find(window, "Queued operations", QLabel).isVisible()
    assert text(window, "Queued operations") == "3 queued"
    with qtbot.waitSignal(window.changed, timeout=5000) as pulled:
        run_sync(qtbot, window)
    assert pulled.args[0].touches(PAYMENTS, "tariffs", "settings")  # open screens refresh
    assert text(window, "Queued operations") == "0 queued"
    assert text(window, "Sync state") == "Online · synced 16:00"  # 10:30 UTC in Asia/Kolkata
    assert text(window, "Data age") == "Data as of 16:00"
    assert window.statusBar().currentMessage() == "Synced: sent 3, received 4."
    runtime.app.clock.advance(timedelta(hours=3, minutes=5))
    window.sync_status.refresh()
    assert text(window, "Data age") == "Data 3 h old"


def test_clock_skew_stops_sync_and_says_by_how_much(qtbot, runtime):
    with pytest.raises(SyncError) as skew:
        check_skew(NOW, NOW + timedelta(minutes=7))
    window = open_window(qtbot, runtime, FakeLink(FakeAgent(runtime, skew.value)))
    run_sync(qtbot, window)
    assert text(window, "Sync state") == "Sync stopped: this computer's clock is 7 min off the server's"
    assert "Correct the date and time" in find(window, "Sync state", QLabel).toolTip()


def test_background_sync_backs_off_after_failures_then_says_back_online(qtbot, runtime):
    offline = SyncError("offline", "The central service cannot be reached (connection refused).")
    agent = FakeAgent(runtime, offline, offline, SyncReport())
    window = open_window(qtbot, runtime, FakeLink(agent))
    controller = window.sync_status
    controller.start()  # as the session does after login: the first sync at once
    qtbot.waitUntil(lambda: agent.calls == 1 and not controller.running, timeout=5000)
    assert text(window, "Sync state") == "Offline · central service unreachable"
    assert controller.scheduled_delay_ms == 15_000
    run_sync(qtbot, window)
    assert controller.scheduled_delay_ms == 30_000  # doubles, up to 5 minutes
    run_sync(qtbot, window)
    assert window.statusBar().currentMessage().startswith("Back online. Synced")
    assert controller.scheduled_delay_ms == 60_000
    assert retry_delay_ms(5) == 240_000 and retry_delay_ms(6) == retry_delay_ms(50) == MAX_RETRY_MS == 300_000
    controller.shutdown()
    assert controller.scheduled_delay_ms is None


def test_never_two_syncs_at_once(qtbot, runtime):
    agent = FakeAgent(runtime)
    agent.gate = threading.Event()
    window = open_window(qtbot, runtime, FakeLink(agent))
    assert window.sync_status.sync_now()
    assert text(window, "Sync state") == "Syncing…"
    assert not window.sync_status.sync_now()
    assert window.statusBar().currentMessage() == "A sync is already running."
    agent.gate.set()
    qtbot.waitUntil(lambda: not window.sync_status.running, timeout=5000)
    assert agent.calls == 1


def conflict_on_user(runtime, username: str) -> int:
    """The central service kept its own change of this user; ours (a new full name) came back in conflict."""
    with runtime.app.sessions() as session, session.begin():
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        mine = row_to_dict(user) | {"full_name": "Mine Name"}
        entry = OutboxEntry(entity="users", entity_id=user.id, operation="update", payload=mine, base_version=1,
                            created_at=NOW, state="Conflict", last_error="Changed elsewhere first")
        session.add(entry)
        session.flush()
        return entry.seq


def test_problems_count_opens_the_dialog_to_discard_a_conflict_and_retry_a_rejection(qtbot, runtime):
    agent = FakeAgent(runtime)
    window = open_window(qtbot, runtime, FakeLink(agent), username="admin")
    conflict = conflict_on_user(runtime, "callcenter")
    (rejected,) = queue(runtime, 1, state="Rejected", last_error="Refers to consumers c1, which the server does not have")
    window.sync_status.refresh()
    click(qtbot, find(window, "2 sync problems", QPushButton))
    dialog = window.findChild(SyncProblemsDialog)
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=2000)
    table = find(dialog, "Refused operations", QTableView)
    assert table.model().rowCount() == 2
    table.selectRow(0)
    details = find(dialog, "Problem details", QLabel).text()
    assert "Mine Name" in details and "Callcenter" in details and "Your change" in details
    click(qtbot, find(dialog, "Discard my change", QPushButton))
    qtbot.waitUntil(lambda: table.model().rowCount() == 1, timeout=5000)
    assert not find(dialog, "Discard my change", QPushButton).isEnabled()  # a payment: never discarded
    click(qtbot, find(dialog, "Retry", QPushButton))
    qtbot.waitUntil(lambda: table.model().rowCount() == 0 and agent.calls == 1, timeout=5000)
    qtbot.waitUntil(lambda: not window.sync_status.running, timeout=5000)
    with runtime.app.sessions() as session:
        states = dict(session.execute(select(OutboxEntry.seq, OutboxEntry.state)).all())
        actions = session.execute(select(AuditEntry.action).where(AuditEntry.action.like("sync.%"))).scalars().all()
    assert states[conflict] == "Discarded" and states[rejected] == "Retried"
    assert states[max(states)] == "Applied"  # queued again as a new operation, then sent
    assert actions == ["sync.discard", "sync.retry"]
    assert not window.sync_status.problems_button.isVisible()
