"""The cash drawer at the moment of a cash sale: kicked as its own real-time command (DLE DC4)
as soon as the payment commits, whether or not the receipt prints. When the kick cannot be
delivered the cashier may open the drawer for that sale (audited, tied to the payment) without a
supervisor: once it has opened for the sale, any further opening is a no-sale."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.core.errors import NotFound, PrinterError, ValidationError
from app.domain.core.permissions import Permission
from app.domain.payments.rules import CASH, COUNTED_STATUSES
from app.models.payments import Payment
from app.models.system import AuditEntry
from app.printing.escpos.printers import kick_drawer
from app.services.cash.printers import PrintersService
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work

KICKED, KICK_FAILED, OPENED_FOR_SALE, OPEN_FAILED = (
    "drawer_kicked", "drawer_kick_failed", "drawer_opened_for_sale", "drawer_open_failed")
DRAWER_ACTIONS = (KICKED, KICK_FAILED, OPENED_FOR_SALE, OPEN_FAILED)


@dataclass(frozen=True)
class DrawerResult:
    opened: bool
    message: str
    payment_id: str
    receipt_no: str
    may_open_for_sale: bool = False  # the kick failed: the cashier may open it for this sale


class DrawerService:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.printers = PrintersService(app)

    def kick_for_payment(self, actor: Actor, payment_id: str) -> DrawerResult | None:
        """The pulse for a cash payment just committed; None for any other payment, or when this
        counter has no receipt printer (and so no drawer on it)."""
        actor.require(Permission.RECORD_PAYMENT)
        payment = self._cash_payment(payment_id)
        if payment is None or not self.printers.counter_printer().configured:
            return None
        return self._pulse(actor, payment, KICKED, KICK_FAILED)

    def open_for_sale(self, actor: Actor, payment_id: str) -> DrawerResult:
        """The cashier's "Open drawer" after a kick that failed: for that sale only."""
        actor.require(Permission.RECORD_PAYMENT)
        payment = self._cash_payment(payment_id)
        if payment is None:
            raise ValidationError("Drawer", "opens for a sale only for a posted cash payment")
        if self._last_drawer_action(payment_id) not in (KICK_FAILED, OPEN_FAILED):
            raise ValidationError("Drawer", f"has already opened for receipt {payment.receipt_no}; "
                                            "opening it again is a no sale")
        return self._pulse(actor, payment, OPENED_FOR_SALE, OPEN_FAILED)

    def _cash_payment(self, payment_id: str) -> Payment | None:
        with self.app.sessions() as session:
            payment = session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("No such payment")
            session.expunge(payment)
        ok = payment.method == CASH and payment.status in COUNTED_STATUSES
        return payment if ok else None

    def _last_drawer_action(self, payment_id: str) -> str | None:
        with self.app.sessions() as session:
            return session.execute(select(AuditEntry.action).where(
                AuditEntry.entity == "payment", AuditEntry.entity_id == payment_id,
                AuditEntry.action.in_(DRAWER_ACTIONS)).order_by(AuditEntry.seq.desc())
            ).scalars().first()

    def _pulse(self, actor: Actor, payment: Payment, done: str, failed: str) -> DrawerResult:
        printer = self.printers.counter_printer()
        try:
            kick_drawer(printer.address(), printer.profile.drawer_pin)
        except (PrinterError, ValidationError) as error:
            reason = getattr(error, "message", str(error))
            self._audit(actor, payment, failed, reason)
            return DrawerResult(False, f"The cash drawer did not open for receipt "
                                       f"{payment.receipt_no}: {reason}. Press Open drawer "
                                       "(Ctrl+D) to open it for this sale.",
                                payment.id, payment.receipt_no, may_open_for_sale=True)
        self._audit(actor, payment, done, "")
        return DrawerResult(True, f"Cash drawer opened for receipt {payment.receipt_no}.",
                            payment.id, payment.receipt_no)

    def _audit(self, actor: Actor, payment: Payment, action: str, error: str) -> None:
        with unit_of_work(self.app, actor) as work:
            work.audit(action, "payment", payment.id, receipt_no=payment.receipt_no,
                       amount=payment.amount, error=error or None)
