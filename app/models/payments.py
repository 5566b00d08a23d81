"""Payments and their allocations, credit notes, payment plans and installments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyAmount, Synced, UTCDateTime, fk, utcnow


class Payment(Synced, Base):
    """Append-only once posted: corrected by a void, never edited."""

    __tablename__ = "payments"
    payment_no: Mapped[str] = mapped_column(String(40), unique=True)
    transaction_no: Mapped[str] = mapped_column(String(40), unique=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    consumer_id: Mapped[str] = fk("consumers.id", index=False)
    payment_type: Mapped[str] = mapped_column(String(20))  # Bill, Service, Installment
    channel: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    tendered: Mapped[Decimal | None] = mapped_column(MoneyAmount, nullable=True)
    change_given: Mapped[Decimal | None] = mapped_column(MoneyAmount, nullable=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="Posted")  # Posted, Pending, Failed, Cancelled, Voided
    verification: Mapped[str] = mapped_column(String(20), default="Verified")
    received_by: Mapped[str] = mapped_column(String(80))  # user name, or "System" for online
    notes: Mapped[str] = mapped_column(Text, default="")
    gateway_ref: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    webhook_status: Mapped[str] = mapped_column(String(30), default="")
    settlement_status: Mapped[str] = mapped_column(String(30), default="")
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cash_session_id: Mapped[str | None] = fk("cash_sessions.id", nullable=True)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_by: Mapped[str] = mapped_column(String(80), default="")
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What it paid, for the Avg Collection Time KPI without joining allocations and bills:
    # the bill date / service date of the bills and service charges it paid (allocations > 0)
    # when they share one, and how many they are (one per service of a billing cycle).
    # Written once with the payment. NULL (older rows, installments, items of several dates,
    # writers that do not know): the KPI works it out from the allocations.
    item_dated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    item_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # What the receipt said when the payment was posted (money in minor units), so that every
    # later copy says the same; NULL for payments posted before it was kept.
    receipt_facts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # Card (last four digits, authorisation code), cheque (number, bank, date) or transfer
    # (reference) details, as checked by app.domain.payments.method_details; NULL for others.
    method_details: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (
        Index("ix_payments_paid_at", "paid_at"),
        Index("ix_payments_consumer_paid", "consumer_id", "paid_at"),
        # Covering index for the landing page's KPIs: each is one index-only range scan of a
        # month's (or a day's) posted payments.
        Index("ix_payments_status_paid", "status", "paid_at", "amount", "item_dated_on",
              "item_count"),
    )


class PaymentAllocation(Synced, Base):
    """What a payment paid: one bill, service charge or installment."""

    __tablename__ = "payment_allocations"
    payment_id: Mapped[str] = fk("payments.id")
    bill_id: Mapped[str | None] = fk("bills.id", nullable=True)
    service_charge_id: Mapped[str | None] = fk("service_charges.id", nullable=True)
    installment_id: Mapped[str | None] = fk("installments.id", nullable=True)
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)


class CreditNote(Synced, Base):
    __tablename__ = "credit_notes"
    credit_note_no: Mapped[str] = mapped_column(String(40), unique=True)
    payment_id: Mapped[str] = fk("payments.id")
    consumer_id: Mapped[str] = fk("consumers.id")
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    reason: Mapped[str] = mapped_column(String(60))
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date] = mapped_column(Date)


class CreditNoteApplication(Synced, Base):
    __tablename__ = "credit_note_applications"
    credit_note_id: Mapped[str] = fk("credit_notes.id")
    bill_id: Mapped[str | None] = fk("bills.id", nullable=True)
    service_charge_id: Mapped[str | None] = fk("service_charges.id", nullable=True)
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    applied_by: Mapped[str] = mapped_column(String(80))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentPlan(Synced, Base):
    __tablename__ = "payment_plans"
    plan_no: Mapped[str] = mapped_column(String(40), unique=True)
    consumer_id: Mapped[str] = fk("consumers.id")
    total_amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    down_payment: Mapped[Decimal] = mapped_column(MoneyAmount)
    installments_count: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(20))  # Weekly, Fortnightly, Monthly
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="Active")  # Active, Completed, Defaulted
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Installment(Synced, Base):
    __tablename__ = "installments"
    plan_id: Mapped[str] = fk("payment_plans.id")
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    due_date: Mapped[date] = mapped_column(Date)


class PaymentPlanRevision(Synced, Base):
    __tablename__ = "payment_plan_revisions"
    plan_id: Mapped[str] = fk("payment_plans.id")
    summary: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankStatementLine(Synced, Base):
    """An imported bank statement line and how reconciliation resolved it."""

    __tablename__ = "bank_statement_lines"
    statement_ref: Mapped[str] = mapped_column(String(80))
    line_no: Mapped[int] = mapped_column(Integer)
    booked_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    payment_id: Mapped[str | None] = fk("payments.id", nullable=True)
    match_state: Mapped[str] = mapped_column(String(20), default="Unmatched")
    resolution_note: Mapped[str] = mapped_column(Text, default="")
