"""The tariff story's sample tariffs (section 8) for a dollar utility, and a consumer to use them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    RateType,
    Season,
    SlabRow,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    slabs_from_rows,
)
from app.models.billing import Bill
from app.models.consumers import Consumer, ServiceAccount
from app.models.reference import ServiceCentre, Zone
from app.services.core.auth import actor_of
from app.services.core.context import Actor

DOLLARS = {"general.currency": "USD", "general.locale": "en_US",
           "general.time_zone": "America/New_York"}
USD = "USD"


def actor(runtime, username: str) -> Actor:
    """An actor without a password check (argon2 is slow on purpose)."""
    return actor_of(runtime.app, username)


def dollar_utility(services, runtime) -> None:
    services.settings.update(actor(runtime, "admin"), DOLLARS)


def standard_residential(**changes) -> TariffVersion:
    return TariffVersion("Standard Residential Electricity", Utility.ELECTRICITY, Unit.KWH,
                         RateType.FLAT, USD, date(2025, 3, 15), unit_rate=D("0.1200"),
                         **changes)


def commercial_water(**changes) -> TariffVersion:
    rows = [SlabRow(D(0), D(100), D("0.08")), SlabRow(D(101), D(500), D("0.10")),
            SlabRow(D(501), D(1000), D("0.12")), SlabRow(D(1001), None, D("0.15"))]
    return TariffVersion("Commercial Water Basic", Utility.WATER, Unit.KL, RateType.SLAB, USD,
                         date(2025, 3, 15), date(2025, 5, 15), slabs=slabs_from_rows(rows),
                         **changes)


def winter_discount(**changes) -> TariffVersion:
    return TariffVersion("Winter Discount", Utility.ELECTRICITY, Unit.KWH, RateType.SEASONAL, USD,
                         date(2024, 11, 1), date(2025, 3, 31),
                         seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.09")),
                                  Season("Regular", (4, 1), (10, 31), rate=D("0.12"))),
                         **changes)


def peak_hour_rate(**changes) -> TariffVersion:
    return TariffVersion("Peak Hour Rate", Utility.ELECTRICITY, Unit.KWH, RateType.TIME_OF_USE, USD,
                         date(2025, 3, 14),
                         tou_periods=(TouPeriod("Off-Peak", ((22, 6),), D("0.08")),
                                      TouPeriod("Standard", ((6, 16), (20, 22)), D("0.12")),
                                      TouPeriod("Peak", ((16, 20),), D("0.18"))),
                         **changes)


def industrial_gas(**changes) -> TariffVersion:
    return TariffVersion("Industrial Gas", Utility.GAS, Unit.M3, RateType.FIXED, USD,
                         date(2025, 3, 15),
                         charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Monthly Service Fee",
                                         amount=D("250.00")),),
                         **changes)


def consumer_on(runtime, tariff_id: str | None = None, plan_id: str | None = None,
                *, bill_version_id: str | None = None, category: str = "Residential") -> str:
    """A consumer with one service account on the tariff/plan (and a bill, if asked)."""
    with runtime.app.sessions() as session, session.begin():
        centre = session.execute(select(ServiceCentre)).scalars().first()
        zone = session.execute(select(Zone).where(Zone.code == "NZ")).scalar_one_or_none()
        if zone is None:
            zone = Zone(code="NZ", name="North", centre_id=centre.id)
            session.add(zone)
            session.flush()
        number = session.execute(select(Consumer)).scalars().all()
        account_no = f"C{len(number) + 1:04d}"
        consumer = Consumer(account_no=account_no, name="John Doe", category=category,
                            service_address="1 Main St", billing_address="1 Main St",
                            zone_id=zone.id, registered_on=date(2024, 1, 1))
        session.add(consumer)
        session.flush()
        account = ServiceAccount(consumer_id=consumer.id, utility="electricity",
                                 account_no=f"{account_no}-E", tariff_id=tariff_id, plan_id=plan_id,
                                 connected_on=date(2025, 1, 10))
        session.add(account)
        session.flush()
        if bill_version_id:
            session.add(Bill(invoice_no=f"INV-{account_no}", consumer_id=consumer.id,
                             service_account_id=account.id, tariff_version_id=bill_version_id,
                             period_start=date(2025, 3, 1), period_end=date(2025, 3, 31),
                             bill_date=date(2025, 4, 1), due_date=date(2025, 4, 15),
                             consumption=D(100), total=D("12.00")))
        return account.id
