"""What a payment does to the counter's open cash session, called by the payments service
inside its own transaction: a payment taken while the session is open belongs to it, and a
cash one moves the drawer (tendered in, change out); a void hands the cash back out."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission, can
from app.domain.payments.rules import CASH
from app.models.cash import CashMovement, CashSession
from app.models.payments import Payment
from app.models.reference import Counter
from app.services.cash.counter import expected_at, find_counter, open_session_at, requeue_insert
from app.services.cash.payment_pieces import payment_pieces
from app.services.cash.reports import OPEN, counts_to_json
from app.services.core.settings import load_settings
from app.services.core.work import Work

NO_SESSION = ("Cash needs an open cash session at this counter: open one (Open cash session), "
              "or take the payment by another method")


def attach_cash_payment(work: Work, payment: Payment, received: Mapping[object, int] | None = None,
                        handed_back: Mapping[object, int] | None = None) -> None:
    """A payment taken while this counter's session is open belongs to it (the X/Z report's totals
    by method); a cash one also moves the drawer: the notes received in, the change out (net the
    payment amount), piece by piece so that the drawer's contents stay known."""
    if not can(work.actor.role, Permission.OPERATE_CASH):
        return  # not taken at a counter (the system, a back office)
    settings = load_settings(work.session)
    counter = find_counter(work.session, settings, work.actor, work.app.device_id)
    cash = open_session_at(work.session, counter.id) if counter else None
    if cash is None:
        if payment.method == CASH and settings.get("counter.cash_needs_open_session"):
            raise ValidationError("Payment method", NO_SESSION)
        return
    payment.cash_session_id = cash.id
    requeue_insert(work, payment)
    if payment.method != CASH:
        return
    currency = settings.currency
    tendered = Money(payment.tendered if payment.tendered is not None else payment.amount, currency)
    counts = payment_pieces(expected_at(work.session, cash, currency), settings.denominations(),
                            tendered, Money(payment.change_given or 0, currency), received,
                            handed_back)
    work.record(CashMovement(session_id=cash.id, kind="cash_payment", amount=payment.amount,
                             counts=counts_to_json(counts, currency) if counts is not None else None,
                             payment_id=payment.id, reason=f"Receipt {payment.receipt_no}",
                             user_name=work.actor.username, at=work.now))


def attach_cash_void(work: Work, payment: Payment) -> None:
    """Voiding a cash payment hands its cash back out of the drawer that is open now."""
    if payment.method != CASH or not payment.cash_session_id:
        return
    target = work.session.get(CashSession, payment.cash_session_id)
    if target is None or target.status != OPEN or not _ours(work, target):  # this drawer, or none
        counter = find_counter(work.session, load_settings(work.session), work.actor, work.app.device_id)
        target = open_session_at(work.session, counter.id) if counter else None
    if target is None:
        return
    paid = work.session.execute(select(CashMovement.counts).where(
        CashMovement.payment_id == payment.id, CashMovement.kind == "cash_payment")).scalars().first()
    work.record(CashMovement(session_id=target.id, kind="void", amount=payment.amount,
                             counts={k: -n for k, n in paid.items()} if paid else None,
                             payment_id=payment.id, user_name=work.actor.username, at=work.now,
                             reason=f"Void of receipt {payment.receipt_no}: {payment.void_reason}"))


def _ours(work: Work, cash: CashSession) -> bool:
    """A session at this device's counter (or one nobody owns): cash moves only in this drawer."""
    counter = work.session.get(Counter, cash.counter_id)
    return counter is None or counter.device_id in (None, work.app.device_id)
