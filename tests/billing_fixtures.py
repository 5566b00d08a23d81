"""A small billing world in a real database: a dollar utility, North Zone's April 2025 cycle,
tariffs published through the tariff service, a dual-fuel plan, consumers with meters and reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal as D

from sqlalchemy import select

from app.domain.tariffs.validation import Charge, ChargeKind, RateType, TariffVersion, Unit, Utility
from app.models.billing import BillingCycle
from app.models.consumers import Consumer, Meter, MeterRead, MeterType, ServiceAccount
from app.models.reference import ServiceCentre, Zone
from app.models.tariffs import Plan, PlanCharge, PlanService
from tests.tariff_fixtures import actor, dollar_utility

USD = "USD"
PERIOD = (date(2025, 3, 16), date(2025, 4, 15))
CYCLE = "North Zone - Apr 2025"


def electricity() -> TariffVersion:
    return TariffVersion("Home Electricity", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, USD,
                         date(2025, 1, 1), unit_rate=D("0.1200"))


def gas() -> TariffVersion:
    return TariffVersion("Home Gas", Utility.GAS, Unit.M3, RateType.FLAT, USD, date(2025, 1, 1),
                         unit_rate=D("0.4500"),
                         charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Gas supply", amount=D("12.00")),))


@dataclass
class World:
    runtime: object
    services: object
    zone_id: str
    cycle_id: str
    electricity_id: str
    gas_id: str
    plan_id: str
    meter_types: dict[str, str] = field(default_factory=dict)
    serial: int = 0

    def consumer(self, name: str, *, category: str = "Residential", address: str = "1 Main St",
                 meters: dict[str, list[tuple[date, str]]] | None = None, plan: bool = True,
                 tariff: str | None = None, utility: str = "electricity") -> str:
        """A consumer with one service account; meters: {utility: [(read_on, reading)]}.
        Returns the service account number."""
        self.serial += 1
        number = f"C{self.serial:04d}"
        with self.runtime.app.sessions() as session, session.begin():
            consumer = Consumer(account_no=number, name=name, category=category,
                                service_address=address or "1 Main St", billing_address=address,
                                zone_id=self.zone_id, registered_on=date(2024, 1, 1))
            session.add(consumer)
            session.flush()
            account = ServiceAccount(consumer_id=consumer.id, utility=utility, account_no=f"{number}-A",
                                     plan_id=self.plan_id if plan else None, tariff_id=tariff,
                                     connected_on=date(2024, 1, 1))
            session.add(account)
            session.flush()
            for kind, reads in (meters or {}).items():
                meter = Meter(meter_no=f"M-{number}-{kind}", device_no=f"D-{number}-{kind}",
                              meter_type_id=self.meter_types[kind], service_account_id=account.id,
                              installed_on=date(2024, 1, 1))
                session.add(meter)
                session.flush()
                for read_on, reading in reads:
                    session.add(MeterRead(meter_id=meter.id, read_on=read_on, reading=D(reading)))
            return account.account_no


def build_world(runtime, services) -> World:
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    electricity_id = services.tariffs.create(manager, electricity(), categories=["Residential"]).tariff_id
    gas_id = services.tariffs.create(manager, gas()).tariff_id
    with runtime.app.sessions() as session, session.begin():
        centre = session.execute(select(ServiceCentre)).scalars().first()
        zone = Zone(code="NZ", name="North", centre_id=centre.id)
        session.add(zone)
        session.flush()
        cycle = BillingCycle(name=CYCLE, zone_id=zone.id, period_start=PERIOD[0], period_end=PERIOD[1],
                             deadline=datetime(2025, 4, 25, 17, tzinfo=UTC), status="Running")
        plan = Plan(name="Dual Fuel", short_name="DF", description="Electricity and gas",
                    billing_frequency="Monthly", tax_type="Percentage", tax_rate=D(5),
                    valid_from=date(2025, 1, 1))
        session.add_all([cycle, plan])
        session.flush()
        session.add_all([PlanService(plan_id=plan.id, utility="electricity", tariff_id=electricity_id),
                         PlanService(plan_id=plan.id, utility="gas", tariff_id=gas_id),
                         PlanCharge(plan_id=plan.id, name="Administrative Fee", scope="Common",
                                    charge_type="Fixed", amount=D("5.99"))])
        kinds = {"electricity": MeterType(name="Single phase", utility="electricity"),
                 "gas": MeterType(name="Gas diaphragm", utility="gas"),
                 "tou": MeterType(name="Three register", utility="electricity",
                                  registers="peak,standard,off_peak")}
        session.add_all(kinds.values())
        session.flush()
        return World(runtime, services, zone.id, cycle.id, electricity_id, gas_id, plan.id,
                     {key: kind.id for key, kind in kinds.items()})
