"""One payment for both of John's open bills, from the keyboard: all ticked by default, the
cashier changes one amount, the payment stores one allocation per bill and the one receipt lists
each bill with what it settled."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from app.models.payments import PaymentAllocation
from app.views.payments.record_payment import POSTED, REVIEW
from tests.gui.helpers import find
from tests.gui.payments_helpers import Keys, open_payments
from tests.gui.test_payments_counter import error_text, stored

CTRL, RETURN = Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Return


def to_second_bills_amount(qtbot, page, keys: Keys):
    """F2, John's account number, Enter; Shift+Tab twice to the open items, Down, Right to the
    second bill's Paying cell."""
    keys.press(Qt.Key.Key_F2)
    form = page.flow.form
    qtbot.waitUntil(lambda: form.picker.search.hasFocus(), timeout=2000)
    keys.type("WU-10001")
    keys.press(RETURN)
    qtbot.waitUntil(lambda: form.amount.text() == "297.75", timeout=5000)  # both bills, ticked
    table = find(form, "Open items")
    assert [table.item(r, 0).text() for r in range(2)] == ["INV-2025-001234", "INV-2025-001567"]
    assert all(table.is_ticked(r) for r in range(2))
    # A load slower than 600 ms (a busy machine) shows a progress window; the offscreen platform
    # does not give the activation back when it closes, as a window manager does.
    page.window().activateWindow()
    qtbot.waitUntil(form.amount.hasFocus, timeout=2000)
    keys.press(Qt.Key.Key_Backtab)  # Payment method
    keys.press(Qt.Key.Key_Backtab)  # Open items
    assert QApplication.focusWidget() is table
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Right)
    assert (table.currentRow(), table.currentColumn()) == (1, 1)
    return form, table


def type_cell(qtbot, keys: Keys, text: str) -> None:
    # Typing replaces the cell's amount (F2 is Record Payment's own key): the first key opens
    # the cell's editor, the rest go to it.
    keys.type(text[0])
    keys.type(text[1:])
    keys.press(RETURN)


def test_two_bills_are_paid_in_one_payment_with_one_receipt_listing_each(
        qtbot, runtime, services, cashier, sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form, table = to_second_bills_amount(qtbot, page, keys)
    type_cell(qtbot, keys, "100.00")
    qtbot.waitUntil(lambda: form.amount.text() == "245.50", timeout=2000)
    keys.press(RETURN, CTRL)  # Review & Confirm
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    assert find(page.flow.review, "Total amount", QLabel).text() == "$245.50"
    keys.press(RETURN)  # Confirm payment
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)

    [row] = stored(services, cashier)
    assert row.amount.amount == Decimal("245.50")
    with runtime.app.sessions() as session:
        allocations = {(a.bill_id, a.amount) for a in session.execute(
            select(PaymentAllocation)).scalars()}
    assert allocations == {(sample.bill_mar, Decimal("145.50")),
                           (sample.bill_apr, Decimal("100.00"))}
    posted = page.flow.posted
    qtbot.waitUntil(lambda: row.receipt_no in find(posted, "Receipt preview").toPlainText(),
                    timeout=3000)
    receipt = find(posted, "Receipt preview").toPlainText()
    assert "Items Settled" in receipt
    lines = [" ".join(line.split()) for line in receipt.splitlines()]
    assert "INV-2025-001234 $145.50" in lines and "INV-2025-001567 $100.00" in lines
    assert services.payments.payable_items(cashier, sample.john, "Bill")[0].open_amount.amount \
        == Decimal("52.25")


def test_an_item_amount_over_its_due_is_named_beside_the_open_items(
        qtbot, services, cashier, sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form, table = to_second_bills_amount(qtbot, page, keys)
    type_cell(qtbot, keys, "200.00")
    qtbot.waitUntil(lambda: error_text(form, "Open items") == (
        "Bill: INV-2025-001567: the amount 200.00 is more than its open amount 152.25"),
        timeout=2000)
    keys.press(RETURN, CTRL)
    assert page.flow.currentIndex() != REVIEW and stored(services, cashier) == []

    keys.press(Qt.Key.Key_Space)  # untick the second bill: only the first is paid
    qtbot.waitUntil(lambda: form.amount.text() == "145.50", timeout=2000)
    assert error_text(form, "Open items") == ""
