"""Payment details of an overpaid payment say where the difference went: kept on account as a
credit note, applied to the consumer's other open items, or left on the account as credit."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from app.domain.payments.rules import Difference
from app.models.payments import PaymentAllocation
from app.views.payments.display import Display
from app.views.payments.payment_details import PaymentDetailsDialog
from tests.gui.helpers import find
from tests.gui.payments_helpers import pay
from tests.payment_fixtures import actor


def _dialog(qtbot, services, who, payment_id: str) -> PaymentDetailsDialog:
    details = services.payments.payment_details(who, payment_id)
    dialog = PaymentDetailsDialog(services, who, Display.of(services.settings.current()), details)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_cash_left_on_account_is_a_credit_note_named_in_the_details(qtbot, services, sample, cashier):
    posted = pay(services, cashier, sample, tendered=Decimal("150.00"), keep_change_on_account=True)
    details = posted.details
    assert details.analysis.kind is Difference.OVER
    note = details.overpayment_credit_note
    assert details.where_the_difference_went() == (
        (f"Kept on account as credit note {note.credit_note_no}", note.amount),)

    dialog = _dialog(qtbot, services, cashier, details.payment.payment_id)
    assert find(dialog, "Difference", QLabel).text() == "Over paid ($4.50)"
    assert find(dialog, "Where it went", QLabel).text() == \
        f"$4.50 kept on account as credit note {note.credit_note_no}"


def test_an_exact_payment_has_nothing_to_account_for(qtbot, services, sample, cashier):
    posted = pay(services, cashier, sample)
    assert posted.details.analysis.kind is Difference.EXACT
    assert posted.details.where_the_difference_went() == ()
    dialog = _dialog(qtbot, services, cashier, posted.details.payment.payment_id)
    assert not [label for label in dialog.findChildren(QLabel) if label.accessibleName() == "Where it went"]


def test_a_payment_that_cleared_two_items_is_judged_against_both(qtbot, demo_runtime):
    """The demo's counter takes what is due now: a bill and, say, its late fee, in one payment.
    It is judged against both items (the amount due on items), never "Over paid" against the bill
    alone; where the difference went is told only for what is beyond both."""
    from app.services.registry import Services

    services = Services(demo_runtime.app)
    supervisor = actor(demo_runtime, "supervisor")
    with demo_runtime.app.sessions() as session:
        payment_id = session.execute(
            select(PaymentAllocation.payment_id).where(PaymentAllocation.amount > 0)
            .group_by(PaymentAllocation.payment_id)
            .having(func.count(PaymentAllocation.id) > 1).limit(1)).scalar_one()
    details = services.payments.payment_details(supervisor, payment_id)
    assert len(details.allocations) > 1
    assert details.analysis.item_amount.amount == sum(item.amount.amount for item, _ in details.allocations)
    went = details.where_the_difference_went()
    if details.analysis.kind is Difference.OVER:
        assert sum((amount.amount for _, amount in went), Decimal(0)) == details.analysis.difference.amount
    else:
        assert went == ()
    dialog = _dialog(qtbot, services, supervisor, payment_id)
    assert bool([label for label in dialog.findChildren(QLabel) if label.accessibleName() == "Where it went"]) \
        == bool(went)
