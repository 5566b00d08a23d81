"""The payments list's search for a name fragment over 1,000,000 payments: the first page
(newest first) through the FTS5 trigram index payment_search (migration 0014), beside a bare FTS5
query for the same page and the LIKE scan it replaces, all in the same run. The rows are loaded
with a bare bulk insert (the triggers keep the index in step as they arrive). BENCH_QUICK=1 runs
it at a tenth."""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from app.models.consumers import Consumer
from app.models.payments import Payment
from app.models.reference import ServiceCentre, Zone
from app.services.payments.listing import PaymentFilter
from bench.bench_payments import MANAGER, NOW, _insert, _world
from bench.figures import median_ms, record, scaled

PAYMENTS = scaled(1_000_000)
CONSUMERS = scaled(20_000)
BATCH = 50_000
FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
         "Sarah", "Charles", "Karen", "Priya", "Arjun", "Ananya", "Rahul", "Fatima", "Omar")
LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
        "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
        "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
        "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
        "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "McKenzie",
        "Sharma", "Iyer", "Menon", "Kapoor", "Okafor", "Haddad", "Kowalski", "Novak", "Larsen")
FRAGMENT = "ckenzi"  # part of one surname in sixty: about 1.7% of the payments
RARE = "wu-10042"  # ten account numbers (WU-100420 to WU-100429): about 0.05% of the payments


def _consumers(runtime, rng: random.Random) -> list[str]:
    with runtime.app.sessions() as session, session.begin():
        centre = ServiceCentre(code="CSC", name="Central Service Centre")
        session.add(centre)
        session.flush()
        zone = Zone(code="NZ", name="North Zone", centre_id=centre.id)
        session.add(zone)
        session.flush()
        ids = [str(uuid.uuid4()) for _ in range(CONSUMERS)]
        _insert(session, Consumer, [
            {"id": cid, "account_no": f"WU-{100000 + n}",
             "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "phone": f"555{n:07d}",
             "category": "Residential", "service_address": f"{n} Main St",
             "billing_address": f"{n} Main St", "zone_id": zone.id,
             "registered_on": NOW.date()} for n, cid in enumerate(ids)])
    return ids


def _payments(runtime, ids: list[str], rng: random.Random) -> None:
    """A bare bulk insert, BATCH rows to a transaction."""
    for first in range(0, PAYMENTS, BATCH):
        rows = [{"id": str(uuid.uuid4()), "payment_no": f"PAY-{n:08d}",
                 "transaction_no": f"TXN-{n:08d}", "receipt_no": f"R-{10_000_000 + n}",
                 "consumer_id": ids[rng.randrange(len(ids))], "payment_type": "Bill",
                 "channel": "Walk-in", "method": "Cash", "amount": Decimal(rng.randrange(2_000, 40_000)) / 100,
                 "paid_at": NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 730)),
                 "status": "Posted", "verification": "Verified", "received_by": "Jane Smith"}
                for n in range(first, min(first + BATCH, PAYMENTS))]
        with runtime.app.sessions() as session, session.begin():
            session.execute(insert(Payment), rows)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-payment-search-") as folder:
        runtime, services = _world(Path(folder))
        try:
            rng = random.Random(14)
            started = time.perf_counter()
            ids = _consumers(runtime, rng)
            _payments(runtime, ids, rng)
            print(f"loaded {PAYMENTS:,} payments of {CONSUMERS:,} consumers, indexed by the "
                  f"triggers, in {time.perf_counter() - started:.1f} s", flush=True)
            _measure(services, Path(folder) / "utilitydesk.sqlite3")
        finally:
            runtime.close()


FTS = ("SELECT p.receipt_no, p.*, c.name, c.account_no FROM payments p JOIN consumers c ON c.id = "
       "p.consumer_id WHERE p.rowid IN (SELECT rowid FROM payment_search WHERE payment_search "
       "MATCH ?) ORDER BY p.paid_at DESC, p.receipt_no DESC LIMIT 100")
LIKE = ("SELECT p.*, c.name, c.account_no FROM payments p JOIN consumers c ON c.id = "
        "p.consumer_id WHERE c.name LIKE ? OR p.receipt_no LIKE ? OR c.account_no LIKE ? "
        "ORDER BY p.paid_at DESC, p.receipt_no DESC LIMIT 100")


def _measure(services, path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        for fragment in (FRAGMENT, RARE):
            _search(services, db, fragment)
    finally:
        db.close()


def _search(services, db: sqlite3.Connection, fragment: str) -> None:
    """The app's first page beside a bare FTS5 query for the same page and a bare LIKE scan."""
    flt = PaymentFilter(text=fragment)
    pay = services.payments
    page = pay.list_payments(MANAGER, flt)  # the first look warms the page cache
    assert page and all(fragment in f"{r.consumer_name} {r.account_no}".lower() for r in page)
    bare = db.execute(FTS, (f'"{fragment}"',)).fetchall()
    assert [r.receipt_no for r in page] == [row[0] for row in bare]  # the same page
    app_ms = median_ms(lambda: pay.list_payments(MANAGER, flt), runs=7)
    bare_ms = median_ms(lambda: db.execute(FTS, (f'"{fragment}"',)).fetchall(), runs=7)
    like_ms = median_ms(lambda: db.execute(LIKE, (f"%{fragment}%",) * 3).fetchall(), runs=3)
    matches = pay.count_payments(MANAGER, flt)
    count_ms = median_ms(lambda: pay.count_payments(MANAGER, flt), runs=5)
    record(f"payments search '{fragment}', first page of 100 ({PAYMENTS:,} payments, "
           f"{matches:,} match)", app_ms, "ms", goal="< 100 ms", baseline=bare_ms,
           baseline_name="bare FTS5 query, same page", met=app_ms < 100)
    record(f"'{fragment}': the same page by a bare LIKE scan", like_ms, "ms",
           baseline=bare_ms, baseline_name="bare FTS5 query")
    record(f"'{fragment}': count of the matches (the list's total, off the GUI thread)",
           count_ms, "ms")


if __name__ == "__main__":
    main()
