"""The Billing module driven as a person would: by accessible name, from the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget, QWidget

from app.views.billing.billing_page import BillingModulePage
from app.views.billing.run_dialog import RunDialog
from tests.billing_fixtures import CYCLE, build_world
from tests.gui.helpers import find, type_into
from tests.tariff_fixtures import actor


@pytest.fixture
def page(qtbot, runtime, services):
    world = build_world(runtime, services)
    for n in range(6):
        reads = [(date(2025, 3, 16), "100"), (date(2025, 4, 16), str(180 + 25 * n))]
        world.consumer(f"Consumer {n}", meters={"electricity": reads if n != 4 else []})
    widget = BillingModulePage(services, actor(runtime, "specialist"))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    table = find(widget, "Billing cycles", QTableWidget)
    qtbot.waitUntil(lambda: table.rowCount() == 1)
    return widget


def open_dialog(page) -> RunDialog:
    return page.cycles.dialog


def test_a_cycle_is_billed_from_the_keyboard_with_progress_and_a_summary(qtbot, page, tmp_path):
    table = find(page, "Billing cycles", QTableWidget)
    assert table.item(0, 0).text() == CYCLE
    assert find(page, "Success rate", QLabel).text() == "shown once the cycle is 80% billed"
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Ctrl+R: Run billing
    qtbot.waitUntil(lambda: open_dialog(page) is not None)
    dialog = open_dialog(page)
    summary = find(dialog, "Run summary", QLabel)
    qtbot.waitUntil(summary.isVisible, timeout=15000)
    assert "5 bill(s) generated" in summary.text() and "1 account(s) sent to the exceptions" in summary.text()
    assert "6 of 6 accounts" in find(dialog, "Run counts", QLabel).text()
    assert "bills/s" in find(dialog, "Run speed", QLabel).text()
    close = find(dialog, "Close", QPushButton)
    assert close.isEnabled() and close.hasFocus()
    dialog.grab().save(str(tmp_path / "run_dialog.png"))
    qtbot.keyClick(close, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(0, 4).text() == "5 / 6")
    assert find(page, "Success rate", QLabel).text() == "83.33%"
    page.grab().save(str(tmp_path / "billing_cycles.png"))

    page.setCurrentIndex(1)
    exceptions = find(page, "Exceptions", QTableWidget)
    qtbot.waitUntil(lambda: exceptions.rowCount() == 1)
    assert exceptions.item(0, 1).text() == "Missing Meter Readings"
    assert "Recommended steps" in find(page, "Recommended steps", QLabel).text()
    note = find(page, "Note", QLineEdit)
    type_into(qtbot, note, "Special read booked")
    page.grab().save(str(tmp_path / "exceptions.png"))
    resolve = find(page, "Resolve", QPushButton)
    resolve.setFocus()
    qtbot.keyClick(resolve, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: exceptions.rowCount() == 0)
    assert note.text() == ""
    severity = find(page, "Severity", QComboBox)
    severity.setCurrentText("Critical")

    page.setCurrentIndex(2)
    invoice = find(page, "Invoice number", QLineEdit)
    type_into(qtbot, invoice, "INV-414013")
    qtbot.keyClick(invoice, Qt.Key.Key_Return)
    lines = find(page, "Bill lines", QTableWidget)
    qtbot.waitUntil(lambda: lines.rowCount() > 0)
    assert [lines.item(r, 5).text() for r in range(lines.rowCount())] == ["4000", "4100", "2200"]
    assert "Amount due" in find(page, "Bill totals", QLabel).text()
    page.grab().save(str(tmp_path / "bill_detail.png"))


def test_a_single_account_is_billed_from_the_account_field(qtbot, page):
    field = find(page, "Account number", QLineEdit)
    type_into(qtbot, field, "C0002-A")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: open_dialog(page) is not None)
    summary = find(open_dialog(page), "Run summary", QLabel)
    qtbot.waitUntil(summary.isVisible, timeout=15000)
    assert "1 bill(s) generated" in summary.text()


def test_every_control_is_named_after_its_label(page):
    for button in page.findChildren(QPushButton):
        assert button.accessibleName() == button.text().replace("&", "")
    for widget in page.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QComboBox | QTableWidget):
            assert widget.accessibleName(), widget


class _CentralAgent:
    """The central service as the run dialog sees it: a run that bills 6 accounts in two polls."""

    def __init__(self) -> None:
        self.requests, self.closed = [], False
        self.polls = iter([self._view("Running", 3), self._view("Completed", 6)])

    @staticmethod
    def _view(state: str, done: int):
        from sync.run_protocol import BillRunView

        return BillRunView(run_id="run-1", label=CYCLE, state=state, accounts_total=6, billed=done - 1,
                           skipped=0, failed=1, seconds=2.0, bills_per_second=(done - 1) / 2,
                           chunks_total=2, chunks_done=done // 3)

    def start_bill_run(self, request):
        self.requests.append(request)
        return self._view("Running", 0)

    def bill_run(self, run_id: str):
        return next(self.polls)

    def close(self) -> None:
        self.closed = True


class _CentralLink:
    configured = True

    def __init__(self) -> None:
        self.central_agent = _CentralAgent()

    def agent(self, progress=None):
        return self.central_agent


def test_connected_to_a_central_service_a_cycle_runs_there_with_the_same_progress(qtbot, page, services):
    from app.models.billing import Bill

    link = _CentralLink()
    page.use_sync_link(link)
    table = find(page, "Billing cycles", QTableWidget)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: open_dialog(page) is not None)
    dialog = open_dialog(page)
    summary = find(dialog, "Run summary", QLabel)
    qtbot.waitUntil(summary.isVisible, timeout=15000)
    assert "(central service)" in dialog.windowTitle()
    assert "finished on the central service" in summary.text() and "5 bill(s) generated" in summary.text()
    assert "6 of 6 accounts" in find(dialog, "Run counts", QLabel).text()
    assert [r.cycle for r in link.central_agent.requests] == [CYCLE] and link.central_agent.closed
    with services.app.sessions() as session:  # billed there, not here: the bills come by sync
        assert session.query(Bill).count() == 0
