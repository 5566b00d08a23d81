"""Consumers, their service accounts per utility, meters, reads and deposits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyAmount, Quantity, Synced, UTCDateTime, fk


class Consumer(Synced, Base):
    __tablename__ = "consumers"
    account_no: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    phone: Mapped[str] = mapped_column(String(30), default="", index=True)
    email: Mapped[str] = mapped_column(String(160), default="")
    category: Mapped[str] = mapped_column(String(60))
    sub_category: Mapped[str] = mapped_column(String(60), default="")
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="Active")
    service_address: Mapped[str] = mapped_column(String(250))
    billing_address: Mapped[str] = mapped_column(String(250))
    zone_id: Mapped[str] = fk("zones.id")
    registered_on: Mapped[date] = mapped_column(Date)
    # AC002: the profile is locked while a disconnection request is being raised.
    locked_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ServiceAccount(Synced, Base):
    """A consumer's supply of one utility, on one plan and tariff."""

    __tablename__ = "service_accounts"
    consumer_id: Mapped[str] = fk("consumers.id")
    utility: Mapped[str] = mapped_column(String(30))
    account_no: Mapped[str] = mapped_column(String(40), unique=True)
    plan_id: Mapped[str | None] = fk("plans.id", nullable=True)
    tariff_id: Mapped[str | None] = fk("tariffs.id", nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="Active")
    sanctioned_load_kw: Mapped[Decimal | None] = mapped_column(Quantity, nullable=True)
    connected_on: Mapped[date] = mapped_column(Date)


class MeterType(Synced, Base):
    __tablename__ = "meter_types"
    name: Mapped[str] = mapped_column(String(80), unique=True)
    utility: Mapped[str] = mapped_column(String(30))
    registers: Mapped[str] = mapped_column(String(60), default="total")  # "total" or "peak,standard,off_peak"


class Meter(Synced, Base):
    __tablename__ = "meters"
    meter_no: Mapped[str] = mapped_column(String(40), unique=True)
    device_no: Mapped[str] = mapped_column(String(40), unique=True)
    meter_type_id: Mapped[str] = fk("meter_types.id")
    service_account_id: Mapped[str | None] = fk("service_accounts.id", nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="Installed")  # Installed, Uninstalled, In inventory
    installed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    dial_digits: Mapped[int] = mapped_column(Integer, default=6)


class MeterMovement(Synced, Base):
    """Append-only history of a meter: unassigned at the premises, removed to the warehouse or
    decommissioned, assigned again. Executing a disconnection or reconnection writes one."""

    __tablename__ = "meter_movements"
    meter_id: Mapped[str] = fk("meters.id")
    consumer_id: Mapped[str] = fk("consumers.id")
    request_id: Mapped[str | None] = fk("service_requests.id", nullable=True)
    so_no: Mapped[str] = mapped_column(String(40), default="")
    action: Mapped[str] = mapped_column(String(30))  # Unassigned, Removed, Assigned
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))  # Uninstalled, In warehouse, Decommissioned, Installed
    service_account_id: Mapped[str | None] = fk("service_accounts.id", nullable=True, index=False)
    moved_by: Mapped[str] = mapped_column(String(80))
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeterRead(Synced, Base):
    __tablename__ = "meter_reads"
    meter_id: Mapped[str] = fk("meters.id", index=False)
    read_on: Mapped[date] = mapped_column(Date)
    register: Mapped[str] = mapped_column(String(20), default="total")
    reading: Mapped[Decimal] = mapped_column(Quantity)
    read_type: Mapped[str] = mapped_column(String(20), default="Actual")  # Actual, Estimated
    reason: Mapped[str] = mapped_column(String(20), default="")  # "", Meter change, Rollover
    __table_args__ = (Index("ix_meter_reads_meter_date", "meter_id", "read_on"),)


class SecurityDeposit(Synced, Base):
    __tablename__ = "security_deposits"
    consumer_id: Mapped[str] = fk("consumers.id")
    amount: Mapped[Decimal] = mapped_column(MoneyAmount)
    deposited_on: Mapped[date] = mapped_column(Date)
    use_in_bill: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="Held")  # Held, Applied, Refunded
