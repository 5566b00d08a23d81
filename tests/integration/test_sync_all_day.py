"""A counter that syncs all day: under continuous writes each round pushes a bounded batch and refills
leases first, so an online counter never issues provisional numbers (#19 item 2); a stalled server
costs one bounded attempt (#10 item 9)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core import settings as registry
from app.domain.core.errors import SyncError
from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.models.reference import Setting
from app.runtime import open_runtime
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.views.sync.status import failure_text
from sync.client import SyncAgent
from sync.keyring_store import CredentialStore
from tests.sync_helpers import (
    enrolled_desktop,
    free_socket,
    live_server,
    memory_keyring,
    record_payment,
)

RATE, SECONDS, ROUND = 40, 5.0, 100  # payments a second, for how long; operations pushed per round


@pytest.fixture
def server(pg_url):
    """Small blocks (20) and a low-water mark of 5: 40 payments a second use two blocks a second."""
    with memory_keyring(), live_server(pg_url) as live:
        with live.central.sessions() as session, session.begin():
            for key, value in (("numbering.lease_block_size", 20), ("numbering.low_water_mark", 5)):
                session.add(Setting(key=key, value=registry.to_json(key, value)))
        yield live


def numbered_payment(desktop, consumer_id: str) -> bool:
    """A payment whose receipt number is issued in its own unit of work; True when provisional."""
    app = desktop.runtime.app
    with unit_of_work(app, desktop.actor) as work:
        number = issue_number(work.session, load_settings(work.session), "receipt", on=work.now.date(),
                              device_code=app.device_code, self_lease=False)
        payment = Payment(payment_no=f"PAY-{number.text}", transaction_no=f"TXN-{number.text}",
                          receipt_no=number.text, consumer_id=consumer_id, payment_type="Bill",
                          channel="Walk-in", method="Cash", amount=Decimal("1.00"), paid_at=work.now,
                          received_by=desktop.actor.username)
        work.record(payment)
        work.record(LedgerEntry(consumer_id=consumer_id, entry_type="payment", amount=Decimal("-1.00"),
                                source_type="payment", source_id=payment.id, posted_at=work.now))
        return number.provisional


@pytest.mark.postgres
def test_continuous_writes_keep_numbers_leased_and_each_round_bounded(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk", batch_size=50, push_round=ROUND)
    desk.runtime.app.self_lease = False
    try:
        desk.agent.sync_once()
        consumer = server.world.consumer_ids[0]
        backlog = [record_payment(desk, consumer, f"B{n:04d}") for n in range(200)]  # taken offline
        provisional, stop, reports = [], threading.Event(), []

        def counter() -> None:  # a count, not a deadline: a slow machine writes them all, just later
            for _ in range(int(RATE * SECONDS)):
                provisional.append(numbered_payment(desk, consumer))
                time.sleep(1 / RATE)
            stop.set()

        writer = threading.Thread(target=counter)
        writer.start()
        while not stop.is_set():  # the background sync, every second
            reports.append(desk.agent.sync_once())
            time.sleep(1.0)
        writer.join()
        assert reports[0].pushed == ROUND  # of 400 queued: the rest waits for the next rounds
        assert all(r.pushed <= ROUND for r in reports)
        assert len(provisional) == RATE * SECONDS
        assert sum(provisional) == 0, f"{sum(provisional)} of {len(provisional)} numbers were provisional online"
        for _ in range(30):  # after the burst, the queue drains round by round
            if desk.agent.sync_once().pushed == 0:
                break
        with server.central.sessions() as session:
            on_server = session.execute(select(func.count()).select_from(Payment)).scalar_one()
        assert on_server == len(backlog) + len(provisional)
    finally:
        desk.close()


def test_a_stalled_server_costs_one_bounded_attempt_and_the_status_bar_says_so(tmp_path):
    stalled = free_socket()
    stalled.listen(8)  # connections are accepted by the kernel; nothing ever answers
    host, port = stalled.getsockname()
    runtime = open_runtime(tmp_path / "desk", lock=False)
    with memory_keyring():
        credentials = CredentialStore(runtime.app.device_id)
        credentials.save_token("a-token")
        agent = SyncAgent(runtime.app, f"http://{host}:{port}", credentials, timeout=3.0, attempt_timeout=1.0)
        try:
            started = time.monotonic()
            with pytest.raises(SyncError) as stopped:
                agent.sync_once()
            took = time.monotonic() - started
        finally:
            agent.close()
            runtime.close()
            stalled.close()
    assert took < 2.5, f"a stalled server cost {took:.1f} s"
    assert stopped.value.kind == "timeout"
    assert failure_text(stopped.value)[0] == "Offline · central service not answering (sync stopped in time)"
