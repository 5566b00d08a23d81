"""Recording a payment at the counter from the keyboard: the keystroke budget, messages beside
the fields, change or keep on account, and the receipt on a loopback network printer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.printing.escpos.decode import decode
from app.services.payments.posting import PaymentFilter
from app.views.payments.record_payment import FORM, POSTED, REVIEW
from tests.gui.helpers import click, find
from tests.gui.payments_helpers import Keys, oldest_bill_only, open_payments
from tests.loopback_printer import LoopbackPrinter, refused_url
from tests.payment_fixtures import actor

CTRL, RETURN = Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Return


@pytest.fixture
def printer(runtime, services):
    device = LoopbackPrinter()
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": device.url})
    yield device
    device.close()


def stored(services, cashier):
    return services.payments.list_payments(cashier, PaymentFilter())


def find_john(qtbot, page, keys: Keys):
    """F2, the account number, Enter: the form shows John Doe and his current bill."""
    keys.press(Qt.Key.Key_F2)
    form = page.flow.form
    qtbot.waitUntil(lambda: form.picker.search.hasFocus(), timeout=2000)
    keys.type("WU-10001")
    keys.press(RETURN)
    oldest_bill_only(qtbot, form)
    return form


def error_text(form, field: str) -> str:
    label = find(form, f"{field} error", QLabel)
    return label.text() if label.isVisible() else ""


def test_cash_payment_of_the_current_bill_takes_four_keys_after_the_account_number(
        qtbot, services, cashier, sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    assert find(form, "Current balance", QLabel).text() == "$397.75"
    assert form.method.currentText() == "Cash" and form.channel.currentText() == "Walk-in"
    assert form.items.item(0, 0).text() == "INV-2025-001234"  # the oldest bill, preselected
    keys.press(RETURN, CTRL)  # Review & Confirm
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    assert find(page.flow.review, "Total amount", QLabel).text() == "$145.50"
    keys.press(RETURN)  # Confirm payment
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    assert keys.count == 4 and keys.count <= 8
    [row] = stored(services, cashier)
    assert (row.amount.amount, row.method, row.status) == (Decimal("145.50"), "Cash", "Posted")
    posted = page.flow.posted
    assert find(posted, "Receipt number", QLabel).text() == row.receipt_no
    qtbot.waitUntil(lambda: row.receipt_no in find(posted, "Receipt preview").toPlainText(),
                    timeout=3000)
    assert "No receipt printer is set for this counter" in find(posted, "Receipt status").text()

    keys.press(Qt.Key.Key_N, CTRL)  # Record another payment
    qtbot.waitUntil(lambda: page.flow.currentIndex() == FORM and form.picker.search.hasFocus(),
                    timeout=2000)
    assert form.picker.search.text() == "" and form.amount.text() == ""


def test_messages_beside_the_fields_name_the_field_and_the_rule(qtbot, services, cashier,
                                                               sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    form.amount.selectAll()
    keys.type("1000")
    keys.press(RETURN, CTRL)
    assert page.flow.currentIndex() == FORM
    assert error_text(form, "Amount") == ("Amount: cannot exceed the outstanding balance plus the "
                                          "overpayment threshold (897.75)")
    assert form.amount.hasFocus()

    form.amount.selectAll()
    keys.type("145.50")
    form.paid_on.setDate(QDate(2025, 4, 21))
    assert error_text(form, "Payment date") == "Payment date: cannot be in the future"
    keys.press(RETURN, CTRL)
    assert page.flow.currentIndex() == FORM

    form.paid_on.setDate(QDate(2025, 4, 20))
    form.method.setCurrentIndex(-1)
    click(qtbot, find(form, "Review & Confirm", QPushButton))
    assert error_text(form, "Payment method") == "Payment method: is required"
    assert error_text(form, "Amount") == "" and stored(services, cashier) == []


def test_cash_change_is_handed_back_or_kept_on_account(qtbot, services, cashier, sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    form.tendered.setFocus()
    form.tendered.selectAll()
    keys.type("150")
    assert form.change_due.text() == "$4.50"
    keys.press(RETURN, CTRL)
    keys.press(RETURN)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    assert find(page.flow.posted, "Change due", QLabel).text() == "$4.50"
    details = services.payments.payment_details(cashier, stored(services, cashier)[0].payment_id)
    assert (details.payment.amount.amount, details.cash.received.amount,
            details.cash.change.amount, details.credit_notes) == (
        Decimal("145.50"), Decimal("150.00"), Decimal("4.50"), ())

    keys.press(Qt.Key.Key_F2)  # the next customer keeps the extra on account
    qtbot.waitUntil(lambda: form.picker.search.hasFocus(), timeout=2000)
    keys.type("WU-10001")
    keys.press(RETURN)
    qtbot.waitUntil(lambda: form.amount.text() == "152.25", timeout=5000)
    form.tendered.setFocus()
    form.tendered.selectAll()
    keys.type("160")
    keys.press(Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Keep on account
    qtbot.waitUntil(form.keep_on_account.isChecked, timeout=2000)  # a mnemonic clicks after 100 ms
    assert find(form, "Difference", QLabel).text() == (
        "Over paid: $7.75 kept on account as a credit note")
    keys.press(RETURN, CTRL)
    keys.press(RETURN)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    kept = services.payments.payment_details(cashier, stored(services, cashier)[0].payment_id)
    assert (kept.payment.amount.amount, kept.cash.change.amount) == (Decimal("160.00"), 0)
    [note] = kept.credit_notes
    assert (note.amount.amount, note.reason) == (Decimal("7.75"), "Overpayment")
    assert note.credit_note_no in find(page.flow.posted, "Credit note", QLabel).text()


def test_receipt_prints_on_the_counter_printer_and_a_reprint_says_duplicate(
        qtbot, services, cashier, sample, printer):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    find_john(qtbot, page, keys)
    keys.press(RETURN, CTRL)
    keys.press(RETURN)
    status = lambda: find(page.flow.posted, "Receipt status", QLabel).text()  # noqa: E731
    qtbot.waitUntil(lambda: "printed on" in status(), timeout=5000)
    assert find(page.flow.posted, "Cash drawer", QLabel).text() == "Opened"
    assert printer.pulses == 1
    first = decode(printer.wait_for_jobs(1)[0])
    [row] = stored(services, cashier)
    assert row.receipt_no in first.text and "$145.50" in first.text and "DUPLICATE" not in first.text
    assert not any(c.startswith("drawer") for c in first.commands)

    click(qtbot, find(page.flow.posted, "Print receipt", QPushButton))
    qtbot.waitUntil(lambda: status().startswith("Duplicate of receipt"), timeout=5000)
    copy = decode(printer.wait_for_jobs(2)[1])
    assert "*** DUPLICATE ***" in copy.text
    assert not any(c.startswith("drawer") for c in copy.commands) and printer.pulses == 1


def test_a_refusing_printer_keeps_the_payment_and_queues_the_receipt(qtbot, runtime, services,
                                                                     cashier, sample):
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": refused_url()})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    find_john(qtbot, page, keys)
    keys.press(RETURN, CTRL)
    keys.press(RETURN)
    status = find(page.flow.posted, "Receipt status", QLabel)
    qtbot.waitUntil(lambda: "was not printed" in status.text(), timeout=5000)
    assert "refused the connection" in status.text() and "waits in the queue" in status.text()
    [row] = stored(services, cashier)
    assert row.status == "Posted"
    assert [q.receipt_no for q in services.receipts.pending_reprints(cashier)] == [row.receipt_no]

    keys.press(Qt.Key.Key_Escape)  # Return to dashboard
    reprint = find(page.landing, "Reprint queue", QPushButton)
    qtbot.waitUntil(lambda: reprint.isVisible() and reprint.text() == "Reprint queue (1)",
                    timeout=5000)
    qtbot.waitUntil(lambda: page.landing.payments.model.rowCount() == 1, timeout=3000)
