"""`utilitydesk requests show` and `requests list` on a real data folder."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from app.cli import main
from app.domain.requests.final_bill import FinalRead
from app.services.registry import Services
from app.services.requests import RequestDraft
from tests.factories import make_runtime
from tests.final_bill_fixtures import TODAY, disconnection_in_progress, rate_smith
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "data"
    runtime = make_runtime(folder)
    services = Services(runtime.app)
    world = build_requests_world(runtime, services)
    cashier = actor(runtime, "cashier")
    for consumer, reason in ((world.smith, "NP-001"), (world.inactive, "RC-001")):
        services.requests.verify_and_lock(cashier, consumer)
        created = services.requests.create_request(
            cashier, RequestDraft(consumer, reason, date(2025, 4, 21), "10:00-12:00"))
    services.requests.acknowledge(actor(runtime, "recovery"), created.request_id)
    runtime.close()
    return folder


def test_show_prints_status_sla_and_the_spec_settlement_as_json(folder, capsys):
    assert main(["--data-dir", str(folder), "requests", "show", "dis-2025-000001", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    # the command line reads the real clock: a request raised in April 2025 is long overdue
    assert (record["status"], record["sla"]["status"]) == ("Pending", "Breached")
    assert record["sla"]["time_remaining"].startswith("Overdue by")
    assert record["settlement"]["outstanding"] == "456.78 USD"
    assert record["settlement"]["net"] == "256.78 USD"
    assert record["settlement"]["status"] == "Amount payable by consumer"
    assert record["final_bill"] is None


@pytest.fixture
def billed_folder(tmp_path):
    """Smith's disconnection with its final bill approved and sent."""
    folder = tmp_path / "billed"
    runtime = make_runtime(folder)
    services = Services(runtime.app)
    world = build_requests_world(runtime, services)
    rate_smith(runtime, services, world)
    request_id = disconnection_in_progress(runtime, services, world)
    specialist = actor(runtime, "specialist")
    services.requests.generate_final_bill(specialist, request_id, (
        FinalRead("EM-1001", Decimal("4620.5"), TODAY), FinalRead("WM-2001", Decimal("320"), TODAY)))
    services.requests.approve_final_bill(specialist, request_id, use_in_bill=True)
    runtime.close()
    return folder


def test_show_includes_the_final_bill(billed_folder, capsys):
    assert main(["--data-dir", str(billed_folder), "requests", "show", "DIS-2025-000001", "--json"]) == 0
    bill = json.loads(capsys.readouterr().out)["final_bill"]
    assert (bill["status"], bill["invoice_nos"]) == ("Approved", ["INV-414013", "INV-414014"])
    assert (bill["billed"], bill["outstanding"]) == ("27.00 USD", "456.78 USD")
    assert (bill["deposit_applied"], bill["amount_due"]) == ("200.00 USD", "283.78 USD")
    assert main(["--data-dir", str(billed_folder), "requests", "show", "DIS-2025-000001"]) == 0
    out = capsys.readouterr().out
    assert "Final bill:  INV-414013, INV-414014 (Approved), April 2025 – April 2025" in out
    assert "= final amount due 283.78 USD" in out


def test_show_as_text(folder, capsys):
    assert main(["--data-dir", str(folder), "requests", "show", "DIS-2025-000001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DIS-2025-000001  Disconnection  Pending")
    assert "Net:         256.78 USD (Amount payable by consumer)" in out


def test_list_filters_by_status_in_any_spelling(folder, capsys):
    assert main(["--data-dir", str(folder), "requests", "list", "--status", "in progress", "--json"]) == 0
    assert [r["request_no"] for r in json.loads(capsys.readouterr().out)] == ["REC-2025-000001"]
    assert main(["--data-dir", str(folder), "requests", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 request(s)")


def test_bad_input_is_one_clear_line_and_exit_2(folder, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(folder), "requests", "list", "--status", "Done"])
    assert stopped.value.code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert errors == ["utilitydesk requests list: error: argument --status: 'Done' is not a request "
                      "status: use one of Pending, In progress, On hold, Completed, Closed"]
    assert main(["--data-dir", str(folder), "requests", "show", "DIS-1999-000001"]) == 2
    assert capsys.readouterr().err == "utilitydesk: Request DIS-1999-000001 was not found\n"
