"""Billing cycles, bills and their lines, service charges, exceptions and the ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyAmount, Quantity, Synced, UnitRate, UTCDateTime, fk, utcnow


class BillingCycle(Synced, Base):
    __tablename__ = "billing_cycles"
    name: Mapped[str] = mapped_column(String(120))  # "North Zone - May 2023"
    zone_id: Mapped[str] = fk("zones.id")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="Scheduled")  # Scheduled, Running, Completed
    accounts_total: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_billing_cycles_period", "period_start"),)


class BillRun(Synced, Base):
    """One bill run: who started it, its scope, its counts and state; the resume point."""

    __tablename__ = "bill_runs"
    scope: Mapped[str] = mapped_column(String(20))  # cycle, zone, segment, account
    scope_label: Mapped[str] = mapped_column(String(160))
    cycle_id: Mapped[str | None] = fk("billing_cycles.id", nullable=True)
    zone_id: Mapped[str | None] = fk("zones.id", nullable=True, index=False)
    segment: Mapped[str] = mapped_column(String(60), default="")
    account_no: Mapped[str] = mapped_column(String(40), default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    bill_date: Mapped[date] = mapped_column(Date)
    off_cycle: Mapped[bool] = mapped_column(Boolean, default=False)
    as_draft: Mapped[bool] = mapped_column(Boolean, default=False)  # bills wait for approval
    started_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="Running")  # Running, Completed
    accounts_total: Mapped[int] = mapped_column(Integer, default=0)
    billed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # billed before (idempotent re-run)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    last_account_no: Mapped[str] = mapped_column(String(40), default="")  # done up to here


class Bill(Synced, Base):
    __tablename__ = "bills"
    invoice_no: Mapped[str] = mapped_column(String(40), unique=True)
    consumer_id: Mapped[str] = fk("consumers.id", index=False)
    service_account_id: Mapped[str] = fk("service_accounts.id", index=False)
    cycle_id: Mapped[str | None] = fk("billing_cycles.id", nullable=True)
    tariff_version_id: Mapped[str | None] = fk("tariff_versions.id", nullable=True, index=False)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    bill_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    consumption: Mapped[Decimal] = mapped_column(Quantity)
    bill_type: Mapped[str] = mapped_column(String(20), default="Actual")  # Actual, Estimated, Final
    status: Mapped[str] = mapped_column(String(20), default="Approved")  # Draft, Approved, Cancelled
    total: Mapped[Decimal] = mapped_column(MoneyAmount)
    arrears: Mapped[Decimal] = mapped_column(MoneyAmount, default=Decimal(0))
    closing_read_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the next opens here
    run_id: Mapped[str | None] = fk("bill_runs.id", nullable=True, index=False)
    # one bill per service account and period; a rebill after a cancellation is the next number
    rebill_no: Mapped[int] = mapped_column(Integer, default=0)
    replaces_bill_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    approved_by: Mapped[str] = mapped_column(String(80), default="")
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    printed_by: Mapped[str] = mapped_column(String(80), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_by: Mapped[str] = mapped_column(String(80), default="")
    __table_args__ = (
        UniqueConstraint("service_account_id", "period_start", "rebill_no",
                         name="uq_bills_account_period"),
        Index("ix_bills_consumer_date", "consumer_id", "bill_date"),
        # Bills by date (date-range scopes, drill-downs) and, read from the index alone, the
        # reconciliation's sum of counted bill totals up to a day.
        Index("ix_bills_date_status_total", "bill_date", "status", "deleted", "total"),
        # Covering index for the Collection Rate KPI (bills falling due in a month).
        Index("ix_bills_due_date", "due_date", "status", "total"),
        # The dashboard's consumption classes: an account's same period in earlier years and its
        # previous cycles, read from the index alone.
        Index("ix_bills_account_period", "service_account_id", "period_start", "consumption",
              "status"),
    )


class BillLine(Synced, Base):
    __tablename__ = "bill_lines"
    bill_id: Mapped[str] = fk("bills.id", index=False)
    line_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(160))
    quantity: Mapped[Decimal | None] = mapped_column(Quantity, nullable=True)
    rate: Mapped[Decimal | None] = mapped_column(UnitRate, nullable=True)
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    gl_code: Mapped[str] = mapped_column(String(20), default="")
    utility: Mapped[str] = mapped_column(String(30), default="")
    tariff_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (
        # A bill's lines, and the dashboard's lines by GL code read from the index alone.
        Index("ix_bill_lines_bill_kind_amount", "bill_id", "kind", "amount", "deleted"),
    )


class ServiceCharge(Synced, Base):
    """A payable item that is not a bill: reconnection fee, late fee, meter test..."""

    __tablename__ = "service_charges"
    consumer_id: Mapped[str] = fk("consumers.id")
    description: Mapped[str] = mapped_column(String(160))
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    service_date: Mapped[date] = mapped_column(Date)
    gl_code: Mapped[str] = mapped_column(String(20), default="")
    # a late payment penalty or interest: the bill that assessed it
    bill_id: Mapped[str | None] = fk("bills.id", nullable=True)


class BillingException(Synced, Base):
    __tablename__ = "billing_exceptions"
    cycle_id: Mapped[str | None] = fk("billing_cycles.id", nullable=True)
    consumer_id: Mapped[str] = fk("consumers.id")
    service_account_id: Mapped[str | None] = fk("service_accounts.id", nullable=True, index=False)
    run_id: Mapped[str | None] = fk("bill_runs.id", nullable=True)
    category: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))  # Critical, High, Medium, Low
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="Open")  # Open, Escalated, Resolved
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_to: Mapped[str] = mapped_column(String(80), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(80), default="")
    resolution: Mapped[str] = mapped_column(Text, default="")


class LedgerEntry(Synced, Base):
    """Append-only account ledger: a consumer's balance is the sum of its entries.

    Debits (bills, service charges) are positive; credits (payments, credit
    notes applied as credit, deposits applied) are negative.
    """

    __tablename__ = "ledger_entries"
    consumer_id: Mapped[str] = fk("consumers.id", index=False)
    entry_type: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    source_type: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[str] = mapped_column(String(36))
    description: Mapped[str] = mapped_column(String(160), default="")
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        Index("ix_ledger_consumer_posted", "consumer_id", "posted_at"),
        # The dashboard's Outstanding at the end of a period: one index-only range sum.
        Index("ix_ledger_posted_amount", "posted_at", "amount", "deleted"),
        # The reconciliation's ledger by source (bills, charges, payments, the rest) in one
        # index-only pass, grouped in index order.
        Index("ix_ledger_source_posted", "source_type", "posted_at", "amount", "deleted"),
    )
