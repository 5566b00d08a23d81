"""The cash drawer at the moment of a cash sale: kicked as its own real-time command (DLE DC4)
as soon as the payment commits, whether or not the receipt prints. When the kick cannot be
delivered the cashier may open the drawer for that sale (audited, tied to the payment) without a
supervisor: once it has opened for the sale, any further opening is a no-sale."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.core.errors import NotFound, PrinterError, ValidationError
from app.domain.core.permissions import Permission
from app.domain.payments.rules import CASH, COUNTED_STATUSES
from app.models.payments import Payment
from app.models.system import AuditEntry
from app.printing.escpos.printers import kick_drawer
from app.services.cash.printers import CounterPrinter, PrintersService, counter_printer
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work
from app.services.payments.posting import PostedPayment
from app.services.payments.receipts import PrintResult, ReceiptsService

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
    error: str = ""


@dataclass(frozen=True)
class _Sale:
    payment_id: str
    receipt_no: str
    amount: Decimal
    cash: bool  # a counted cash payment: the drawer opens for it


class DrawerService:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.printers = PrintersService(app)
        self.receipts = ReceiptsService(app)

    def deliver(self, actor: Actor, posted: PostedPayment) -> tuple[DrawerResult | None, PrintResult]:
        """Right after Confirm: the drawer pulse first (a cash sale), then the receipt, and only
        then their records, so that neither waits for a database write."""
        actor.require(Permission.RECORD_PAYMENT)
        details = posted.details
        sale = _Sale(details.payment.payment_id, details.transaction.receipt_no,
                     details.payment.amount.amount,
                     details.payment.method == CASH and details.payment.status in COUNTED_STATUSES)
        printer = counter_printer(posted.receipt.settings) if posted.receipt else None
        if printer is None or not printer.configured:
            printer = self.printers.counter_printer()
        drawer = self._send(printer, sale, KICKED, KICK_FAILED) \
            if sale.cash and printer.configured else None
        printed = self.receipts.print_receipt(actor, sale.payment_id, loaded=posted.receipt)
        if drawer is not None:
            self._audit(actor, sale, KICKED if drawer.opened else KICK_FAILED, drawer.error)
        return drawer, printed

    def kick_for_payment(self, actor: Actor, payment_id: str) -> DrawerResult | None:
        """The pulse for a cash payment; None for any other payment, or when this counter has no
        receipt printer (and so no drawer on it)."""
        actor.require(Permission.RECORD_PAYMENT)
        sale, printer = self._sale(payment_id), self.printers.counter_printer()
        if not sale.cash or not printer.configured:
            return None
        return self._pulse(actor, printer, sale, KICKED, KICK_FAILED)

    def open_for_sale(self, actor: Actor, payment_id: str) -> DrawerResult:
        """The cashier's "Open drawer" after a kick that failed: for that sale only."""
        actor.require(Permission.RECORD_PAYMENT)
        sale = self._sale(payment_id)
        if not sale.cash:
            raise ValidationError("Drawer", "opens for a sale only for a posted cash payment")
        if self._last_drawer_action(payment_id) not in (KICK_FAILED, OPEN_FAILED):
            raise ValidationError("Drawer", f"has already opened for receipt {sale.receipt_no}; "
                                            "opening it again is a no sale")
        return self._pulse(actor, self.printers.counter_printer(), sale, OPENED_FOR_SALE,
                           OPEN_FAILED)

    def _sale(self, payment_id: str) -> _Sale:
        with self.app.sessions() as session:
            payment = session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("No such payment")
            return _Sale(payment.id, payment.receipt_no, payment.amount,
                         payment.method == CASH and payment.status in COUNTED_STATUSES)

    def _last_drawer_action(self, payment_id: str) -> str | None:
        with self.app.sessions() as session:
            return session.execute(select(AuditEntry.action).where(
                AuditEntry.entity == "payment", AuditEntry.entity_id == payment_id,
                AuditEntry.action.in_(DRAWER_ACTIONS)).order_by(AuditEntry.seq.desc())
            ).scalars().first()

    def _pulse(self, actor: Actor, printer: CounterPrinter, sale: _Sale, done: str,
               failed: str) -> DrawerResult:
        result = self._send(printer, sale, done, failed)
        self._audit(actor, sale, done if result.opened else failed, result.error)
        return result

    @staticmethod
    def _send(printer: CounterPrinter, sale: _Sale, done: str, failed: str) -> DrawerResult:
        try:
            kick_drawer(printer.address(), printer.profile.drawer_pin)
        except (PrinterError, ValidationError) as error:
            reason = getattr(error, "message", str(error))
            return DrawerResult(False, f"The cash drawer did not open for receipt "
                                       f"{sale.receipt_no}: {reason}. Press Open drawer "
                                       "(Ctrl+D) to open it for this sale.",
                                sale.payment_id, sale.receipt_no, may_open_for_sale=True,
                                error=reason)
        return DrawerResult(True, f"Cash drawer opened for receipt {sale.receipt_no}.",
                            sale.payment_id, sale.receipt_no)

    def _audit(self, actor: Actor, sale: _Sale, action: str, error: str) -> None:
        with unit_of_work(self.app, actor) as work:
            work.audit(action, "payment", sale.payment_id, receipt_no=sale.receipt_no,
                       amount=sale.amount, error=error or None)
