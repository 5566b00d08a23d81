"""A billing manager sets a payment alert from the Payments page by keyboard; a threshold out of
range is refused naming the field; a breach shows on the page and in the inbox, and the setup is
tracked as alert_setup with its properties."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.models.inquiries import PaymentAlert
from app.models.system import UsageEvent
from app.views.payments.alerts_dialog import PaymentAlertsDialog
from tests.gui.helpers import find
from tests.gui.payments_helpers import drain, open_payments, pay
from tests.payment_fixtures import actor

ALT = Qt.KeyboardModifier.AltModifier


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, f"nothing has the focus (active window {QApplication.activeWindow()})"
    qtbot.keyClick(target, key, modifier)


def _open_alerts(qtbot, page) -> PaymentAlertsDialog:
    button = find(page, "Payment alerts")
    button.setFocus()
    _press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.findChild(PaymentAlertsDialog) is not None)
    dialog = page.findChild(PaymentAlertsDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_a_manager_sets_changes_and_deletes_an_alert_by_keyboard(qtbot, runtime, services, sample,
                                                                 cashier):
    pay(services, cashier, sample)  # April: 145.50 paid of 225.50 due, 64.5%
    manager = actor(runtime, "manager")
    _window, page = open_payments(qtbot, services, manager)
    dialog = _open_alerts(qtbot, page)
    assert QApplication.focusWidget() is dialog.alert_type  # Collection rate below
    _press(qtbot, Qt.Key.Key_T, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), "101")
    _press(qtbot, Qt.Key.Key_Return)
    drain()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text() == "Threshold: a percentage is between 0 and 100"
    dialog.threshold.selectAll()
    qtbot.keyClicks(dialog.threshold, "85")
    _press(qtbot, Qt.Key.Key_M, ALT)  # E-mail too
    qtbot.waitUntil(dialog.email.isChecked)
    _press(qtbot, Qt.Key.Key_T, ALT)
    _press(qtbot, Qt.Key.Key_Return)
    drain()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert [dialog.table.item(0, c).text() for c in range(3)] == [
        "Collection rate below", "85%", "In-app and E-mail"]
    # saved: the KPIs are checked at once, and 64.5% is below 85%
    qtbot.waitUntil(lambda: "Collection rate below 85%" in page.landing.notice.text())
    assert [n.kind for n in services.inbox.unread(manager)] == ["payment_alert"]

    dialog.table.setFocus()
    dialog.table.setCurrentCell(0, 0)
    _press(qtbot, Qt.Key.Key_Return)  # Enter on the row edits it, as a double-click does
    assert QApplication.focusWidget() is dialog.threshold and dialog.delete_button.isEnabled()
    qtbot.keyClicks(dialog.threshold, "60")
    _press(qtbot, Qt.Key.Key_Return)
    drain()
    qtbot.waitUntil(lambda: dialog.table.item(0, 1) is not None and dialog.table.item(0, 1).text() == "60%")
    with runtime.app.sessions() as session:
        (row,) = session.execute(select(PaymentAlert)).scalars().all()
        events = session.execute(select(UsageEvent.properties).where(
            UsageEvent.event == "alert_setup")).scalars().all()
    assert (row.owner, str(row.threshold), row.notify_email, row.version) == ("manager", "60.00", True, 2)
    assert events[0] == {"alert_type": "collection_rate", "threshold_value": "85.00",
                         "notification_method": "In-app and E-mail"}
    assert len(events) == 2

    dialog.table.setCurrentCell(0, 0)
    dialog.edit_row(0)
    dialog.delete_button.setFocus()
    _press(qtbot, Qt.Key.Key_Space)
    drain()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert services.alerts.mine(manager) == []


def test_a_cashier_has_no_alerts_button(qtbot, services, sample, cashier):
    _window, page = open_payments(qtbot, services, cashier)
    assert not find(page, "Payment alerts").isVisible()
