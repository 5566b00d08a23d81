"""Issuing numbers from local blocks: in order, never reused, refilled, provisional when out."""

from __future__ import annotations

from datetime import date

from app.services.core.numbering import issue_number, reserve_through
from app.services.core.settings import load_settings


def issue(runtime, series, n=1, self_lease=True):
    texts = []
    with runtime.app.sessions() as session, session.begin():
        settings = load_settings(session)
        for _ in range(n):
            texts.append(issue_number(session, settings, series, on=date(2025, 4, 20),
                                      device_code="D3", self_lease=self_lease).text)
    return texts


def test_numbers_start_at_the_configured_start_and_follow_the_format(runtime):
    assert issue(runtime, "receipt", 2) == ["R-5001", "R-5002"]
    assert issue(runtime, "payment")[0].startswith("PAY-2025-")
    assert issue(runtime, "credit_note") == ["CN-46129"]


def test_blocks_are_refilled_and_numbers_never_repeat(runtime):
    texts = issue(runtime, "receipt", 450)
    assert len(set(texts)) == 450
    assert texts[-1] == "R-5450"


def test_numbering_continues_after_imported_history(runtime):
    with runtime.app.sessions() as session, session.begin():
        reserve_through(session, load_settings(session), "receipt", 9000)
    assert issue(runtime, "receipt") == ["R-9001"]


def test_out_of_blocks_offline_gives_provisional_numbers(runtime):
    texts = issue(runtime, "invoice", 2, self_lease=False)
    assert texts == ["INV-D3-P0001", "INV-D3-P0002"]


def test_a_desktop_with_a_server_does_not_lease_itself(tmp_path):
    from app.runtime import open_runtime

    folder = tmp_path / "synced"
    folder.mkdir()
    (folder / "config.toml").write_text('[sync]\nserver_url = "https://central.example:8740"\n')
    runtime = open_runtime(folder, lock=False)
    try:
        assert runtime.app.self_lease is False
        assert open_runtime(tmp_path / "standalone", lock=False).app.self_lease is True
    finally:
        runtime.close()
