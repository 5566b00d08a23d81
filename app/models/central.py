"""Server-only tables of the central service: devices, tokens, change log, leases, webhooks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, fk, utcnow


class Device(Base):
    """An enrolled desktop, bound to one service centre (and so to that centre's zones)."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    centre_id: Mapped[str] = fk("service_centres.id")
    secret_hash: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The highest outbox sequence this device has had processed: a retried push stops here.
    applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EnrolmentCode(Base):
    """A one-time code an administrator makes so that a new desktop can join a centre."""

    __tablename__ = "enrolment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = fk("service_centres.id")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_by_device: Mapped[str | None] = mapped_column(String(36), nullable=True)


class AuthToken(Base):
    """A bearer token, stored only as its sha256: a database leak gives no usable token."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = fk("users.id")
    device_id: Mapped[str | None] = fk("devices.id", nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ChangeLogEntry(Base):
    """One committed change, handed out to devices in (txid, seq) order.

    txid is the writing transaction's id on PostgreSQL (0 on SQLite, where
    writers are serialised): pulls only hand out rows below the snapshot xmin,
    so a transaction that commits late is never skipped.
    """

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    operation: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    # Scope: a zone's row, a centre's row, or (both null) reference data for everyone.
    zone_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    centre_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)
    device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        Index("ix_change_log_position", "txid", "seq"),
        Index("ix_change_log_scope", "zone_id", "centre_id"),
    )


class NumberSeries(Base):
    """The next unleased number of a series; leasing locks this row."""

    __tablename__ = "number_series"
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_first: Mapped[int] = mapped_column(BigInteger)


class NumberLease(Base):
    """A block of numbers leased to a device (or to the service itself, device null)."""

    __tablename__ = "number_leases"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    series: Mapped[str] = mapped_column(String(40))
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    leased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("series", "first"),)


class WebhookEvent(Base):
    """A payment gateway event already processed: a replay changes nothing."""

    __tablename__ = "webhook_events"
    event_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(Text, default="")


class ServerMeta(Base):
    """Key/value facts of the central database, such as its epoch."""

    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PushResult(Base):
    """The answer the service gave to one pushed operation of a device, kept so that a retry
    after a lost response gets the same answer back (a rejection stays a rejection)."""

    __tablename__ = "push_results"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    operation: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    current: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The record whose refusal this operation was refused with (a void's reversal, say).
    depends_on: Mapped[str | None] = mapped_column(String(60), nullable=True)
    __table_args__ = (Index("ix_push_results_device_entity", "device_id", "entity_id"),)


class RefusedWebhook(Base):
    """A signed gateway event the service could not use, kept for an administrator to look at."""

    __tablename__ = "refused_webhooks"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    provider: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_id: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


class BillRunChunk(Base):
    """A chunk of a bill run the central service's job workers finished: a chunk's job run
    again (a worker lost after committing it) finds its row and bills nothing."""

    __tablename__ = "bill_run_chunks"
    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    chunk_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    billed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(80), default="")
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
