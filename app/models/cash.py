"""Cash sessions (shifts), drawer movements and receipt print records."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyAmount, Synced, UTCDateTime, fk, utcnow


class CashSession(Synced, Base):
    __tablename__ = "cash_sessions"
    session_no: Mapped[int] = mapped_column(Integer)
    counter_id: Mapped[str] = fk("counters.id")
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opening_counts: Mapped[dict] = mapped_column(JSON)  # denomination (minor units, str) -> count
    opening_float: Mapped[Decimal] = mapped_column(MoneyAmount)
    status: Mapped[str] = mapped_column(String(10), default="Open")  # Open, Closed
    closed_by: Mapped[str] = mapped_column(String(80), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closing_counts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    expected_cash: Mapped[Decimal | None] = mapped_column(MoneyAmount, nullable=True)
    counted_cash: Mapped[Decimal | None] = mapped_column(MoneyAmount, nullable=True)
    variance_reason: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(80), default="")


class CashMovement(Synced, Base):
    __tablename__ = "cash_movements"
    session_id: Mapped[str] = fk("cash_sessions.id")
    kind: Mapped[str] = mapped_column(String(20))  # cash_payment, refund, cash_in, cash_out, void, no_sale
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    counts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    payment_id: Mapped[str | None] = fk("payments.id", nullable=True)
    user_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiptPrint(Synced, Base):
    """Each attempt to print a receipt; failed ones form the reprint queue."""

    __tablename__ = "receipt_prints"
    payment_id: Mapped[str] = fk("payments.id")
    printer_url: Mapped[str] = mapped_column(String(250))
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(20))  # Printed, Failed, Pending
    error: Mapped[str] = mapped_column(Text, default="")
    user_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
