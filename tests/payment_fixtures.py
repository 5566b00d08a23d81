"""The payments story's sample (section 8) in a real database: a dollar utility and John Doe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.models.billing import Bill, LedgerEntry, ServiceCharge
from app.models.consumers import Consumer, ServiceAccount
from app.models.payments import Installment, PaymentPlan
from app.models.reference import ServiceCentre, Zone
from app.services.core.auth import actor_of
from app.services.core.context import Actor
from app.services.registry import Services

D = Decimal
DOLLAR_SETTINGS = {"general.currency": "USD", "general.locale": "en_US",
                   "general.time_zone": "America/New_York"}


@dataclass(frozen=True)
class Sample:
    john: str
    mary: str
    bill_mar: str  # INV-2025-001234, $145.50, due Apr 15
    bill_apr: str  # INV-2025-001567, $152.25, due May 15
    bill_mary: str
    reconnection: str  # $75.00
    late_fee: str  # $25.00
    installments: tuple[str, str, str]  # PP-2025-0034, 3 x $67.50


def actor(runtime, username: str) -> Actor:
    """An actor without a password check (argon2 is slow on purpose)."""
    return actor_of(runtime.app, username)


def _consumer(session, zone: Zone, account_no: str, name: str, phone: str, email: str,
              address: str) -> tuple[Consumer, ServiceAccount]:
    consumer = Consumer(account_no=account_no, name=name, phone=phone, email=email,
                        category="Residential", service_address=address, billing_address=address,
                        zone_id=zone.id, registered_on=date(2020, 1, 1))
    session.add(consumer)
    session.flush()
    account = ServiceAccount(consumer_id=consumer.id, utility="Water",
                             account_no=f"{account_no}-W", connected_on=date(2020, 1, 1))
    session.add(account)
    session.flush()
    return consumer, account


def _bill(session, account: ServiceAccount, invoice_no: str, total: str, start: date, end: date,
          billed: date, due: date) -> Bill:
    bill = Bill(invoice_no=invoice_no, consumer_id=account.consumer_id, service_account_id=account.id,
                period_start=start, period_end=end, bill_date=billed, due_date=due,
                consumption=D("12.5"), total=D(total))
    return _debit(session, bill, "bill", bill.total, invoice_no)


def _debit(session, row, source: str, amount: Decimal, text: str):
    session.add(row)
    session.flush()
    session.add(LedgerEntry(consumer_id=row.consumer_id, entry_type=source, amount=amount,
                            source_type=source, source_id=row.id, description=text))
    return row


def _plan(session, consumer: Consumer) -> tuple[str, str, str]:
    plan = PaymentPlan(plan_no="PP-2025-0034", consumer_id=consumer.id, total_amount=D("202.50"),
                       down_payment=D(0), installments_count=3, frequency="Monthly",
                       start_date=date(2025, 4, 15), created_by="Recovery")
    session.add(plan)
    session.flush()
    rows = [Installment(plan_id=plan.id, number=n, amount=D("67.50"), due_date=date(2025, 3 + n, 15))
            for n in (1, 2, 3)]
    session.add_all(rows)
    session.flush()
    return rows[0].id, rows[1].id, rows[2].id


def build_sample(runtime, services: Services) -> Sample:
    services.settings.update(actor(runtime, "admin"), DOLLAR_SETTINGS)
    with runtime.app.sessions() as session, session.begin():
        centre = session.execute(select(ServiceCentre)).scalars().first()
        zone = Zone(code="NZ", name="North Zone", centre_id=centre.id)
        session.add(zone)
        session.flush()
        john, john_acc = _consumer(session, zone, "WU-10001", "John Doe", "(555) 123-4567",
                                   "john.doe@email.com", "123 Main Street, Cityville")
        mary, mary_acc = _consumer(session, zone, "WU-10002", "Mary Major", "(555) 987-6543",
                                   "mary@email.com", "9 Elm Road, Cityville")
        bill_mar = _bill(session, john_acc, "INV-2025-001234", "145.50", date(2025, 3, 1),
                         date(2025, 3, 31), date(2025, 3, 31), date(2025, 4, 15))
        bill_apr = _bill(session, john_acc, "INV-2025-001567", "152.25", date(2025, 4, 1),
                         date(2025, 4, 30), date(2025, 4, 18), date(2025, 5, 15))
        bill_mary = _bill(session, mary_acc, "INV-2025-002000", "80.00", date(2025, 3, 1),
                          date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 25))
        fees = [_debit(session, ServiceCharge(consumer_id=john.id, description=text, amount=D(amount),
                                              service_date=on), "service", D(amount), text)
                for text, amount, on in (("Reconnection Fee", "75.00", date(2025, 4, 18)),
                                         ("Late Fee", "25.00", date(2025, 4, 10)))]
        installments = _plan(session, john)
        return Sample(john.id, mary.id, bill_mar.id, bill_apr.id, bill_mary.id, fees[0].id,
                      fees[1].id, installments)
