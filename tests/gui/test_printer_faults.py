"""The counter printer at fault, from the cashier's side: a paper-out cash sale recorded by
keyboard still kicks the drawer, the failure stays on the form the cashier is on until
acknowledged, the status bar says how the printer is, and the receipt prints by itself exactly
once when the paper is back. A drawer kick that cannot be delivered is opened for that sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from app.models.system import AuditEntry
from app.printing.escpos.decode import decode
from app.services.payments.posting import PaymentFilter
from app.views.payments.printer_banner import PrinterBanner
from app.views.payments.record_payment import FORM
from tests.gui.helpers import find
from tests.gui.payments_helpers import Keys, oldest_bill_only, open_payments
from tests.loopback_printer import OK_STATUS, PAPER_OUT, LoopbackPrinter
from tests.payment_fixtures import actor

CTRL, RETURN = Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Return


def use_printer(runtime, services, device: LoopbackPrinter) -> None:
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": device.url})


def cash_sale_by_keyboard(qtbot, page, keys: Keys) -> None:
    keys.press(Qt.Key.Key_F2)
    form = page.flow.form
    qtbot.waitUntil(lambda: form.picker.search.hasFocus(), timeout=2000)
    keys.type("WU-10001")
    keys.press(RETURN)
    oldest_bill_only(qtbot, form)
    keys.press(RETURN, CTRL)  # Review & Confirm
    keys.press(RETURN)  # Confirm


def banner_on_form(page) -> PrinterBanner:
    return find(page.recording, "Printer problem", PrinterBanner)


def receipts_printed(device: LoopbackPrinter) -> list[str]:
    return [decode(job).text for job in device.jobs if "PAYMENT RECEIPT" in decode(job).text]


def test_paper_out_cash_sale_kicks_the_drawer_shows_the_banner_and_prints_once_when_fixed(
        qtbot, runtime, services, cashier, sample):
    device = LoopbackPrinter(status=PAPER_OUT)
    try:
        use_printer(runtime, services, device)
        window, page = open_payments(qtbot, services, cashier)
        keys = Keys(qtbot)
        cash_sale_by_keyboard(qtbot, page, keys)
        status = find(page.flow.posted, "Receipt status", QLabel)
        qtbot.waitUntil(lambda: "was not printed" in status.text(), timeout=5000)
        assert "paper out" in status.text()
        assert device.wait_for_pulses(1) == 1  # the drawer opened for the cash sale
        assert find(page.flow.posted, "Cash drawer", QLabel).text() == "Opened"
        assert device.jobs == []  # nothing was sent to a printer out of paper

        keys.press(Qt.Key.Key_F2)  # the next customer: the failure follows the cashier
        qtbot.waitUntil(lambda: page.flow.currentIndex() == FORM, timeout=2000)
        banner = banner_on_form(page)
        assert banner.isVisible() and "paper out" in banner.text.text()
        monitor = window.printer_monitor
        qtbot.waitUntil(lambda: monitor.label.text() == "Printer: paper out · 1 receipt waiting",
                        timeout=5000)
        assert monitor.label in window.statusBar().findChildren(QLabel)

        device.status = OK_STATUS  # paper loaded
        monitor.poll()
        qtbot.waitUntil(lambda: len(receipts_printed(device)) == 1, timeout=5000)
        [receipt] = receipts_printed(device)
        [row] = services.payments.list_payments(cashier, PaymentFilter())
        assert row.receipt_no in receipt and "DUPLICATE" not in receipt
        qtbot.waitUntil(lambda: monitor.label.text() == "Printer: ready", timeout=5000)
        monitor.poll()  # asking again prints nothing more
        qtbot.wait(300)
        assert len(receipts_printed(device)) == 1 and device.faulted_jobs == 0
        assert services.receipts.pending_reprints(cashier) == []

        assert banner.isVisible()  # stays until the cashier acknowledges it
        keys.press(Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Acknowledge
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=2000)
    finally:
        device.close()


def test_a_drawer_kick_that_cannot_be_delivered_may_be_opened_for_that_sale(
        qtbot, runtime, services, cashier, sample):
    device = LoopbackPrinter(status=None)  # hung: accepts connections, never answers
    try:
        use_printer(runtime, services, device)
        window, page = open_payments(qtbot, services, cashier)
        window.printer_monitor.stop()
        keys = Keys(qtbot)
        cash_sale_by_keyboard(qtbot, page, keys)
        qtbot.waitUntil(lambda: find(page.flow.posted, "Cash drawer", QLabel).text()
                        == "Did not open", timeout=8000)
        keys.press(Qt.Key.Key_F2)
        banner = banner_on_form(page)
        qtbot.waitUntil(banner.isVisible, timeout=2000)
        assert "did not confirm the drawer kick" in banner.text.text()
        open_drawer = find(banner, "Open drawer", QPushButton)
        assert open_drawer.isVisible()

        device.status = OK_STATUS  # the cashier power-cycled the printer
        keys.press(Qt.Key.Key_D, CTRL)
        qtbot.waitUntil(lambda: device.pulses == 1, timeout=5000)
        qtbot.waitUntil(lambda: not open_drawer.isVisible(), timeout=3000)
        [row] = services.payments.list_payments(cashier, PaymentFilter())
        with runtime.app.sessions() as session:
            entries = session.execute(select(AuditEntry.action, AuditEntry.user_name,
                                             AuditEntry.entity_id)
                                      .where(AuditEntry.action.like("drawer_%"))
                                      .order_by(AuditEntry.seq)).all()
        assert [(a, u) for a, u, _ in entries] == [("drawer_kick_failed", "cashier"),
                                                  ("drawer_opened_for_sale", "cashier")]
        assert {e for _, _, e in entries} == {row.payment_id}
    finally:
        device.close()
