"""The desktop's SQLite transactions: reads are deferred and delay no writer; writes lock at BEGIN."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, text

from app.models.payments import Payment
from app.services.payments.posting import PaymentRequest
from tests.payment_fixtures import actor, build_sample

HELD = 2.0  # seconds a screen's read stays open


def test_a_read_held_open_does_not_delay_a_payments_commit(runtime, services):
    sample = build_sample(runtime, services)
    reading, done = threading.Event(), threading.Event()

    def slow_screen() -> None:
        with runtime.app.sessions() as session:  # a read, as every screen's query is
            session.execute(select(func.count()).select_from(Payment)).scalar_one()
            reading.set()
            time.sleep(HELD)
        done.set()

    reader = threading.Thread(target=slow_screen)
    reader.start()
    assert reading.wait(5)
    started = time.monotonic()
    services.payments.record_payment(actor(runtime, "cashier"), PaymentRequest(
        consumer_id=sample.john, payment_type="Bill", method="Credit Card", amount=Decimal("145.50"),
        paid_on=date(2025, 4, 20), item_id=sample.bill_mar))
    took = time.monotonic() - started
    assert not done.is_set(), "the read should still be open while the payment commits"
    reader.join()
    assert took < HELD / 2, f"the payment waited {took:.2f} s behind a read"


def test_a_write_takes_the_lock_at_its_start(runtime):
    """Two writers queue at BEGIN: the second waits for the first instead of failing half-way."""
    with runtime.app.sessions() as session, session.begin():
        in_transaction = session.connection().exec_driver_sql("SELECT 1").scalar_one()
        assert in_transaction == 1
        other = runtime.engine.raw_connection()
        try:
            other.driver_connection.execute("PRAGMA busy_timeout=0")
            try:
                other.driver_connection.execute("BEGIN IMMEDIATE")
            except Exception as error:  # the first writer holds the lock already
                assert "locked" in str(error)
            else:
                raise AssertionError("a second writer got the write lock while the first held it")
        finally:
            other.close()
    with runtime.app.sessions() as session:  # a reader never takes it
        session.execute(text("SELECT 1"))
        other = runtime.engine.raw_connection()
        try:
            other.driver_connection.execute("PRAGMA busy_timeout=0")
            other.driver_connection.execute("BEGIN IMMEDIATE")
            other.driver_connection.execute("ROLLBACK")
        finally:
            other.close()


def test_a_writer_waiting_for_the_lock_gets_it_at_the_next_commit_not_after_a_busy_writer(runtime):
    """A counter committing back to back (40 payments a second) must not keep the sync agent's
    short write out: the waiting writer is handed the lock at the next commit."""
    stop, waits = threading.Event(), []

    def busy_counter() -> None:
        while not stop.is_set():
            with runtime.app.sessions() as session, session.begin():
                session.execute(text("UPDATE sync_state SET value = value WHERE key = 'none'"))
                time.sleep(0.02)  # a payment's transaction

    counter = threading.Thread(target=busy_counter)
    counter.start()
    try:
        time.sleep(0.1)
        for _ in range(10):
            asked = time.monotonic()
            with runtime.app.sessions() as session, session.begin():
                waits.append(time.monotonic() - asked)
            time.sleep(0.01)
    finally:
        stop.set()
        counter.join()
    assert max(waits) < 0.5, f"a writer waited {max(waits):.2f} s behind a busy one"
