"""Record Payment's "Hand back" line: the notes and coins of a cash payment's change, chosen from
what the open cash session's drawer should hold; why exact change cannot be made; a hint when no
session is open. The line never stops the payment being recorded."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services.cash.sessions import CashSessionsService
from app.views.payments.hand_back import NO_SESSION, WARNING_COLOUR
from app.views.payments.record_payment import POSTED
from tests.gui.helpers import find
from tests.gui.payments_helpers import Keys, open_payments
from tests.gui.test_payments_counter import find_john, stored

CTRL, RETURN = Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Return


def open_session(runtime, cashier, counts: dict[str, int]) -> CashSessionsService:
    cash = CashSessionsService(runtime.app)
    cash.open_session(cashier, counts)
    return cash


def tender(qtbot, form, keys: Keys, amount: str) -> None:
    form.tendered.setFocus()
    form.tendered.selectAll()
    keys.type(amount)


def hand_back(form) -> QLabel:
    return find(form, "Hand back", QLabel)


def wait_for_line(qtbot, form, start: str) -> str:
    line = hand_back(form)
    qtbot.waitUntil(lambda: line.isVisible() and line.text().startswith(start), timeout=5000)
    return line.text()


def record(qtbot, page, keys: Keys) -> None:
    keys.press(RETURN, CTRL)  # Review & Confirm
    keys.press(RETURN)  # Confirm payment
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)


def test_the_pieces_come_from_the_drawer_and_follow_the_amount_received(qtbot, runtime, services,
                                                                         cashier, sample, tmp_path):
    open_session(runtime, cashier, {"5": 2, "1": 10, "0.25": 8})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    assert not hand_back(form).isVisible()  # exact tender: no change, no line

    tender(qtbot, form, keys, "150")
    assert form.change_due.text() == "$4.50"
    assert wait_for_line(qtbot, form, "Hand back: ") == "Hand back: 4 × $1.00, 2 × $0.25"
    assert not hand_back(form).warning

    tender(qtbot, form, keys, "156")  # $10.50 back: the two $5 notes now
    assert wait_for_line(qtbot, form, "Hand back: ") == "Hand back: 2 × $5.00, 2 × $0.25"
    form.grab().save(str(tmp_path / "hand_back.png"))

    keys.press(Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # keep it on account: nothing to hand back
    qtbot.waitUntil(form.keep_on_account.isChecked, timeout=2000)
    qtbot.waitUntil(lambda: not hand_back(form).isVisible(), timeout=2000)
    keys.press(Qt.Key.Key_Left)  # back to Give change (Alt+G is taken by the Go menu)
    qtbot.waitUntil(form.give_change.isChecked, timeout=2000)
    assert wait_for_line(qtbot, form, "Hand back: ") == "Hand back: 2 × $5.00, 2 × $0.25"

    record(qtbot, page, keys)
    [row] = stored(services, cashier)
    details = services.payments.payment_details(cashier, row.payment_id)
    assert (details.payment.amount.amount, details.cash.change.amount) == (Decimal("145.50"),
                                                                          Decimal("10.50"))


def test_a_drawer_that_cannot_make_exact_change_says_why_and_the_payment_still_records(
        qtbot, runtime, services, cashier, sample, tmp_path):
    open_session(runtime, cashier, {"5": 1, "1": 3})  # no coins
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    tender(qtbot, form, keys, "150")
    text = wait_for_line(qtbot, form, "Exact change")
    assert text.startswith("Exact change of $4.50 cannot be made from the drawer: no coins below $1")
    assert "The closest it can make is $3.00: 3 × $1.00." in text
    line = hand_back(form)
    assert line.warning and WARNING_COLOUR in line.styleSheet()
    qtbot.wait(100)
    form.grab().save(str(tmp_path / "no_exact_change.png"))
    record(qtbot, page, keys)
    assert [r.amount.amount for r in stored(services, cashier)] == [Decimal("145.50")]


def test_a_drawer_whose_pieces_are_not_known_says_so(qtbot, runtime, services, cashier, sample):
    cash = open_session(runtime, cashier, {"5": 2, "1": 10, "0.25": 8})
    cash.cash_in(cashier, "20", "Change from the bank")  # pieces not counted
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    tender(qtbot, form, keys, "150")
    text = wait_for_line(qtbot, form, "The drawer's notes and coins are not known")
    assert text.endswith("Count the change by hand.") and hand_back(form).warning


def test_without_an_open_session_the_line_says_to_count_by_hand(qtbot, services, cashier, sample):
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    tender(qtbot, form, keys, "150")
    assert wait_for_line(qtbot, form, "No cash session") == NO_SESSION
    record(qtbot, page, keys)
    assert len(stored(services, cashier)) == 1
