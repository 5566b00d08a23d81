"""Tariffs with immutable published versions, and plans that reference them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Synced, UnitRate, UTCDateTime, fk, utcnow


class Tariff(Synced, Base):
    __tablename__ = "tariffs"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    utility: Mapped[str] = mapped_column(String(30))
    rate_type: Mapped[str] = mapped_column(String(30))
    unit: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    manually_inactive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TariffVersion(Synced, Base):
    """One version of a tariff. A published version is immutable; its rate
    structure is the domain's tariff document (rates in 1/1,000,000, money in
    minor units), stored whole so the version is one atomic, syncable record."""

    __tablename__ = "tariff_versions"
    tariff_id: Mapped[str] = fk("tariffs.id")
    version_no: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    document: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default="Draft")  # Draft, Published, Archived
    change_summary: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("tariff_id", "version_no"),)


class Plan(Synced, Base):
    __tablename__ = "plans"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    short_name: Mapped[str] = mapped_column(String(15))
    description: Mapped[str] = mapped_column(Text)
    billing_frequency: Mapped[str] = mapped_column(String(20))  # Monthly, Bi-monthly, Quarterly, Annually
    tax_type: Mapped[str] = mapped_column(String(20))  # Flat, Percentage, Tiered, Exempt
    tax_rate: Mapped[Decimal] = mapped_column(UnitRate, default=Decimal(0))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    manually_inactive: Mapped[bool] = mapped_column(Boolean, default=False)
    # the day it was deactivated: its accounts keep it until their next billing cycle
    inactive_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    version_no: Mapped[int] = mapped_column(Integer, default=1)


class PlanCategory(Synced, Base):
    __tablename__ = "plan_categories"
    plan_id: Mapped[str] = fk("plans.id")
    category: Mapped[str] = mapped_column(String(60))
    sub_category: Mapped[str] = mapped_column(String(60))


class PlanService(Synced, Base):
    """A utility service in a plan, rated by an existing tariff."""

    __tablename__ = "plan_services"
    plan_id: Mapped[str] = fk("plans.id")
    utility: Mapped[str] = mapped_column(String(30))
    tariff_id: Mapped[str] = fk("tariffs.id")


class PlanCharge(Synced, Base):
    __tablename__ = "plan_charges"
    plan_id: Mapped[str] = fk("plans.id")
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(30))  # "Common" or a utility name
    charge_type: Mapped[str] = mapped_column(String(20))  # Fixed, Variable, Consumption-based
    amount: Mapped[Decimal] = mapped_column(UnitRate)


class PlanVersion(Synced, Base):
    __tablename__ = "plan_versions"
    plan_id: Mapped[str] = fk("plans.id")
    version_label: Mapped[str] = mapped_column(String(10))
    snapshot: Mapped[dict] = mapped_column(JSON)
    change_summary: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)



class PlanAssignment(Synced, Base):
    """One change of a service account's plan: append-only, the account's plan history.

    It applies from the account's first billing period starting on or after effective_from."""

    __tablename__ = "plan_assignments"
    service_account_id: Mapped[str] = fk("service_accounts.id")
    from_plan_id: Mapped[str | None] = fk("plans.id", nullable=True, index=False)
    to_plan_id: Mapped[str] = fk("plans.id")
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(80))  # "Consumer" or "Bulk: Residential"
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
