"""Disconnection and reconnection requests, service orders and communications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Synced, UTCDateTime, fk, utcnow


class ServiceRequest(Synced, Base):
    __tablename__ = "service_requests"
    request_no: Mapped[str] = mapped_column(String(40), unique=True)
    consumer_id: Mapped[str] = fk("consumers.id")
    request_type: Mapped[str] = mapped_column(String(20))  # Disconnection, Reconnection
    reason_code: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(120))
    priority: Mapped[str] = mapped_column(String(10))
    preferred_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    time_slot: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(String(250), default="")
    status: Mapped[str] = mapped_column(String(20), default="Pending")
    notify_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    required_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_updated_by: Mapped[str] = mapped_column(String(80), default="")
    last_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    close_reason: Mapped[str] = mapped_column(String(60), default="")


class ServiceOrder(Synced, Base):
    __tablename__ = "service_orders"
    so_no: Mapped[str] = mapped_column(String(40), unique=True)
    request_id: Mapped[str | None] = fk("service_requests.id", nullable=True)
    consumer_id: Mapped[str] = fk("consumers.id")
    template: Mapped[str] = mapped_column(String(80))
    # Disconnection, Reconnection, Meter removal, Inspection: what an SO ID is validated against.
    order_type: Mapped[str] = mapped_column(String(30), default="", server_default="")
    name: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(20), default="Created")
    priority: Mapped[str] = mapped_column(String(10), default="Medium")
    scheduled_date: Mapped[date] = mapped_column(Date)
    time_slot: Mapped[str] = mapped_column(String(20), default="")
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_to: Mapped[str] = mapped_column(String(80), default="")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[str] = mapped_column(String(80), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Communication(Synced, Base):
    """A note or message on a request; consumer messages also become notifications."""

    __tablename__ = "communications"
    request_id: Mapped[str | None] = fk("service_requests.id", nullable=True)
    consumer_id: Mapped[str] = fk("consumers.id")
    audience: Mapped[str] = mapped_column(String(20))  # Internal, Consumer
    channel: Mapped[str] = mapped_column(String(20), default="Note")  # Note, Email, SMS
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestEvent(Synced, Base):
    """The request's timeline: every activity, in order."""

    __tablename__ = "request_events"
    request_id: Mapped[str] = fk("service_requests.id")
    event: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
    user_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Synced, Base):
    """An outgoing e-mail/SMS; the central service sends it and records delivery."""

    __tablename__ = "notifications"
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="Queued")  # Queued, Sent, Failed
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # documents the mailer attaches as PDFs: "bills:INV-1,INV-2" (a final bill), or none
    attachment: Mapped[str] = mapped_column(String(200), default="", server_default="")
