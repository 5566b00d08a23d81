"""What a receipt says, fixed when its payment is posted: every copy (thermal, PDF, screen) is
rendered from these facts, never from today's ledger.

The words mean the same everywhere:
  amount paid      everything the payment credits to the account (applied + kept on account);
  applied          the part that settles the bill, charge or installment;
  kept on account  the overpayment held as an Overpayment credit note;
  tendered         the cash the customer handed over (cash only);
  change           what was handed back: tendered - amount paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.core.settings import Settings
from app.domain.payments.credit_notes import OVERPAYMENT
from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.services.payments.details import PaymentDetails
from app.services.payments.queries import balance, money_sql

MONEY_FIELDS = ("amount", "applied", "kept_on_account", "tendered", "change", "balance_after")


@dataclass(frozen=True)
class ReceiptFacts:
    centre: str
    counter: str
    cashier: str
    consumer_name: str
    account_no: str
    payment_type: str
    reference: str
    method: str
    amount: Money
    applied: Money
    balance_after: Money
    kept_on_account: Money | None = None
    credit_note_no: str | None = None
    tendered: Money | None = None
    change: Money | None = None
    footer_lines: tuple[str, ...] = ()
    method_lines: tuple[tuple[str, str], ...] = ()  # card, cheque or transfer details
    settled: tuple[tuple[str, Money], ...] = ()  # each item settled: (reference, amount applied)


def facts_of(details: PaymentDetails, settings: Settings, balance_after: Money) -> ReceiptFacts:
    note = details.overpayment_credit_note
    note = note if note is not None and note.reason == OVERPAYMENT else None
    amount, cash = details.payment.amount, details.cash
    return ReceiptFacts(
        centre=settings.get("general.centre_name"), counter=settings.get("general.counter_name"),
        cashier=details.processing.received_by, consumer_name=details.consumer.name,
        account_no=details.consumer.account_no, payment_type=details.payment.payment_type,
        reference=details.item.reference if details.item else "-", method=details.payment.method,
        amount=amount, applied=amount - note.amount if note else amount,
        balance_after=balance_after, kept_on_account=note.amount if note else None,
        credit_note_no=note.credit_note_no if note else None,
        tendered=cash.received if cash else None, change=cash.change if cash else None,
        footer_lines=tuple(settings.get("printing.receipt_footer")),
        method_lines=details.payment.method_details,
        settled=tuple((item.reference, part) for item, part in details.allocations))


def facts_to_json(facts: ReceiptFacts) -> dict[str, object]:
    """Money as integer minor units, as everywhere in the database."""
    data: dict[str, object] = {name: getattr(facts, name) for name in facts.__dataclass_fields__}
    for name in MONEY_FIELDS:
        money = getattr(facts, name)
        data[name] = money.to_minor() if money is not None else None
    data["footer_lines"] = list(facts.footer_lines)
    data["method_lines"] = [list(line) for line in facts.method_lines]
    data["settled"] = [[reference, part.to_minor()] for reference, part in facts.settled]
    return data


def facts_from_json(data: dict, currency: str) -> ReceiptFacts:
    values = dict(data)
    for name in MONEY_FIELDS:
        minor = values.get(name)
        values[name] = Money.from_minor(int(minor), currency) if minor is not None else None
    values["footer_lines"] = tuple(values.get("footer_lines") or ())
    values["method_lines"] = tuple(tuple(line) for line in values.get("method_lines") or ())
    values["settled"] = tuple((reference, Money.from_minor(int(minor), currency))
                              for reference, minor in values.get("settled") or ())
    known = ReceiptFacts.__dataclass_fields__
    return ReceiptFacts(**{k: v for k, v in values.items() if k in known})


def balance_after_payment(session: Session, payment_id: str, consumer_id: str) -> object:
    """The consumer's ledger balance just after this payment's own entry (for payments posted
    before their facts were kept); today's balance when it has no entry. Entries are taken in
    the order this desktop wrote them (SQLite's rowid: clocks of synced rows disagree), else
    by posting time."""
    order = literal_column("rowid") if session.get_bind().dialect.name == "sqlite" \
        else LedgerEntry.posted_at
    mark = session.execute(select(func.max(order)).where(
        LedgerEntry.source_type == "payment", LedgerEntry.source_id == payment_id,
        LedgerEntry.entry_type == "payment")).scalar()
    if mark is None:
        return balance(session, consumer_id)
    total = session.execute(select(money_sql(func.coalesce(func.sum(LedgerEntry.amount), 0))).where(
        LedgerEntry.consumer_id == consumer_id, order <= mark)).scalar()
    return total or 0


def stored_facts(session: Session, details: PaymentDetails, settings: Settings) -> ReceiptFacts:
    """The facts kept with the payment, or for an older payment the same facts worked out from
    what was true when it was posted."""
    row = session.get(Payment, details.payment.payment_id)
    if row is not None and row.receipt_facts:
        return facts_from_json(row.receipt_facts, settings.currency)
    owed = balance_after_payment(session, details.payment.payment_id, details.consumer.consumer_id)
    return facts_of(details, settings, Money.of(owed, settings.currency))
