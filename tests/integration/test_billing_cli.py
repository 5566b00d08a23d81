"""`utilitydesk cycles list`, `bills generate|show`, `reads import`, `gl export` on a real data folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.cli import main
from tests.billing_fixtures import CYCLE, build_world
from tests.factories import PASSWORD


@pytest.fixture
def folder(runtime, services):
    world = build_world(runtime, services)
    world.consumer("Ann Dual", meters={"electricity": [(date(2025, 3, 16), "1000")],
                                       "gas": [(date(2025, 3, 16), "200"), (date(2025, 4, 17), "240")]})
    world.consumer("No Reads", meters={"electricity": []})
    runtime.engine.dispose()
    return str(runtime.paths.root)


# The commands that bill, approve, import, print or export log a user in (the billing manager here).
WRITES = {("bills", "generate"), ("bills", "approve"), ("bills", "print"), ("bills", "email"),
          ("reads", "import"), ("gl", "export")}


@pytest.fixture(autouse=True)
def password(monkeypatch):
    """What the user types at the (not echoed) password prompt."""
    typed = {"password": PASSWORD}
    monkeypatch.setattr("app.cli_login.getpass.getpass", lambda prompt="": typed["password"])
    return typed


def run(folder, capsys, *argv) -> tuple[int, str, str]:
    if tuple(argv[:2]) in WRITES and "--username" not in argv:
        argv = (*argv, "--username", "manager")
    code = main(["--data-dir", folder, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_reads_generate_show_and_export_the_journal(folder, capsys, tmp_path):
    reads = tmp_path / "reads.csv"
    reads.write_text("account_no,meter_no,read_on,reading\nC0001-A,M-C0001-electricity,2025-04-16,1350\n")
    assert run(folder, capsys, "reads", "import", str(reads), "--json")[:2] == (0, '{"imported": 1}\n')

    code, out, _ = run(folder, capsys, "cycles", "list", "--json")
    assert code == 0 and [c["name"] for c in json.loads(out)] == [CYCLE]

    code, out, _ = run(folder, capsys, "bills", "generate", "--cycle", CYCLE, "--json")
    result = json.loads(out)
    assert (code, result["billed"], result["failed"], result["state"]) == (0, 1, 1, "Completed")
    code, out, _ = run(folder, capsys, "bills", "generate", "--zone", "NZ", "--period", "2025-04")
    assert code == 0 and "0 billed, 1 already billed, 1 exception(s)" in out

    code, out, _ = run(folder, capsys, "bills", "show", "INV-414013", "--json")
    bill = json.loads(out)
    assert code == 0 and bill["account_no"] == "C0001-A"
    assert sum(float(line["amount"]) for line in bill["lines"]) == pytest.approx(float(bill["total"]))
    code, out, _ = run(folder, capsys, "bills", "show", "INV-414013")
    assert "Amount due" in out and "GL 4000 v1" in out

    code, out, _ = run(folder, capsys, "bills", "print", "--cycle", CYCLE, "--out", str(tmp_path / "pdfs"),
                       "--json")
    assert code == 0 and json.loads(out)["written"] == [str(tmp_path / "pdfs" / "INV-414013.pdf")]

    journal = tmp_path / "journal.json"
    code, out, _ = run(folder, capsys, "gl", "export", "--cycle", CYCLE, "--out", str(journal))
    data = json.loads(journal.read_text())
    assert code == 0 and data["debits"] == data["credits"] == bill["total"]
    assert "debits" in out


@pytest.mark.parametrize(("argv", "message"), [
    (("bills", "generate", "--cycle", "Nowhere - May 2026"), "No billing cycle named 'Nowhere - May 2026'"),
    (("bills", "generate", "--zone", "NZ"), "period: --zone and --segment need --period YYYY-MM"),
    (("bills", "generate", "--zone", "NZ", "--period", "2025-13"), "period: '2025-13' has no month 13"),
    (("bills", "generate", "--account", "C0001-A", "--from", "2025-04-01"), "give both --from and --to"),
    (("bills", "generate", "--account", "X-9"), "No account 'X-9'"),
    (("bills", "show", "INV-1"), "No bill with invoice number 'INV-1'"),
    (("gl", "export", "--cycle", "Nope", "--out", "x.csv"), "No billing cycle named 'Nope'"),
    (("bills", "approve", "--run", "nope"), "No bill run 'nope'"),
    (("bills", "print", "INV-414013"), "print: give INVOICE_NO --pdf FILE, or --cycle NAME --out DIR"),
    (("bills", "email"), "email: give INVOICE_NO ..., or --cycle NAME"),
    (("bills", "email", "--cycle", "Nope"), "No billing cycle named 'Nope'"),
])
def test_bad_input_is_one_clear_line_and_exit_2(folder, capsys, argv, message):
    code, out, err = run(folder, capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_bad_read_file_names_each_row_and_exits_2(folder, capsys, tmp_path):
    reads = tmp_path / "reads.csv"
    reads.write_text("account_no,meter_no,read_on,reading\nC0002-A,M-C0001-electricity,2025-04-16,1\n")
    code, out, err = run(folder, capsys, "reads", "import", str(reads))
    assert code == 2 and "1 problem found; nothing was imported" in err
    assert "row 1: meter_no: Meter not linked to this account" in err


def test_a_draft_run_is_approved_from_the_command_line(folder, capsys, tmp_path):
    reads = tmp_path / "reads.csv"
    reads.write_text("account_no,meter_no,read_on,reading\nC0001,M-C0001-electricity,2025-04-19,1100\n")
    assert run(folder, capsys, "reads", "import", str(reads))[0] == 0
    code, out, _ = run(folder, capsys, "bills", "generate", "--account", "C0001-A",
                       "--from", "2025-03-16", "--to", "2025-04-20", "--draft", "--json")
    result = json.loads(out)
    assert (code, result["billed"]) == (0, 1)
    assert json.loads(run(folder, capsys, "bills", "show", "INV-414013", "--json")[1])["status"] == "Draft"
    code, out, _ = run(folder, capsys, "bills", "approve", "--run", result["run_id"])
    assert (code, out) == (0, f"Approved 1 bill(s) of run {result['run_id']}\n")


def test_billing_commands_that_write_run_as_the_user_who_logs_in(folder, capsys, password):
    from sqlalchemy import select

    from app.models.system import AuditEntry
    from app.runtime import open_runtime

    code, _, _ = run(folder, capsys, "bills", "generate", "--cycle", CYCLE, "--username", "specialist")
    assert code == 0
    reopened = open_runtime(Path(folder), lock=False)
    try:
        with reopened.app.sessions() as session:
            who = set(session.execute(select(AuditEntry.user_name).where(
                AuditEntry.action.like("bill%"))).scalars())
    finally:
        reopened.close()
    assert who == {"specialist"}  # never "Command line"
    code, out, err = run(folder, capsys, "bills", "generate", "--cycle", CYCLE, "--username", "cashier")
    assert code == 2 and out == "" and "Customer Service Executive may not" in err
    password["password"] = "wrong"
    code, _, err = run(folder, capsys, "gl", "export", "--cycle", CYCLE, "--out", "x.csv")
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1


def test_a_billing_command_that_writes_waits_for_no_open_app(folder, capsys, tmp_path):
    from app.runtime import open_runtime

    app_open = open_runtime(Path(folder), lock=True)  # the app, open on the same data folder
    try:
        code, out, err = run(folder, capsys, "bills", "generate", "--cycle", CYCLE)
        assert code == 2 and out == "" and "already running" in err
        assert run(folder, capsys, "cycles", "list")[0] == 0  # reading does not need the folder alone
    finally:
        app_open.close()


def test_bills_are_e_mailed_from_the_command_line_once(folder, capsys, tmp_path):
    from sqlalchemy import update

    from app.models.consumers import Consumer
    from app.runtime import open_runtime

    reopened = open_runtime(Path(folder), lock=False)
    try:
        with reopened.app.sessions() as session, session.begin():
            session.execute(update(Consumer).where(Consumer.name == "Ann Dual").values(email="ann@example.com"))
    finally:
        reopened.close()
    reads = tmp_path / "reads.csv"
    reads.write_text("account_no,meter_no,read_on,reading\nC0001-A,M-C0001-electricity,2025-04-16,1350\n")
    assert run(folder, capsys, "reads", "import", str(reads))[0] == 0
    assert run(folder, capsys, "bills", "generate", "--cycle", CYCLE)[0] == 0
    code, out, _ = run(folder, capsys, "bills", "email", "--cycle", CYCLE, "--json")
    assert code == 0 and json.loads(out)["queued"] == ["INV-414013"]
    code, out, _ = run(folder, capsys, "bills", "email", "INV-414013")
    assert code == 0 and out == "0 bill(s) queued for e-mail; 1 already sent\n"
