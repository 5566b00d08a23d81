"""Tariffs and plans: the services (service, plans), their stored rows (records, rows,
plan_records, writes), import/export, comparison and sample bills, listing and the overview."""

from app.services.tariffs.plans import PlansService
from app.services.tariffs.service import TariffsService

__all__ = ["PlansService", "TariffsService"]
