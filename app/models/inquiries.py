"""Follow-up on payments: customers' inquiries and disputes, and managers' performance alerts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyAmount, Synced, UTCDateTime, fk


class PaymentInquiry(Synced, Base):
    """Logged against a payment at the counter; resolved (once) with its outcome."""

    __tablename__ = "payment_inquiries"
    payment_id: Mapped[str] = fk("payments.id")
    inquiry_type: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True)  # Open, Resolved
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(80), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfaction: Mapped[str] = mapped_column(String(20), default="")


class PaymentAlert(Synced, Base):
    """A manager's threshold on a Payments KPI. It belongs to its owner (who is told) and to the
    centre it was set at; deleting one leaves a tombstone. The threshold is in the metric's unit
    (percent, money or a count), two decimals at most."""

    __tablename__ = "payment_alerts"
    owner: Mapped[str] = mapped_column(String(80), index=True)  # a username
    centre_id: Mapped[str | None] = fk("service_centres.id", nullable=True)
    metric: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[Decimal] = mapped_column(MoneyAmount)
    notify_in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_email: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
