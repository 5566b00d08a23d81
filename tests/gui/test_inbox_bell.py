"""The status bar's bell: a notice raised lights it, the inbox opens and is read by keyboard,
and what the person did is what was stored."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView, QToolButton

from app.models.notices import Notice
from app.services.core.changes import REQUESTS, Changes
from app.services.core.inbox import Recipient, notice_id, notify
from app.services.core.work import unit_of_work
from app.services.registry import Services
from app.views.main_window import MainWindow
from tests.gui.helpers import find
from tests.payment_fixtures import actor

WAIT_MS = 5000


def open_window(qtbot, runtime, username: str) -> MainWindow:
    window = MainWindow(Services(runtime.app), actor(runtime, username), centre="Central Service Centre",
                        counter="Counter 1", utility_name="Sunrise Utilities")
    qtbot.addWidget(window)
    window.show()
    return window


def the_bell(window: MainWindow) -> QToolButton:
    [bell] = [b for b in window.statusBar().findChildren(QToolButton)
              if b.accessibleName().startswith("Notifications: ")]
    return bell


def raise_notice(runtime, key: str, link: str = "") -> str:
    with unit_of_work(runtime.app, actor(runtime, "cashier")) as work:
        notify(work, [Recipient("supervisor", "karen@utility.example")], f"SLA breached: {key}",
               "It is late.", "sla_breach", link, key=key)
    return notice_id(key, "supervisor")


def stored_read_at(runtime, nid: str):
    with runtime.app.sessions() as session:
        return session.get(Notice, nid).read_at


def in_modal(qtbot, steps) -> None:
    """Runs `steps(dialog)` once the modal inbox is up (exec() blocks the test until it closes)."""
    failures = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        try:
            steps(dialog)
        except Exception as error:  # reported after exec() returns
            failures.append(error)
            dialog.reject()

    QTimer.singleShot(0, run)
    return failures


def test_a_notice_lights_the_bell_and_is_read_by_keyboard(qtbot, runtime):
    window = open_window(qtbot, runtime, "supervisor")
    bell = the_bell(window)
    qtbot.waitUntil(lambda: bell.text().endswith("Notifications: 0"), timeout=WAIT_MS)
    nid = raise_notice(runtime, "DIS-1")
    window.changed.emit(Changes.of(REQUESTS))  # data changed: the bell counts again
    qtbot.waitUntil(lambda: bell.text().endswith("Notifications: 1"), timeout=WAIT_MS)
    assert bell.accessibleName() == "Notifications: 1 unread"

    def read_it(dialog) -> None:
        table = find(dialog, "Notifications list", QTableView)
        qtbot.waitUntil(lambda: table.hasFocus(), timeout=WAIT_MS)
        assert table.model().index(0, 2).data() == "SLA breached: DIS-1"
        assert table.model().index(0, 3).data() == "Unread"
        assert table.model().index(0, 1).data() == "SLA breach"
        assert table.model().index(0, 0).data().startswith("20/04/2025 4:00")  # 10:30 UTC in Kolkata, dd/MM/yyyy
        qtbot.keyClick(table, Qt.Key.Key_Tab)  # to Mark read
        assert dialog.focusWidget().accessibleName() == "Mark read"
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: stored_read_at(runtime, nid) is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: table.model().index(0, 3).data() == "Read", timeout=WAIT_MS)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)

    failures = in_modal(qtbot, read_it)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert failures == []
    qtbot.waitUntil(lambda: bell.text().endswith("Notifications: 0"), timeout=WAIT_MS)
    assert stored_read_at(runtime, nid) == runtime.app.clock.now()


def test_enter_opens_the_linked_request_and_marks_it_read(qtbot, runtime):
    window = open_window(qtbot, runtime, "supervisor")
    bell = the_bell(window)
    nid = raise_notice(runtime, "DIS-2", link="tariff:some-tariff")
    bell.refresh()
    qtbot.waitUntil(lambda: bell.text().endswith("Notifications: 1"), timeout=WAIT_MS)
    opened = []
    bell.link_opened.connect(opened.append)

    def enter(dialog) -> None:
        table = find(dialog, "Notifications list", QTableView)
        qtbot.waitUntil(lambda: table.hasFocus(), timeout=WAIT_MS)
        qtbot.keyClick(table, Qt.Key.Key_Return)

    failures = in_modal(qtbot, enter)
    bell.click()
    qtbot.waitUntil(lambda: opened == ["tariff:some-tariff"], timeout=WAIT_MS)
    assert failures == [] and stored_read_at(runtime, nid) is not None
    qtbot.waitUntil(lambda: bell.text().endswith("Notifications: 0"), timeout=WAIT_MS)
