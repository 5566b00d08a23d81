"""A counter desktop killed while posting a payment: the database keeps all of it or none of it.

A child process records John Doe's $145.50 cash payment with a hook that
waits at a chosen point; the test kills it there with SIGKILL (no clean-up,
as in a power cut or a crash) and reopens the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.domain.core.clock import FixedClock
from app.models.billing import LedgerEntry
from app.models.payments import CreditNote, Payment, PaymentAllocation
from app.models.system import AuditEntry, NumberBlock, OutboxEntry, UsageEvent
from app.runtime import open_runtime
from tests.crash import kill_at_marker, needs_sigkill
from tests.factories import NOW
from tests.payment_fixtures import build_sample

pytestmark = needs_sigkill

TABLES = {"payments": Payment, "allocations": PaymentAllocation, "ledger": LedgerEntry,
          "credit_notes": CreditNote, "audit": AuditEntry, "outbox": OutboxEntry,
          "usage": UsageEvent}

CHILD = """
import sys, time
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.runtime import open_runtime
from app.services.payments import posting as payments
from app.services.payments.posting import PaymentRequest
from app.services.registry import Services
from tests.factories import NOW
from tests.payment_fixtures import actor

folder, john, bill, point = sys.argv[1:5]
runtime = open_runtime(Path(folder), lock=False, clock=FixedClock(NOW))
services = Services(runtime.app)
write_audit = payments.PaymentsService._audit


def audit_then_wait(work, *args):
    write_audit(work, *args)  # payment, allocation, ledger, outbox and audit rows are flushed
    work.session.flush()
    print("INSIDE", flush=True)
    time.sleep(120)


if point == "inside":
    payments.PaymentsService._audit = staticmethod(audit_then_wait)
request = PaymentRequest(consumer_id=john, payment_type="Bill", method="Cash",
                         amount=Decimal("145.50"), paid_on=date(2025, 4, 20), item_id=bill,
                         tendered=Decimal("150.00"))
posted = services.payments.record_payment(actor(runtime, "cashier"), request)
print("COMMITTED", posted.receipt_no, flush=True)
time.sleep(120)
"""


def counts(sessions) -> dict[str, int]:
    with sessions() as session:
        found = {name: session.execute(select(func.count()).select_from(model)).scalar()
                 for name, model in TABLES.items()}
        found["numbers_used"] = session.execute(
            select(func.coalesce(func.sum(NumberBlock.next_seq), 0))).scalar()
        return found


def kill_at(folder: Path, sample, point: str, marker: str) -> None:
    kill_at_marker(CHILD, [str(folder), sample.john, sample.bill_mar, point], marker)


@pytest.fixture
def posting_world(runtime, services):
    sample = build_sample(runtime, services)
    before = counts(runtime.app.sessions)
    folder = runtime.paths.root
    runtime.engine.dispose()
    return folder, sample, before


def reopened(folder: Path):
    return open_runtime(folder, lock=False, clock=FixedClock(NOW))


def test_killed_inside_the_transaction_leaves_none_of_the_payment(posting_world):
    folder, sample, before = posting_world
    kill_at(folder, sample, "inside", "INSIDE")
    runtime = reopened(folder)
    try:
        with runtime.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert counts(runtime.app.sessions) == before
    finally:
        runtime.close()


def test_killed_after_the_commit_keeps_all_of_the_payment(posting_world):
    folder, sample, before = posting_world
    kill_at(folder, sample, "after", "COMMITTED")
    runtime = reopened(folder)
    try:
        after = counts(runtime.app.sessions)
        added = {name: after[name] - before[name] for name in TABLES}
        # payment, allocation, ledger credit, audit entry, usage event, and one outbox row
        # per synced row written (payment, allocation, ledger); its numbers are used up.
        assert added == {"payments": 1, "allocations": 1, "ledger": 1, "credit_notes": 0,
                         "audit": 1, "outbox": 3, "usage": 1}
        assert after["numbers_used"] > before["numbers_used"]
        with runtime.app.sessions() as session:
            payment = session.execute(select(Payment)).scalar_one()
            assert (str(payment.amount), payment.status) == ("145.50", "Posted")
    finally:
        runtime.close()
