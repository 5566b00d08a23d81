"""The disconnection story's sample (section 8) in a real database: John Michael Smith with
$456.78 outstanding and a $200.00 deposit, two meters, and an Inactive consumer to reconnect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select, update

from app.models.billing import Bill, LedgerEntry
from app.models.consumers import (
    Consumer,
    Meter,
    MeterRead,
    MeterType,
    SecurityDeposit,
    ServiceAccount,
)
from app.models.payments import Payment
from app.models.reference import ServiceCentre, Zone
from app.models.users import User
from app.services.registry import Services
from tests.payment_fixtures import DOLLAR_SETTINGS, actor

D = Decimal


@dataclass(frozen=True)
class RequestWorld:
    smith: str
    inactive: str  # Mary Major, disconnected earlier: her meter waits in the warehouse
    spare_meter: str  # WM-3001, free to assign


def _consumer(session, zone, account_no, name, email, status="Active", vip=False) -> Consumer:
    consumer = Consumer(account_no=account_no, name=name, phone="(555) 123-4567", email=email,
                        category="Residential", sub_category="Standard", vip=vip, status=status,
                        service_address="123 Oak Street, Springfield, IL 62701",
                        billing_address="123 Oak Street, Springfield, IL 62701", zone_id=zone.id,
                        registered_on=date(2024, 1, 15))
    session.add(consumer)
    session.flush()
    return consumer


def _meter(session, account, meter_type, meter_no, device_no, reading) -> Meter:
    meter = Meter(meter_no=meter_no, device_no=device_no, meter_type_id=meter_type.id,
                  service_account_id=account.id if account else None,
                  status="Installed" if account else "In warehouse", installed_on=date(2024, 1, 15))
    session.add(meter)
    session.flush()
    if reading is not None:
        session.add(MeterRead(meter_id=meter.id, read_on=date(2025, 3, 31), reading=D(reading)))
    return meter


def _ledger(session, consumer, account) -> None:
    for invoice, total, billed, due in (("INV-414013", "306.78", date(2025, 2, 28), date(2025, 3, 15)),
                                        ("INV-414014", "300.00", date(2025, 3, 31), date(2025, 4, 15))):
        bill = Bill(invoice_no=invoice, consumer_id=consumer.id, service_account_id=account.id,
                    period_start=billed.replace(day=1), period_end=billed, bill_date=billed,
                    due_date=due, consumption=D(100), total=D(total))
        session.add(bill)
        session.flush()
        session.add(LedgerEntry(consumer_id=consumer.id, entry_type="bill", amount=D(total),
                                source_type="bill", source_id=bill.id, description=invoice))
    payment = Payment(payment_no="PAY-2025-000001", transaction_no="TXN-2025-000001",
                      receipt_no="R-5001", consumer_id=consumer.id, payment_type="Bill",
                      channel="Online Portal", method="Online Banking", amount=D("150.00"),
                      paid_at=datetime(2025, 3, 20, 15, tzinfo=UTC), received_by="System")
    session.add(payment)
    session.flush()
    session.add(LedgerEntry(consumer_id=consumer.id, entry_type="payment", amount=D("-150.00"),
                            source_type="payment", source_id=payment.id, description="PAY"))
    session.add(SecurityDeposit(consumer_id=consumer.id, amount=D("200.00"), deposited_on=date(2024, 1, 15)))


def build_requests_world(runtime, services: Services) -> RequestWorld:
    services.settings.update(actor(runtime, "admin"), DOLLAR_SETTINGS)
    with runtime.app.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "supervisor")
                        .values(email="karen@utility.example", full_name="Karen Miller"))
        centre = session.execute(select(ServiceCentre)).scalars().first()
        zone = Zone(code="SZ", name="Springfield", centre_id=centre.id)
        session.add(zone)
        session.flush()
        electric = MeterType(name="Single-phase", utility="Electricity")
        water = MeterType(name="Water 15mm", utility="Water")
        session.add_all([electric, water])
        session.flush()
        smith = _consumer(session, zone, "ACC-2024-001789", "John Michael Smith", "john.smith@email.com")
        power = ServiceAccount(consumer_id=smith.id, utility="Electricity", account_no="ACC-2024-001789-E",
                               connected_on=date(2024, 1, 15))
        tap = ServiceAccount(consumer_id=smith.id, utility="Water", account_no="ACC-2024-001789-W",
                             connected_on=date(2024, 1, 15))
        session.add_all([power, tap])
        session.flush()
        _meter(session, power, electric, "EM-1001", "DEV-9001", "4520.5")
        _meter(session, tap, water, "WM-2001", "DEV-9002", "310")
        _ledger(session, smith, power)
        mary = _consumer(session, zone, "ACC-2024-002000", "Mary Major", "mary@email.com",
                         status="Inactive", vip=True)
        session.add(ServiceAccount(consumer_id=mary.id, utility="Water", account_no="ACC-2024-002000-W",
                                   connected_on=date(2024, 1, 15), status="Disconnected"))
        spare = _meter(session, None, water, "WM-3001", "DEV-9003", None)
        return RequestWorld(smith.id, mary.id, spare.id)
