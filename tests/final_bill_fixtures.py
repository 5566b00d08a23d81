"""The disconnection story's sample ready for its final bill: John Michael Smith ($456.78
outstanding, a $200.00 deposit) with flat tariffs on both his accounts and an In progress
disconnection request. 100 kWh at $0.12 is $12.00; 10 kL of water at $1.50 is $15.00."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import update

from app.domain.tariffs.validation import RateType, TariffVersion, Unit, Utility
from app.models.billing import Bill
from app.models.consumers import ServiceAccount
from app.services.requests import RequestDraft
from tests.payment_fixtures import actor

TODAY = date(2025, 4, 20)  # the fixed clock's day in New York


def rate_smith(runtime, services, world) -> None:
    """Flat tariffs on Smith's accounts; no late charges, so the spec's figures stand."""
    services.settings.update(actor(runtime, "admin"), {"billing.late_penalty_percent": "0",
                                                       "billing.late_interest_percent": "0"})
    manager = actor(runtime, "manager")
    power = services.tariffs.create(manager, TariffVersion(
        "Home Electricity", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, "USD", date(2025, 1, 1),
        unit_rate=Decimal("0.1200"))).tariff_id
    water = services.tariffs.create(manager, TariffVersion(
        "Home Water", Utility.WATER, Unit.KL, RateType.FLAT, "USD", date(2025, 1, 1),
        unit_rate=Decimal("1.5000"))).tariff_id
    with runtime.app.sessions() as session, session.begin():
        # the planted history took the series' first numbers without the series
        session.execute(update(Bill).values(invoice_no="HIST-" + Bill.invoice_no))
        for utility, tariff in (("Electricity", power), ("Water", water)):
            session.execute(update(ServiceAccount).where(
                ServiceAccount.consumer_id == world.smith, ServiceAccount.utility == utility)
                .values(tariff_id=tariff))


def disconnection_in_progress(runtime, services, world) -> str:
    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, world.smith)
    created = services.requests.create_request(cashier, RequestDraft(
        world.smith, "NP-001", TODAY, "10:00-12:00", "", notify_customer=False))
    services.requests.acknowledge(actor(runtime, "recovery"), created.request_id)
    return created.request_id


def next_week() -> date:
    return TODAY + timedelta(days=7)
