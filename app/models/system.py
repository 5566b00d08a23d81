"""Audit trail, usage events, the sync outbox and leased number blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, new_id, utcnow


class AuditEntry(Base):
    """Append-only and hash-chained: each entry stores the hash of the one before."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_name: Mapped[str] = mapped_column(String(80), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(60))
    summary: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class UsageEvent(Base):
    __tablename__ = "usage_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(80), index=True)
    properties: Mapped[dict] = mapped_column(JSON)


class OutboxEntry(Base):
    """One local change waiting to be pushed; written in the same transaction as the change."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(36))
    operation: Mapped[str] = mapped_column(String(20))  # insert, update, delete, command
    payload: Mapped[dict] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="Pending")  # Pending, Applied, Duplicate, Conflict, Rejected
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # Who made the change: the server checks the operation against this user's role.
    actor_username: Mapped[str] = mapped_column(String(80), default="", server_default="")
    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)


class NumberBlock(Base):
    """A block of human-readable numbers for one series, leased to this device."""

    __tablename__ = "number_blocks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    series: Mapped[str] = mapped_column(String(40))
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    next_seq: Mapped[int] = mapped_column(BigInteger)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    leased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("series", "first"),)


class SyncState(Base):
    """Key/value state of the sync agent (cursor, epoch, last sync)."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PulledQuarantine(Base):
    """A pulled row that could not be applied (a row it refers to is missing here, or a value cannot
    be read): kept aside so the pages after it still apply, tried again at each sync, and shown as
    a sync problem until it applies."""

    __tablename__ = "sync_quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
