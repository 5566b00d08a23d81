"""A disconnection and then a reconnection driven through the screens by accessible name, as a
counter executive would, checking what the screens show and what was stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from sqlalchemy import select

from app.domain.core.permissions import Module
from app.models.billing import ServiceCharge
from app.models.consumers import Consumer, Meter
from app.models.notices import Notice
from app.models.requests import Notification, ServiceRequest
from app.views.main_window import MainWindow
from app.views.payments.display import to_qdate
from tests.gui.helpers import click, find, type_into
from tests.gui.payments_helpers import TODAY
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world

WAIT_MS = 15_000  # generous: the machine may be busy; a pass is usually well under a second


@pytest.fixture
def world(runtime, services):
    return build_requests_world(runtime, services)


def open_disconnections(qtbot, services, who):
    window = MainWindow(services, who, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Sunrise Utilities")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_module(Module.DISCONNECTIONS)
    qtbot.waitUntil(lambda: page.landing.kpis is not None, timeout=WAIT_MS)
    return window, page


def label(root, name) -> str:
    return find(root, name, QLabel).text()


def raise_request(qtbot, page, account_no, reason_code, slot="10:00-12:00", notes=""):
    click(qtbot, find(page, "New Request", QPushButton))
    flow = page.create_flow
    type_into(qtbot, find(flow, "Find consumer", QLineEdit), account_no)
    qtbot.keyClick(find(flow, "Find consumer", QLineEdit), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.account is not None and flow.account.account_no == account_no, timeout=WAIT_MS)
    verify = find(flow, "Verify customer", QPushButton)
    qtbot.waitUntil(verify.isEnabled, timeout=WAIT_MS)
    click(qtbot, verify)
    qtbot.waitUntil(lambda: flow.verified, timeout=WAIT_MS)
    reason = find(flow, "Reason", QComboBox)
    reason.setCurrentIndex(reason.findData(reason_code))
    find(flow, "Preferred date", QDateEdit).setDate(to_qdate(TODAY + timedelta(days=2)))
    find(flow, "Time slot", QComboBox).setCurrentText(slot)
    if notes:
        type_into(qtbot, find(flow, "Additional notes", QPlainTextEdit), notes)
    return flow


def submit(qtbot, flow):
    click(qtbot, find(flow, "Submit Request", QPushButton))
    qtbot.waitUntil(lambda: flow.receipt.isVisible(), timeout=WAIT_MS)
    return flow.receipt.created


def test_a_past_date_cannot_be_picked_and_notes_stop_at_250(qtbot, runtime, services, world):
    _, page = open_disconnections(qtbot, services, actor(runtime, "cashier"))
    flow = raise_request(qtbot, page, "ACC-2024-001789", "CR-001")
    date_edit = find(flow, "Preferred date", QDateEdit)
    date_edit.setDate(to_qdate(TODAY - timedelta(days=3)))
    assert date_edit.date() == to_qdate(TODAY)  # AC004: the picker offers no past day
    notes = find(flow, "Additional notes", QPlainTextEdit)
    notes.setPlainText("x" * 260)
    assert len(notes.toPlainText()) == 250 and label(flow, "Additional notes count") == "250/250"
    slots = find(flow, "Time slot", QComboBox)
    assert [slots.itemText(i) for i in range(slots.count())] == [
        "08:00-10:00", "10:00-12:00", "12:00-14:00", "14:00-16:00", "16:00-18:00"]  # AC005
    notes.setPlainText("<b>loud</b>")
    click(qtbot, find(flow, "Submit Request", QPushButton))
    error = find(flow, "Additional notes error", QLabel)
    qtbot.waitUntil(error.isVisible, timeout=WAIT_MS)
    assert error.text() == "Additional notes: must be text only (remove the markup tag)"
    click(qtbot, find(flow, "Cancel", QPushButton))
    qtbot.waitUntil(lambda: services.requests.lock_status(actor(runtime, "cashier"), world.smith).holder
                    is None, timeout=WAIT_MS)


def test_a_full_disconnection_then_a_reconnection_through_the_screens(qtbot, runtime, services, world, tmp_path):
    cashier = actor(runtime, "cashier")
    window, page = open_disconnections(qtbot, services, cashier)
    flow = raise_request(qtbot, page, "ACC-2024-001789", "CR-001", notes="Morning please")
    assert label(flow, "Request type") == "Disconnection Request"
    assert label(flow, "Customer name") == "John Michael Smith"
    assert label(flow, "Customer type") == "Residential / Standard"
    assert find(flow, "Send customer notification (email)", QCheckBox).isChecked()
    created = submit(qtbot, flow)
    assert created.request_no == "DIS-2025-000001"
    assert "An e-mail was queued to john.smith@email.com" in label(flow, "Request submitted")
    flow.receipt.save_to(tmp_path / "receipt.pdf")
    qtbot.waitUntil(lambda: (tmp_path / "receipt.pdf").exists(), timeout=WAIT_MS)
    with runtime.app.sessions() as session:
        stored = session.execute(select(ServiceRequest)).scalar_one()
        assert (stored.reason_code, stored.time_slot, stored.notes, stored.status) == (
            "CR-001", "10:00-12:00", "Morning please", "Pending")
        assert session.execute(select(Notification.recipient)).scalar_one() == "john.smith@email.com"

    click(qtbot, find(flow, "View request", QPushButton))
    detail = page.detail
    qtbot.waitUntil(lambda: label(detail, "Request ID") == "DIS-2025-000001", timeout=WAIT_MS)
    assert not find(detail, "VIP badge", QLabel).isVisible()
    assert label(detail, "SLA status") == "On Track"
    for button, status in (("Acknowledge", "In progress"), ("Put on Hold", "On hold"), ("Resume", "In progress")):
        click(qtbot, find(detail.header, button, QPushButton))
        qtbot.waitUntil(lambda s=status: label(detail, "Status") == s, timeout=WAIT_MS)
    assert find(detail.header, "Put on Hold", QPushButton).text() == "Put on Hold"

    detail._show_tab(detail.settlement)
    assert label(detail.settlement, "Total outstanding") == "$456.78"
    assert label(detail.settlement, "Net amount") == "$256.78"
    assert label(detail.settlement, "Settlement status") == "Amount payable by consumer"
    find(detail.settlement, "Use in bill", QCheckBox).setChecked(False)
    assert label(detail.settlement, "Net amount") == "$456.78"

    click(qtbot, find(detail.header, "Create service order", QPushButton))
    orders = detail.orders
    qtbot.waitUntil(lambda: find(orders, "Service order type", QComboBox).count() > 0, timeout=WAIT_MS)
    template = find(orders, "Service order type", QComboBox)
    template.setCurrentIndex(template.findData("Residential Disconnection"))
    type_into(qtbot, find(orders, "Assigned to", QLineEdit), "Mike Thompson")
    click(qtbot, find(orders, "Add service order", QPushButton))
    table = orders.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    assert table.item(0, 0).text() == "SO-2025-000001"

    detail._show_tab(detail.execute)
    tab = detail.execute
    execute = find(tab, "Execute Disconnection", QPushButton)
    so_id = find(tab, "SO ID", QLineEdit)
    type_into(qtbot, so_id, "SO-2025-999999")
    qtbot.keyClick(so_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: find(tab, "SO ID error", QLabel).isVisible(), timeout=WAIT_MS)
    assert label(tab, "SO ID error") == "SO ID: Service order not found or not applicable"
    so_id.clear()
    type_into(qtbot, so_id, "SO-2025-000001")
    qtbot.keyClick(so_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: label(tab, "Assigned to") == "Mike Thompson", timeout=WAIT_MS)
    for utility, device, meter in (("Electricity", "DEV-9001", "EM-1001"), ("Water", "DEV-9002", "WM-2001")):
        edit = find(tab, f"{utility} device number", QLineEdit)
        type_into(qtbot, edit, device)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda u=utility, m=meter: label(tab, f"{u} meter number") == m, timeout=WAIT_MS)
    assert not execute.isEnabled()
    items = services.settings.current().closure_checklist
    for item in items:
        assert not execute.isEnabled()
        find(tab, item, QCheckBox).setChecked(True)
    assert label(tab, "Checklist completion") == "Completion: 6/6 items"
    assert execute.isEnabled()  # AC017
    click(qtbot, execute)
    qtbot.waitUntil(lambda: label(detail, "Status") == "Completed", timeout=WAIT_MS)
    with runtime.app.sessions() as session:
        assert session.get(Consumer, world.smith).status == "Inactive"
        statuses = session.execute(select(Meter.status).where(Meter.meter_no.in_(["EM-1001", "WM-2001"])))
        assert set(statuses.scalars()) == {"Uninstalled"}
    window.grab().save(str(tmp_path / "disconnection-detail.png"))
    detail._show_tab(orders)
    qtbot.waitUntil(lambda: table.item(0, 2).text() == "Completed", timeout=WAIT_MS)
    table.setCurrentCell(0, 0)
    assert find(orders, "Download report", QPushButton).isEnabled()
    orders.save_report_to(tmp_path / "so.pdf")
    qtbot.waitUntil(lambda: (tmp_path / "so.pdf").exists(), timeout=WAIT_MS)

    click(qtbot, find(detail, "Back to requests", QPushButton))
    flow = raise_request(qtbot, page, "ACC-2024-001789", "RC-001")
    assert label(flow, "Request type") == "Reconnection Request"
    created = submit(qtbot, flow)
    assert created.request_no == "REC-2025-000001"
    click(qtbot, find(flow, "View request", QPushButton))
    qtbot.waitUntil(lambda: label(detail, "Request ID") == "REC-2025-000001", timeout=WAIT_MS)
    click(qtbot, find(detail.header, "Acknowledge", QPushButton))
    qtbot.waitUntil(lambda: label(detail, "Status") == "In progress", timeout=WAIT_MS)
    detail._show_tab(orders)
    qtbot.waitUntil(lambda: template.findData("Residential Reconnection") >= 0, timeout=WAIT_MS)
    template.setCurrentIndex(template.findData("Residential Reconnection"))
    click(qtbot, find(orders, "Add service order", QPushButton))
    qtbot.waitUntil(lambda: table.rowCount() == 1 and table.item(0, 0).text() == "SO-2025-000002", timeout=WAIT_MS)
    detail._show_tab(detail.execute)
    qtbot.waitUntil(lambda: tab.detail.request_type == "Reconnection", timeout=WAIT_MS)
    type_into(qtbot, find(tab, "SO ID", QLineEdit), "SO-2025-000002")
    qtbot.keyClick(find(tab, "SO ID", QLineEdit), Qt.Key.Key_Return)
    type_into(qtbot, find(tab, "Electricity meter number", QLineEdit), "EM-1001")
    type_into(qtbot, find(tab, "Water meter number", QLineEdit), "WM-2001")
    assert label(tab, "Reconnection fee") == "$75.00"
    execute = find(tab, "Execute Reconnection", QPushButton)
    qtbot.waitUntil(execute.isEnabled, timeout=WAIT_MS)
    click(qtbot, execute)
    qtbot.waitUntil(lambda: label(detail, "Status") == "Completed", timeout=WAIT_MS)
    with runtime.app.sessions() as session:
        assert session.get(Consumer, world.smith).status == "Active"
        assert session.execute(select(ServiceCharge.amount)).scalar_one() == 75
        assert set(session.execute(select(Meter.status).where(
            Meter.meter_no.in_(["EM-1001", "WM-2001"]))).scalars()) == {"Installed"}
    assert QApplication.instance() is not None


def test_an_open_page_escalates_a_breach_to_supervisors_by_itself(qtbot, runtime, services, world):
    from app.services.requests import RequestDraft

    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, world.smith)
    services.requests.create_request(cashier, RequestDraft(world.smith, "CR-001", TODAY, "10:00-12:00"))
    runtime.app.clock.advance(timedelta(hours=3))  # nobody acknowledged it within 2 hours
    _, page = open_disconnections(qtbot, services, actor(runtime, "supervisor"))

    def escalated():  # the e-mail's state, then the in-app notice's
        with runtime.app.sessions() as session:
            mails = session.execute(select(Notification.status).where(Notification.kind == "sla_breach")).scalars()
            notices = session.execute(select(Notice.read_at).where(Notice.kind == "sla_breach")).scalars()
            return [*mails, *("Unread" if at is None else "Read" for at in notices)]

    qtbot.waitUntil(lambda: escalated() == ["Queued", "Unread"], timeout=WAIT_MS)
    inbox = find(page, "Escalations list")
    qtbot.waitUntil(lambda: inbox.rowCount() == 1, timeout=WAIT_MS)  # the supervisor's in-app inbox
    assert inbox.item(0, 1).text().startswith("SLA breached: DIS-2025-000001")
    inbox.setCurrentCell(0, 0)
    click(qtbot, find(page, "Mark as read", QPushButton))
    qtbot.waitUntil(lambda: inbox.rowCount() == 0, timeout=WAIT_MS)
    assert escalated() == ["Queued", "Read"]


def test_the_recovery_executive_raises_a_suggested_disconnection(qtbot, runtime, services, world):
    services.settings.update(actor(runtime, "admin"), {"disconnections.suggest_after_days": 30})
    _, page = open_disconnections(qtbot, services, actor(runtime, "recovery"))
    table = find(page, "Suggested disconnections list")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT_MS)
    assert table.item(0, 4).text() == "Bill unpaid 36 days past due"
    table.setCurrentCell(0, 0)
    click(qtbot, find(page, "Raise request", QPushButton))
    flow = page.create_flow
    qtbot.waitUntil(lambda: flow.account is not None and flow.account.account_no == "ACC-2024-001789",
                    timeout=WAIT_MS)
    assert page.currentWidget() is flow


def test_raising_a_request_from_the_keyboard_alone(qtbot, runtime, services, world):
    from tests.gui.payments_helpers import Keys

    window, page = open_disconnections(qtbot, services, actor(runtime, "cashier"))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    keys = Keys(qtbot)
    page.landing.focus_search()
    keys.press(Qt.Key.Key_F2)
    flow = page.create_flow
    qtbot.waitUntil(lambda: QApplication.focusWidget() is flow.picker.search, timeout=WAIT_MS)
    keys.type("ACC-2024-001789")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.account is not None and flow.verify_button.isEnabled(), timeout=WAIT_MS)
    while QApplication.focusWidget() is not flow.verify_button:
        keys.press(Qt.Key.Key_Tab)
        assert keys.count < 20, "Tab never reaches Verify customer"
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is flow.reason, timeout=WAIT_MS)
    keys.press(Qt.Key.Key_Down)  # the second reason
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is flow.date
    keys.press(Qt.Key.Key_Tab)  # one Tab leaves the date (the arrows move between its parts)
    assert QApplication.focusWidget() is flow.slot
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is flow.notes
    keys.type("Call first")
    while QApplication.focusWidget() is not flow.submit:
        keys.press(Qt.Key.Key_Tab)
        assert keys.count < 40, "Tab never reaches Submit Request"
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: flow.receipt.isVisible(), timeout=WAIT_MS)
    with runtime.app.sessions() as session:
        stored = session.execute(select(ServiceRequest)).scalar_one()
    assert (stored.reason_code, stored.notes) == ("CR-001", "Call first")
