"""Tariffs and plans: the services (service, plans), their stored rows (records, rows,
plan_records, writes), import/export, comparison and sample bills, listing and the overview.

The two services are loaded when first asked for, so that a light module of this package
(quotes, for the command line) does not import the ORM and every use case with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.tariffs.plans import PlansService
    from app.services.tariffs.service import TariffsService

__all__ = ["PlansService", "TariffsService"]


def __getattr__(name: str) -> object:
    if name == "PlansService":
        from app.services.tariffs.plans import PlansService

        return PlansService
    if name == "TariffsService":
        from app.services.tariffs.service import TariffsService

        return TariffsService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
