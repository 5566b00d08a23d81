"""A one-machine install: the central service on SQLite, and the agent used from background threads."""

from __future__ import annotations

import threading

import pytest

from app.models.payments import Payment
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring, record_payment


@pytest.fixture
def server(tmp_path):
    with memory_keyring(), live_server(f"sqlite:///{tmp_path / 'central.sqlite3'}") as live:
        yield live


def test_push_pull_and_leases_work_on_a_sqlite_central(server, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first")
    second = enrolled_desktop(server, tmp_path / "second")
    try:
        first.agent.sync_once()
        second.agent.sync_once()
        payment_id = record_payment(first, server.world.consumer_ids[0], "1001")
        assert first.agent.sync_once().applied == 2
        report = second.agent.sync_once()
        assert report.pulled >= 2 and report.cursor.endswith(":0:" + report.cursor.rsplit(":", 1)[1])
        with second.runtime.app.sessions() as session:
            assert session.get(Payment, payment_id) is not None
    finally:
        first.close()
        second.close()


def test_sync_once_from_two_background_threads_runs_one_at_a_time(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        for n in range(5):
            record_payment(desk, server.world.consumer_ids[0], f"20{n}")
        reports, errors = [], []

        def run() -> None:
            try:
                reports.append(desk.agent.sync_once())
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert sorted(r.applied for r in reports) == [0, 10]  # the second found nothing left
    finally:
        desk.close()


def test_a_sqlite_central_has_no_job_queue_and_says_so(server):
    """Central bill runs need PostgreSQL: a clear refusal, never a 500."""
    http = server.client(server.login("manager"))
    answer = http.post("/v1/bill-runs", json={"cycle": "North Zone - Apr 2025"})
    assert answer.status_code == 503 and answer.json()["kind"] == "no_job_queue"
    assert http.get("/v1/bill-runs/no-such-run").status_code == 404
