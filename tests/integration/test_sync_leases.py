"""Number leases: unique under concurrency, refilled at the low-water mark, provisional offline."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core import settings as registry
from app.models.central import NumberLease
from app.models.payments import Payment
from app.models.reference import Setting
from app.models.system import NumberBlock
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_url):
    with memory_keyring(), live_server(pg_url) as live:
        with live.central.sessions() as session, session.begin():
            for key, value in (("numbering.lease_block_size", 10), ("numbering.low_water_mark", 5)):
                session.add(Setting(key=key, value=registry.to_json(key, value)))
        yield live


@pytest.fixture
def desktop(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    yield desk
    desk.close()


def test_concurrent_leases_never_overlap(server, desktop):
    token = desktop.agent.credentials.token
    blocks: list[tuple[int, int]] = []
    errors: list[object] = []

    def lease() -> None:
        with server.client(token) as http:
            response = http.post("/v1/leases", json={"series": "receipt", "blocks": 3})
            if response.status_code != 200:
                errors.append(response.text)
                return
            blocks.extend((b["first"], b["last"]) for b in response.json()["blocks"])

    threads = [threading.Thread(target=lease) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(blocks) == 48
    numbers = [n for first, last in blocks for n in range(first, last + 1)]
    assert len(numbers) == len(set(numbers)) == 480
    assert min(numbers) == 5001 and max(numbers) == 5480  # no gaps, from the series' start
    with server.central.sessions() as session:
        assert len(session.execute(select(NumberLease)).scalars().all()) == 48


def issue(desktop, series: str = "receipt"):
    app = desktop.runtime.app
    with app.sessions() as session, session.begin():
        settings = load_settings(session)
        return issue_number(session, settings, series, on=app.clock.now().date(),
                            device_code=app.device_code, self_lease=False)


def test_leased_blocks_are_used_then_provisional_numbers_offline_then_refilled(server, desktop):
    report = desktop.agent.sync_once()
    assert report.leased_blocks == 7  # the series a cashier issues (reconnection requests too)
    numbers = [issue(desktop) for _ in range(10)]
    assert [n.text for n in numbers] == [f"R-{5001 + i}" for i in range(10)]
    assert not any(n.provisional for n in numbers)
    offline = issue(desktop)  # the block is used up and the server is not asked
    assert offline.provisional and offline.text == f"R-{desktop.runtime.app.device_code}-P0001"
    report = desktop.agent.sync_once()
    # Only the receipt series was short: it gets the low-water mark (5) plus 10 s of numbers at the
    # rate used since the last refill, in blocks of 10 (more than one: 10 numbers went in seconds),
    # at most 10 blocks a request; the other series, unused, get nothing.
    assert 2 <= report.leased_blocks <= 10
    with desktop.runtime.app.sessions() as session:
        per_series = dict(session.execute(select(NumberBlock.series, func.count()).where(
            NumberBlock.provisional.is_(False)).group_by(NumberBlock.series)).all())
    assert per_series.pop("receipt") == 1 + report.leased_blocks
    assert set(per_series.values()) == {1}
    assert issue(desktop).text == "R-5011"


def test_second_desktop_gets_its_own_block(server, desktop, tmp_path):
    other = enrolled_desktop(server, tmp_path / "other")
    try:
        desktop.agent.sync_once()
        other.agent.sync_once()
        assert issue(desktop).text == "R-5001"
        assert issue(other).text == "R-5011"
    finally:
        other.close()


def store_receipts(server, numbers: range) -> None:
    with server.central.sessions() as session, session.begin():
        for n in numbers:
            session.add(Payment(payment_no=f"PAY-X-{n}", transaction_no=f"TXN-X-{n}", receipt_no=f"R-{n}",
                                consumer_id=server.world.consumer_ids[0], payment_type="Bill", channel="Walk-in",
                                method="Cash", amount=Decimal("1.00"), paid_at=server.central.now(),
                                received_by="import", version=1, updated_at=server.central.now()))


def lease_receipts(server, desktop) -> tuple[int, int]:
    with server.client(desktop.agent.credentials.token) as http:
        response = http.post("/v1/leases", json={"series": "receipt", "blocks": 1})
    assert response.status_code == 200, response.text
    block = response.json()["blocks"][0]
    return block["first"], block["last"]


def test_the_first_lease_starts_after_the_numbers_already_stored(server, desktop):
    store_receipts(server, range(5001, 5452))  # R-5001..R-5451, as a seeded history has
    assert lease_receipts(server, desktop) == (5452, 5461)


def test_a_block_that_would_overlap_numbers_stored_later_is_skipped(server, desktop):
    assert lease_receipts(server, desktop) == (5001, 5010)
    store_receipts(server, range(5011, 5031))  # imported after the series began
    assert lease_receipts(server, desktop) == (5031, 5040)
