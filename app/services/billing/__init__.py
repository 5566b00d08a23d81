"""Billing: cycles, meter reads, bill runs, bills, exceptions and the GL journal."""

from app.services.billing.service import BillingService

__all__ = ["BillingService"]
