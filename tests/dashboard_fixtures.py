"""A small billing history for the dashboard, built row by row so every figure is known.

North Zone, electricity, a utility in Asia/Kolkata (the default); the clock stands at
2025-04-20 10:30 UTC. Cycle "<month>" bills the month before it; its bills are dated the 5th.
Consumption (kWh) per cycle:

              Mar 2024   Jan 2025   Feb 2025   Mar 2025   -> Mar 2025 class
  Asha Smith     100        100        100        160      High (> 150% of 100)
  Bram Stoker    100         80         90          0      Zero (two non-zero before)
  Cyril Smythe    -          50         50         40      Insufficient history
  Dina Patel     100          -          -         40      Low (< 50% of 100)

Each bill: energy 0.10/kWh, a 5.00 meter rent (fixed, GL 4100) and 10% tax on energy.
Mar 2025 also: one open exception (Elena Ruiz: no bill) and one resolved; a 25.00 late fee
(GL 4200) and a 75.00 reconnection fee (GL 4300) on Mar 7; Asha paid her Jan bill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.models.billing import (
    Bill,
    BillingCycle,
    BillingException,
    BillLine,
    LedgerEntry,
    ServiceCharge,
)
from app.models.consumers import Consumer, ServiceAccount
from app.models.payments import Payment
from app.models.reference import ServiceCentre, Zone

D = Decimal
HISTORY = {  # consumer -> consumption per cycle month (None: no bill)
    "Asha Smith": {(2024, 3): 100, (2025, 1): 100, (2025, 2): 100, (2025, 3): 160},
    "Bram Stoker": {(2024, 3): 100, (2025, 1): 80, (2025, 2): 90, (2025, 3): 0},
    "Cyril Smythe": {(2025, 1): 50, (2025, 2): 50, (2025, 3): 40},
    "Dina Patel": {(2024, 3): 100, (2025, 3): 40},
}
CATEGORY = {"Dina Patel": "Commercial"}


@dataclass
class World:
    zone: str
    cycles: dict[tuple[int, int], str] = field(default_factory=dict)
    consumers: dict[str, str] = field(default_factory=dict)
    bills: dict[tuple[str, tuple[int, int]], str] = field(default_factory=dict)


def _month_before(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end


def bill_amounts(units: int) -> tuple[Decimal, Decimal, Decimal]:
    energy = (D(units) * D("0.10")).quantize(D("0.01"))
    return energy, D("5.00"), (energy * D("0.10")).quantize(D("0.01"))


def build_world(runtime) -> World:
    with runtime.app.sessions() as session, session.begin():
        centre = session.query(ServiceCentre).first()
        zone = Zone(code="NZ", name="North", centre_id=centre.id)
        session.add(zone)
        session.flush()
        world = World(zone.id)
        for year, month in [(2024, 3), (2025, 1), (2025, 2), (2025, 3), (2025, 4)]:
            start, end = _month_before(year, month)
            status = "Running" if (year, month) == (2025, 4) else "Completed"
            cycle = BillingCycle(name=f"North Zone - {date(year, month, 1):%b %Y}", zone_id=zone.id,
                                 period_start=start, period_end=end, status=status,
                                 deadline=datetime(year, month, 21 if month == 4 else 10, 18, tzinfo=UTC),
                                 accounts_total=5 if status == "Running" else 4)
            session.add(cycle)
            session.flush()
            world.cycles[(year, month)] = cycle.id
        for index, name in enumerate([*HISTORY, "Elena Ruiz"], start=1):
            consumer = Consumer(account_no=f"ACC-{index:04d}", name=name, category=CATEGORY.get(name, "Residential"),
                                service_address=f"{index} Lake Road, Pune", billing_address="same",
                                zone_id=zone.id, registered_on=date(2020, 1, 1))
            session.add(consumer)
            session.flush()
            account = ServiceAccount(consumer_id=consumer.id, utility="Electricity",
                                     account_no=f"SA-{index:04d}", connected_on=date(2020, 1, 1))
            session.add(account)
            session.flush()
            world.consumers[name] = consumer.id
            for key, units in HISTORY.get(name, {}).items():
                world.bills[(name, key)] = _bill(session, world, consumer, account, key, units, index)
        _march_extras(session, world)
    return world


def _bill(session, world: World, consumer, account, key: tuple[int, int], units: int, index: int) -> str:
    start, end = _month_before(*key)
    energy, fixed, tax = bill_amounts(units)
    bill_day = date(key[0], key[1], 5)
    bill = Bill(invoice_no=f"INV-{key[0]}{key[1]:02d}-{index:03d}", consumer_id=consumer.id,
                service_account_id=account.id, cycle_id=world.cycles[key], period_start=start,
                period_end=end, bill_date=bill_day, due_date=bill_day + timedelta(days=15),
                consumption=D(units), bill_type="Estimated" if units == 40 and index == 3 else "Actual",
                total=energy + fixed + tax)
    session.add(bill)
    session.flush()
    for number, (kind, description, amount) in enumerate(
            [("energy", "Energy", energy), ("fixed", "Meter rent", fixed), ("percentage", "Tax", tax)], 1):
        session.add(BillLine(bill_id=bill.id, line_no=number, kind=kind, description=description, amount=amount))
    session.add(LedgerEntry(consumer_id=consumer.id, entry_type="bill", amount=bill.total, source_type="bill",
                            source_id=bill.id, posted_at=datetime(key[0], key[1], 5, 1, tzinfo=UTC)))
    return bill.id


def _march_extras(session, world: World) -> None:
    march = world.cycles[(2025, 3)]
    opened = datetime(2025, 3, 5, 1, tzinfo=UTC)
    session.add(BillingException(cycle_id=march, consumer_id=world.consumers["Elena Ruiz"],
                                 category="Missing meter read", severity="High", message="No reading",
                                 status="Open", opened_at=opened))
    session.add(BillingException(cycle_id=march, consumer_id=world.consumers["Asha Smith"],
                                 category="High consumption variance", severity="Medium", message="Check",
                                 status="Resolved", opened_at=opened, resolved_at=opened + timedelta(days=1)))
    for description, amount, code in (("Late Fee", D("25.00"), "4200"), ("Reconnection fee", D("75.00"), "4300")):
        charge = ServiceCharge(consumer_id=world.consumers["Bram Stoker"], description=description,
                               amount=amount, service_date=date(2025, 3, 7), gl_code=code)
        session.add(charge)
        session.flush()
        session.add(LedgerEntry(consumer_id=charge.consumer_id, entry_type="service_charge", amount=amount,
                                source_type="service_charge", source_id=charge.id,
                                posted_at=datetime(2025, 3, 7, 1, tzinfo=UTC)))
    asha = world.consumers["Asha Smith"]
    paid = datetime(2025, 1, 12, 6, tzinfo=UTC)
    payment = Payment(payment_no="PAY-1", transaction_no="TX-1", receipt_no="R-1", consumer_id=asha,
                      payment_type="Bill", channel="Walk-in", method="Cash", amount=D("16.00"),
                      paid_at=paid, received_by="cashier")
    session.add(payment)
    session.flush()
    session.add(LedgerEntry(consumer_id=asha, entry_type="payment", amount=-payment.amount,
                            source_type="payment", source_id=payment.id, posted_at=paid))
