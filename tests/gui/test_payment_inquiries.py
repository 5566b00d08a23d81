"""A customer executive logs a payment inquiry from Payment details and resolves it, by keyboard;
the history shows in the details, an escalation reaches the supervisor's inbox, and the
resolution is tracked as payment_inquiry_resolved with its properties."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from app.models.inquiries import PaymentInquiry
from app.models.system import UsageEvent
from app.views.payments.display import Display
from app.views.payments.inquiries import LogInquiryDialog, ResolveInquiryDialog
from app.views.payments.payment_details import PaymentDetailsDialog
from app.views.payments.payments_page import PaymentsModulePage
from tests.gui.helpers import find
from tests.gui.payments_helpers import drain, pay
from tests.payment_fixtures import actor

ALT = Qt.KeyboardModifier.AltModifier


def _details(qtbot, services, who, payment_id: str) -> PaymentDetailsDialog:
    details = services.payments.payment_details(who, payment_id)
    dialog = PaymentDetailsDialog(services, who, Display.of(services.settings.current()), details)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.inquiries.loaded)
    return dialog


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _open(qtbot, details, button: str, kind):
    details.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is details)
    target = find(details, button)
    target.setFocus()
    assert QApplication.focusWidget() is target
    _press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: details.findChild(kind) is not None and details.findChild(kind).isVisible())
    dialog = details.findChild(kind)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _inquiry_lines(details) -> list[str]:
    return [label.text() for label in details.findChildren(QLabel)
            if label.accessibleName().startswith("Inquiry ") and label.isVisible()]


def test_log_and_resolve_an_inquiry_by_keyboard(qtbot, runtime, services, sample, cashier):
    payment_id = pay(services, cashier, sample).details.payment.payment_id
    details = _details(qtbot, services, cashier, payment_id)
    assert find(details, "No inquiries logged").isVisible()
    assert not find(details, "Resolve inquiry").isVisible()

    log = _open(qtbot, details, "Log inquiry", LogInquiryDialog)
    log.inquiry_type.setFocus()
    _press(qtbot, Qt.Key.Key_Down)  # Payment not reflected -> Wrong amount
    _press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), "Says she paid 150")
    _press(qtbot, Qt.Key.Key_I, ALT)
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not log.isVisible())
    drain()
    qtbot.waitUntil(lambda: len(_inquiry_lines(details)) == 1)
    assert "Wrong amount" in _inquiry_lines(details)[0] and "Open" in _inquiry_lines(details)[0]

    runtime.app.clock.advance(timedelta(minutes=12))
    resolve = _open(qtbot, details, "Resolve inquiry", ResolveInquiryDialog)
    assert QApplication.focusWidget() is resolve.outcome
    qtbot.keyClicks(resolve.outcome, "Showed the bank statement")
    _press(qtbot, Qt.Key.Key_C, ALT)
    _press(qtbot, Qt.Key.Key_Down)  # Satisfied -> Neutral
    _press(qtbot, Qt.Key.Key_E, ALT)  # Escalate to a supervisor
    qtbot.waitUntil(resolve.escalate.isChecked)  # a mnemonic clicks a check box (animated)
    _press(qtbot, Qt.Key.Key_C, ALT)
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not resolve.isVisible())
    drain()
    qtbot.waitUntil(lambda: "Resolved" in " ".join(_inquiry_lines(details)))
    assert "in 12 min, escalated; customer neutral" in _inquiry_lines(details)[0]
    assert not find(details, "Resolve inquiry").isVisible()

    with runtime.app.sessions() as session:
        row = session.execute(select(PaymentInquiry)).scalar_one()
        event = session.execute(select(UsageEvent).where(
            UsageEvent.event == "payment_inquiry_resolved")).scalar_one()
    assert (row.inquiry_type, row.notes, row.outcome, row.satisfaction, row.escalated) == (
        "Wrong amount", "Says she paid 150", "Showed the bank statement", "Neutral", True)
    assert event.properties == {"inquiry_type": "Wrong amount", "resolution_time": 12,
                                "escalation_required": True, "customer_satisfaction": "Neutral"}
    assert [n.kind for n in services.inbox.unread(actor(runtime, "supervisor"))] == [
        "payment_inquiry_escalated"]


def test_other_without_notes_is_refused_beside_the_dialog(qtbot, services, sample, cashier):
    payment_id = pay(services, cashier, sample).details.payment.payment_id
    details = _details(qtbot, services, cashier, payment_id)
    log = _open(qtbot, details, "Log inquiry", LogInquiryDialog)
    log.inquiry_type.setCurrentText("Other")
    _press(qtbot, Qt.Key.Key_Return)
    drain()
    qtbot.waitUntil(lambda: "Notes:" in log.error.text())
    assert log.isVisible() and services.inquiries.open_count(cashier) == 0


def test_the_landing_page_counts_open_inquiries(qtbot, services, sample, cashier):
    payment_id = pay(services, cashier, sample).details.payment.payment_id
    services.inquiries.log(cashier, payment_id, "Receipt request", "")
    page = PaymentsModulePage(services, cashier)
    qtbot.addWidget(page)
    page.show()
    drain()
    label = find(page, "Open inquiries")
    qtbot.waitUntil(label.isVisible)
    assert label.text() == "Open inquiries: 1"


def test_a_billing_manager_reads_the_history_but_has_no_log_button(qtbot, runtime, services, sample,
                                                                    cashier):
    payment_id = pay(services, cashier, sample).details.payment.payment_id
    services.inquiries.log(cashier, payment_id, "Receipt request", "")
    details = _details(qtbot, services, actor(runtime, "manager"), payment_id)
    qtbot.waitUntil(lambda: len(_inquiry_lines(details)) == 1)
    assert not find(details, "Log inquiry").isVisible()
    assert not find(details, "Resolve inquiry").isVisible()


def test_the_resolve_dialog_and_a_history_pass_the_keyboard_and_clipping_audits(qtbot, runtime, services,
                                                                                  sample, cashier):
    """The demo has no open inquiry, so the screen walk never meets Resolve: audited here."""
    from app.views.style import apply_style
    from tests.gui.clipping_audit import Clipping
    from tests.gui.keyboard_audit import Audit

    apply_style(QApplication.instance())
    payment_id = pay(services, cashier, sample).details.payment.payment_id
    first = services.inquiries.log(cashier, payment_id, "Duplicate charge", "Charged twice " * 20)
    services.inquiries.resolve(cashier, first.inquiry_id, "One voided " * 20, True, "Dissatisfied")
    services.inquiries.log(cashier, payment_id, "Other", "Wants the receipt by e-mail")
    details = _details(qtbot, services, cashier, payment_id)
    details.resize(1280, 800)
    qtbot.waitUntil(lambda: len(_inquiry_lines(details)) == 2)
    resolve = _open(qtbot, details, "Resolve inquiry", ResolveInquiryDialog)
    keyboard, clipping = Audit(), Clipping()
    for where, window in (("details", details), ("resolve", resolve)):
        keyboard.window(where, window)
        clipping.window(where, window)
    assert keyboard.problems == [] and clipping.problems == []
