"""Payment rules: what a payment request must hold, cash change, overpayment, gateway statuses.

Cash tendered is not the payment amount (ARCHITECTURE §9). A customer who
hands over $150.00 for $145.50 either takes $4.50 change (payment $145.50)
or leaves it on account (payment $150.00, $4.50 kept as an Overpayment
credit note). Any payment above the item's open amount is an overpayment:
the item gets its open amount, the excess becomes a credit note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, minor_digits, to_decimal
from app.domain.core.settings_catalog import KEEP_PREVIOUS
from app.domain.payments.allocation import Allocation, OpenItem, allocate, item_caps


class PaymentType(StrEnum):
    BILL = "Bill"
    SERVICE = "Service"
    INSTALLMENT = "Installment"


class PaymentStatus(StrEnum):
    POSTED = "Posted"
    PENDING = "Pending"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    VOIDED = "Voided"


# Payments whose allocations reduce what is owed on an item.
COUNTED_STATUSES = (PaymentStatus.POSTED.value, PaymentStatus.PENDING.value)
VERIFIED = "Verified"
VERIFICATION_PENDING = "Pending"
IMMEDIATE = "Immediate"
SYSTEM_RECEIVER = "System"
CASH = "Cash"


class Difference(StrEnum):
    EXACT = "Exact payment"
    OVER = "Over paid"
    UNDER = "Under paid"


# amounts -------------------------------------------------------------------

def parse_amount(field: str, value: object, currency: str) -> Money:
    """A typed amount: required, a number, more than 0, at most the currency's decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, "is required")
    try:
        amount = to_decimal(value)
    except MoneyError:
        raise ValidationError(field, "must be a number") from None
    if amount <= 0:
        raise ValidationError(field, "must be more than 0")
    money = Money(amount, currency)
    if not money.is_exact:
        raise ValidationError(field, f"must have at most {minor_digits(currency)} decimal places")
    return money.rounded()


@dataclass(frozen=True)
class AmountAnalysis:
    """The item's amount against what was paid: exact, over or under."""

    item_amount: Money
    amount_paid: Money

    @property
    def difference(self) -> Money:
        return self.amount_paid - self.item_amount

    @property
    def kind(self) -> Difference:
        if self.difference.is_negative:
            return Difference.UNDER
        return Difference.OVER if self.difference else Difference.EXACT


def analyse_amount(item_amount: Money, amount_paid: Money) -> AmountAnalysis:
    return AmountAnalysis(item_amount, amount_paid)


@dataclass(frozen=True)
class CashSettlement:
    tendered: Money
    payment_amount: Money
    change: Money
    kept_on_account: Money


def settle_cash(amount_due: Money, tendered: Money, *, keep_on_account: bool) -> CashSettlement:
    """Change is tendered - amount due, handed back or kept on account (never negative)."""
    if tendered < amount_due:
        raise ValidationError("Amount received", "must be at least the amount to pay")
    excess = tendered - amount_due
    zero = Money.zero(tendered.currency)
    if keep_on_account:
        return CashSettlement(tendered, tendered, zero, excess)
    return CashSettlement(tendered, amount_due, excess, zero)


# the request ---------------------------------------------------------------

@dataclass(frozen=True)
class PaymentRequest:
    """What the Record Payment form submits. amount is what the customer pays;
    for cash, tendered is what they hand over (defaults to amount)."""

    consumer_id: str | None
    payment_type: str | None
    method: str | None
    amount: Decimal | str | None
    paid_on: date | None
    item_id: str | None
    channel: str | None = None
    tendered: Decimal | str | None = None
    keep_change_on_account: bool = False
    notes: str = ""
    seconds_taken: int | None = None
    change_confirmed: bool = False  # the cashier confirmed change above the confirmation limit
    # Cash: the notes and coins received and handed back (value -> count); None: the fewest
    # pieces making the amount received, and the change advice from what the drawer holds.
    received_pieces: Mapping[Decimal, int] | None = None
    change_pieces: Mapping[Decimal, int] | None = None
    method_details: Mapping[str, object] | None = None  # card, cheque or transfer details
    # Several open items in one payment: the ticked items' ids (item_id is then ignored), and
    # the amount the cashier typed for any of them (id -> amount; otherwise its open amount).
    item_ids: tuple[str, ...] = ()
    item_amounts: Mapping[str, object] | None = None

    @property
    def chosen_ids(self) -> tuple[str, ...]:
        return self.item_ids or ((self.item_id,) if self.item_id else ())


@dataclass(frozen=True)
class PaymentLimits:
    """What the rules need from settings and the database."""

    currency: str
    today: date
    channels: tuple[str, ...]
    default_channel: str
    methods: tuple[str, ...]
    notes_max_length: int
    outstanding: Money
    threshold: Money
    open_amount: Money
    items: tuple[OpenItem, ...] = ()  # the items paid (none: one item of open_amount)


@dataclass(frozen=True)
class ValidPayment:
    payment_type: PaymentType
    method: str
    channel: str
    paid_on: date
    notes: str
    amount: Money
    applied: Money
    overpaid: Money
    cash: CashSettlement | None
    open_amount: Money
    allocations: tuple[Allocation, ...] = ()  # oldest due first; they sum to applied

    @property
    def analysis(self) -> AmountAnalysis:
        """The summary the form shows: the item's open amount against this payment."""
        return analyse_amount(self.open_amount, self.amount)


