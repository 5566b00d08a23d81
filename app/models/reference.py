"""Reference data: service centres, counters, zones, categories and stored settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Synced, UTCDateTime, fk, utcnow


class ServiceCentre(Synced, Base):
    __tablename__ = "service_centres"
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(250), default="")


class Counter(Synced, Base):
    __tablename__ = "counters"
    centre_id: Mapped[str] = fk("service_centres.id")
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    printer_url: Mapped[str] = mapped_column(String(250), default="")
    # A counter is a device: the desktop that created (or first claimed) it. Its cash sessions are
    # that desktop's; no other desktop may open one there or take its name.
    device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    __table_args__ = (UniqueConstraint("centre_id", "code"),)


class Zone(Synced, Base):
    """A service area; billing cycles and a device's sync scope are per zone."""

    __tablename__ = "zones"
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    centre_id: Mapped[str] = fk("service_centres.id")


class ConsumerCategory(Synced, Base):
    __tablename__ = "consumer_categories"
    name: Mapped[str] = mapped_column(String(60), unique=True)


class ConsumerSubCategory(Synced, Base):
    __tablename__ = "consumer_sub_categories"
    category_id: Mapped[str] = fk("consumer_categories.id")
    name: Mapped[str] = mapped_column(String(60))
    __table_args__ = (UniqueConstraint("category_id", "name"),)


class Setting(Synced, Base):
    """One utility setting; its type, default and validation live in app.domain.core.settings."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), unique=True)
    value: Mapped[object] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(80), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
