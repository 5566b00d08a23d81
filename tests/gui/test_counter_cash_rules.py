"""The Record Payment form at a counter with no open cash session (it says so and opens one
there), and change above the confirmation limit (ticked as checked before Confirm works)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QSpinBox

from app.services.payments.posting import PaymentFilter
from app.views.payments.record_payment import FORM, POSTED, REVIEW
from tests.gui.helpers import find
from tests.gui.payments_helpers import Keys, oldest_bill_only, open_payments
from tests.payment_fixtures import actor

CTRL, ALT, RETURN = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                     Qt.Key.Key_Return)


def find_john(qtbot, page, keys: Keys):
    keys.press(Qt.Key.Key_F2)
    form = page.flow.form
    qtbot.waitUntil(lambda: form.picker.search.hasFocus(), timeout=2000)
    keys.type("WU-10001")
    keys.press(RETURN)
    oldest_bill_only(qtbot, form)
    return form


def test_the_form_says_no_session_is_open_and_opens_one_from_the_keyboard(
        qtbot, runtime, services, cashier, sample):
    services.settings.update(actor(runtime, "admin"), {"counter.cash_needs_open_session": True})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    notice = find(form, "Cash session message", QLabel)
    qtbot.waitUntil(notice.isVisible, timeout=3000)
    assert "No cash session is open at this counter" in notice.text()

    keys.press(Qt.Key.Key_O, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Open cash session
    qtbot.waitUntil(lambda: form.session_notice.dialog is not None
                    and form.session_notice.dialog.isVisible(), timeout=3000)
    dialog = form.session_notice.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    twenties = find(dialog, "$20 note", QSpinBox)
    twenties.setFocus()
    keys.type("5")
    keys.press(RETURN)  # Open session (the default button)
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=5000)
    qtbot.waitUntil(form.review_button.hasFocus, timeout=2000)  # back where the cashier was
    keys.press(RETURN, CTRL)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    keys.press(RETURN)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    assert len(services.payments.list_payments(cashier, PaymentFilter())) == 1


def test_cash_refused_without_a_session_says_so_beside_the_method(qtbot, runtime, services,
                                                                  cashier, sample):
    services.settings.update(actor(runtime, "admin"), {"counter.cash_needs_open_session": True})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    keys.press(RETURN, CTRL)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    keys.press(RETURN)
    error = find(form, "Payment method error", QLabel)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == FORM and error.isVisible(), timeout=5000)
    assert "needs an open cash session" in error.text()
    assert services.payments.list_payments(cashier, PaymentFilter()) == []


def test_large_change_is_ticked_as_checked_before_confirm_works(qtbot, runtime, services, cashier,
                                                                sample):
    services.settings.update(actor(runtime, "admin"), {"counter.change_confirm_limit": "100.00"})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    keys.press(Qt.Key.Key_R, ALT)  # Amount received
    qtbot.waitUntil(form.tendered.hasFocus, timeout=2000)
    form.tendered.selectAll()
    keys.type("1450")
    keys.press(RETURN, CTRL)
    review = page.flow.review
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    warning = find(review, "Large change warning", QLabel)
    assert warning.isVisible() and "Change due is $1,304.50, more than $100.00" in warning.text()
    checked = find(review, "Amount received checked", QCheckBox)
    assert checked.hasFocus() and not review.confirm_button.isEnabled()
    keys.press(RETURN, CTRL)  # not yet
    qtbot.wait(200)
    assert page.flow.currentIndex() == REVIEW and services.payments.list_payments(
        cashier, PaymentFilter()) == []
    keys.press(Qt.Key.Key_Space)
    assert checked.isChecked() and review.confirm_button.isEnabled()
    keys.press(RETURN, CTRL)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    [row] = services.payments.list_payments(cashier, PaymentFilter())
    assert QApplication.activeModalWidget() is None and row.receipt_no


def test_the_notes_pad_is_skippable_and_counts_what_came_in_when_used(qtbot, runtime, services,
                                                                      cashier, sample):
    from decimal import Decimal as D

    from app.services.cash.sessions import CashSessionsService

    cash = CashSessionsService(runtime.app)
    opened = cash.open_session(cashier, {D(20): 5, D(5): 5, D(1): 10, D("0.25"): 20})
    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    form = find_john(qtbot, page, keys)
    keys.press(Qt.Key.Key_R, ALT)  # Amount received
    form.tendered.selectAll()
    keys.type("150")
    pad = page.flow.pieces
    summary = find(form, "Notes received summary", QLabel)
    qtbot.waitUntil(lambda: summary.text() == "Notes received: 1 × $100.00, 1 × $50.00",
                    timeout=2000)  # the fewest pieces, if the cashier skips the pad
    keys.press(Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Notes received…
    qtbot.waitUntil(lambda: pad.dialog is not None and pad.dialog.isVisible(), timeout=2000)
    dialog = pad.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    find(dialog, "$100 note", QSpinBox).setValue(0)
    find(dialog, "$50 note", QSpinBox).setValue(0)
    twenties = find(dialog, "$20 note", QSpinBox)
    twenties.setFocus()
    twenties.selectAll()
    keys.type("7")
    find(dialog, "$10 note", QSpinBox).setValue(1)
    assert dialog.ok.isEnabled()
    keys.press(RETURN)  # OK
    qtbot.waitUntil(lambda: "7 × $20.00" in summary.text(), timeout=2000)
    qtbot.waitUntil(pad.received_button.hasFocus, timeout=2000)  # back on the form
    keys.press(RETURN, CTRL)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    keys.press(RETURN)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    drawer = cash.x_report(cashier, opened.session_id).expected_counts
    # 7 x $20 and a $10 came in; $4.50 went back as advised (4 x $1, 2 x $0.25).
    assert drawer == {D(20): 12, D(10): 1, D(5): 5, D(1): 6, D("0.25"): 18}


def test_card_details_are_asked_checked_beside_their_field_and_printed(qtbot, runtime, services,
                                                                      cashier, sample):
    from PySide6.QtWidgets import QLineEdit

    _window, page = open_payments(qtbot, services, cashier)
    keys = Keys(qtbot)
    find_john(qtbot, page, keys)
    keys.press(Qt.Key.Key_2, ALT)  # Credit Card
    box = page.flow.method_details
    qtbot.waitUntil(box.isVisible, timeout=2000)
    last4 = find(box, "Card last four digits", QLineEdit)
    auth = find(box, "Authorisation code", QLineEdit)
    assert last4.isVisible() and auth.isVisible()
    assert not find(box, "Cheque number", QLineEdit).isVisible()
    last4.setFocus()
    keys.type("42")
    auth.setFocus()
    keys.type("ab12c9")
    keys.press(RETURN, CTRL)  # Review & Confirm: refused beside the field
    error = find(box, "Card last four digits error", QLabel)
    qtbot.waitUntil(error.isVisible, timeout=2000)
    assert error.text() == "Card last four digits: must be the last 4 digits of the card"
    assert page.flow.currentIndex() == FORM and last4.hasFocus()
    keys.type("42")
    keys.press(RETURN, CTRL)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == REVIEW, timeout=2000)
    assert "**** 4242" in [w.text() for w in page.flow.review.findChildren(QLabel)]
    keys.press(RETURN)
    qtbot.waitUntil(lambda: page.flow.currentIndex() == POSTED, timeout=5000)
    [row] = services.payments.list_payments(cashier, PaymentFilter())
    details = services.payments.payment_details(cashier, row.payment_id)
    assert details.payment.method_details == (("Card", "**** 4242"), ("Authorisation code",
                                                                        "AB12C9"))
    assert "**** 4242" in services.receipts.receipt_text(cashier, row.payment_id)