def item_field(payment_type: PaymentType) -> str:
    return payment_type.value


def parse_payment_type(value: str | None) -> PaymentType:
    if not value:
        raise ValidationError("Payment type", "is required")
    try:
        return PaymentType(value)
    except ValueError:
        raise ValidationError("Payment type", "must be Bill, Service or Installment") from None


def check_required(request: PaymentRequest) -> PaymentType:
    """The mandatory choices, before anything is looked up: consumer, type, item, method, date."""
    if not request.consumer_id:
        raise ValidationError("Consumer", "is required")
    payment_type = parse_payment_type(request.payment_type)
    if not request.chosen_ids:
        raise ValidationError(item_field(payment_type), "must be selected")
    if not request.method:
        raise ValidationError("Payment method", "is required")
    if request.amount is None or (isinstance(request.amount, str) and not request.amount.strip()):
        raise ValidationError("Amount", "is required")
    if request.paid_on is None:
        raise ValidationError("Payment date", "is required")
    return payment_type


def validate_request(request: PaymentRequest, limits: PaymentLimits) -> ValidPayment:
    payment_type = check_required(request)
    method = _choice("Payment method", request.method, limits.methods)
    channel = _choice("Channel", request.channel or limits.default_channel, limits.channels)
    if request.paid_on > limits.today:
        raise ValidationError("Payment date", "cannot be in the future")
    notes = (request.notes or "").strip()
    if len(notes) > limits.notes_max_length:
        raise ValidationError("Notes", f"must be at most {limits.notes_max_length} characters")
    caps = item_caps(limits.items, request.item_amounts, item_field(payment_type))
    open_amount = sum(caps.values(), Money.zero(limits.currency)) if limits.items \
        else limits.open_amount
    if not open_amount.amount > 0:
        raise ValidationError(item_field(payment_type), "has nothing left to pay")
    amount = parse_amount("Amount", request.amount, limits.currency)
    cash = _cash(request, amount, limits.currency) if method == CASH else None
    amount = cash.payment_amount if cash else amount
    _check_ceiling(amount, limits)
    applied = min(amount, open_amount)
    return ValidPayment(payment_type, method, channel, request.paid_on, notes, amount, applied,
                        amount - applied, cash, open_amount,
                        allocate(applied, limits.items, caps))


def _choice(field: str, value: str | None, options: Iterable[str]) -> str:
    options = tuple(options)
    if value not in options:
        raise ValidationError(field, "must be one of: " + ", ".join(options))
    return value


def _cash(request: PaymentRequest, amount: Money, currency: str) -> CashSettlement:
    tendered = amount if request.tendered in (None, "") else parse_amount(
        "Amount received", request.tendered, currency)
    return settle_cash(amount, tendered, keep_on_account=request.keep_change_on_account)


def payment_ceiling(outstanding: Money, threshold: Money) -> Money:
    """The most a payment may be: outstanding balance (never below 0) plus the threshold."""
    return max(outstanding, Money.zero(outstanding.currency)) + threshold


def _check_ceiling(amount: Money, limits: PaymentLimits) -> None:
    ceiling = payment_ceiling(limits.outstanding, limits.threshold)
    if amount > ceiling:
        raise ValidationError(
            "Amount", f"cannot exceed the outstanding balance plus the overpayment threshold "
                      f"({ceiling.amount})")


# online payments -------------------------------------------------------------

class GatewayMapping(Protocol):
    gateway_status: str
    webhook_status: str
    settlement_status: str


@dataclass(frozen=True)
class GatewayState:
    webhook_status: str
    settlement_status: str


def _find(status: str, mappings: Iterable[GatewayMapping]) -> GatewayMapping:
    wanted = status.strip().casefold()
    for row in mappings:
        if row.gateway_status.casefold() == wanted:
            return row
    raise ValidationError("Gateway status", f"{status!r} is not mapped in the payment settings")


def map_payment_status(status: str, mappings: Iterable[GatewayMapping]) -> GatewayState:
    """A Stripe payment status (Succeeded, Failed, Pending) as our webhook and settlement status."""
    row = _find(status, mappings)
    return GatewayState(row.webhook_status, row.settlement_status)


def map_settlement_status(status: str, mappings: Iterable[GatewayMapping],
                          previous: GatewayState) -> GatewayState:
    """A Stripe settlement status (Created, Paid, Failed); "Keep previous" keeps the webhook status."""
    row = _find(status, mappings)
    webhook = previous.webhook_status if row.webhook_status == KEEP_PREVIOUS else row.webhook_status
    settlement = previous.settlement_status if row.settlement_status == KEEP_PREVIOUS \
        else row.settlement_status
    return GatewayState(webhook, settlement)


@dataclass(frozen=True)
class ProcessingTime:
    """"Immediate" for a payment a user recorded; days (1 decimal) for an online one."""

    days: Decimal | None

    @property
    def label(self) -> str:
        return IMMEDIATE if self.days is None else f"{self.days} days"


def processing_days(started: datetime, finished: datetime) -> Decimal:
    seconds = Decimal(int((finished - started).total_seconds()))
    return max(seconds / Decimal(86400), Decimal(0)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def processing_time(recorded_by_user: bool, started: datetime,
                    finished: datetime | None, now: datetime) -> ProcessingTime:
    if recorded_by_user:
        return ProcessingTime(None)
    return ProcessingTime(processing_days(started, finished or now))
