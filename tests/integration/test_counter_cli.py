"""`utilitydesk printer test`, `receipt print` and `cash report` on a real data folder and loopback printers."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cli import main
from app.models.system import AuditEntry
from app.printing.escpos.decode import decode
from app.runtime import open_runtime
from app.services.cash.sessions import CashSessionsService
from app.services.payments.posting import PaymentRequest
from app.services.registry import Services
from tests.factories import PASSWORD, make_runtime
from tests.loopback_printer import LoopbackPrinter, refused_url
from tests.payment_fixtures import actor, build_sample

D = Decimal


@pytest.fixture
def printer():
    device = LoopbackPrinter()
    yield device
    device.close()


@pytest.fixture
def shop(tmp_path):
    """A data folder with the sample consumers, session 1 closed and session 2 open, one receipt."""
    folder = tmp_path / "data"
    runtime = make_runtime(folder)
    services = Services(runtime.app)
    sample = build_sample(runtime, services)
    cashier, cash = actor(runtime, "cashier"), CashSessionsService(runtime.app)
    cash.open_session(cashier, {D(20): 5})
    posted = services.payments.record_payment(cashier, PaymentRequest(
        consumer_id=sample.john, payment_type="Bill", method="Cash", amount=D("145.50"),
        paid_on=date(2025, 4, 20), item_id=sample.bill_mar, tendered=D("150.00")))
    cash.close_session(cashier, {D(100): 2, D(20): 1, D("0.25"): 2}, "Change given",
                       "supervisor", PASSWORD)
    cash.open_session(cashier, {D(20): 3})
    runtime.close()
    return folder, posted.receipt_no


def run(folder, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


@pytest.fixture
def password(monkeypatch):
    """What the user types at the (not echoed) password prompt."""
    typed = {"password": PASSWORD, "prompts": []}

    def getpass(prompt: str = "") -> str:
        typed["prompts"].append(prompt)
        return typed["password"]

    monkeypatch.setattr("app.cli_login.getpass.getpass", getpass)
    return typed


def last_audit(folder) -> AuditEntry:
    reopened = open_runtime(folder, lock=False)
    try:
        with reopened.app.sessions() as session:
            return session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    finally:
        reopened.close()


def pdf_text(path) -> str:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    document.load(str(path))
    return "\n".join(document.getAllText(page).text() for page in range(document.pageCount()))


def test_printer_test_prints_the_page_and_says_how_the_printer_is(tmp_path, printer, capsys):
    assert run(tmp_path / "data", "printer", "test", printer.url) == 0
    out = capsys.readouterr().out
    assert f"Test page sent to 127.0.0.1:{printer.port}" in out and "online, paper OK" in out
    job = decode(printer.wait_for_jobs(1)[0])
    assert "PRINTER TEST" in job.text and "Columns" in job.text
    assert not any(c.startswith("drawer_kick") for c in job.commands)

    silent = LoopbackPrinter(status=None)
    try:
        assert run(tmp_path / "data", "printer", "test", silent.url) == 0
        out = capsys.readouterr().out
        assert "did not report its status" in out and "Warning: Printer did not report" in out
    finally:
        silent.close()
    assert run(tmp_path / "data", "printer", "test", refused_url()) == 2
    assert "refused the connection" in capsys.readouterr().err


def test_cash_report_of_a_closed_session_is_its_z_report_as_pdf(shop, tmp_path, capsys, password):
    folder, _ = shop
    pdf = tmp_path / "z1.pdf"
    assert run(folder, "cash", "report", "--session", "1", "--pdf", str(pdf),
               "--username", "supervisor") == 0
    out = capsys.readouterr().out
    assert "Z REPORT" in out and "Expected cash" in out and f"Wrote {pdf}" in out
    assert "COPY" not in out
    text = pdf_text(pdf)
    # One centre name: the one the receipts and the status bar use.
    assert "Central Service Centre" not in text
    for expected in ("Z REPORT", "Main Service Centre", "Session No", "Cash (1)", "$145.50", "Expected cash", "$245.50",
                     "Counted cash", "$220.50", "Short", "$25.00", "Change given", "Supervisor"):
        assert expected in text


def test_cash_report_of_the_open_session_prints_an_x_report(shop, printer, capsys, password):
    folder, _ = shop
    assert run(folder, "cash", "report", "--session", "2", "--printer", printer.url,
               "--username", "cashier") == 0
    assert "X report printed" in capsys.readouterr().out
    job = decode(printer.wait_for_jobs(1)[0])
    assert "X REPORT (mid-shift)" in job.text and "$60.00" in job.text
    audit = last_audit(folder)
    assert (audit.action, audit.user_name, audit.summary["kind"]) == ("cash_report_printed",
                                                                      "cashier", "X")
    assert run(folder, "cash", "report", "--session", "9", "--username", "cashier") == 2
    assert "No cash session 9" in capsys.readouterr().err


def test_a_reprinted_z_report_is_marked_as_a_copy(shop, printer, capsys, password):
    folder, _ = shop
    for _ in range(2):
        assert run(folder, "cash", "report", "--session", "1", "--printer", printer.url,
                   "--username", "supervisor") == 0
    first, second = (decode(job).text for job in printer.wait_for_jobs(2))
    assert "Z REPORT" in first and "COPY" not in first
    assert "Z REPORT - COPY" in second and "Copy" in second and "2, reprinted" in second
    assert last_audit(folder).summary["copy"] == 2


def test_receipt_reprint_says_duplicate_never_opens_the_drawer_and_is_audited(
        shop, printer, tmp_path, capsys, password, monkeypatch):
    folder, receipt_no = shop
    monkeypatch.setattr("builtins.input", lambda prompt="": "cashier")  # no --username: asked
    assert run(folder, "receipt", "print", receipt_no, "--printer", printer.url,
               "--pdf", str(tmp_path / "r.pdf")) == 0
    assert password["prompts"] == ["Password for cashier: "]
    assert "(DUPLICATE)" in capsys.readouterr().out
    job = decode(printer.wait_for_jobs(1)[0])
    assert "*** DUPLICATE ***" in job.text and receipt_no in job.text
    assert not any(c.startswith("drawer_kick") for c in job.commands)
    assert receipt_no in pdf_text(tmp_path / "r.pdf")
    last = last_audit(folder)
    assert (last.action, last.user_name) == ("receipt_reprinted", "cashier")
    assert run(folder, "receipt", "print", "R-0000", "--username", "cashier") == 2
    assert "No payment has receipt R-0000" in capsys.readouterr().err


def test_money_commands_refuse_without_the_right_password_and_print_nothing(shop, printer,
                                                                            capsys, password):
    folder, receipt_no = shop
    password["password"] = "not-the-password"
    assert run(folder, "receipt", "print", receipt_no, "--printer", printer.url,
               "--username", "cashier") == 2
    assert "Wrong username or password" in capsys.readouterr().err
    assert run(folder, "cash", "report", "--session", "1", "--username", "supervisor") == 2
    assert printer.jobs == []
    audit = last_audit(folder)
    assert (audit.action, audit.user_name) == ("login_failed", "supervisor")


def test_cash_sessions_lists_the_numbers_cash_report_takes(shop, capsys, password):
    folder, _receipt = shop
    assert run(folder, "cash", "sessions", "--username", "cashier") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Number", "Counter", "Cashier", "Opened", "Closed", "State"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "1"]  # newest first
    assert lines[1].split()[-2:] == ["—", "Open"] and lines[2].split()[-1] == "Closed"
    assert "Counter 1  Jane Smith  2025-04-20 06:30" in lines[2]  # in the utility's time zone
    assert run(folder, "cash", "sessions", "--json", "--username", "cashier") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(s["number"], s["cashier"], s["state"], s["closed"] is None) for s in listed] == [
        (2, "Jane Smith", "Open", True), (1, "Jane Smith", "Closed", False)]
    assert listed[1]["opened"] <= listed[1]["closed"] <= listed[0]["opened"]
    assert run(folder, "cash", "report", "--session", str(listed[1]["number"]), "--username", "cashier") == 0
    assert "Z REPORT" in capsys.readouterr().out  # a listed number works with `cash report`


def test_cash_sessions_refuses_bad_input_in_one_line(shop, capsys, password):
    folder, _receipt = shop
    password["password"] = "wrong"
    assert run(folder, "cash", "sessions", "--username", "cashier") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    with pytest.raises(SystemExit) as bad:
        run(folder, "cash", "sessions", "--jsn")
    assert bad.value.code == 2
    assert "unrecognized arguments: --jsn" in capsys.readouterr().err


def test_a_command_run_without_a_terminal_says_the_password_needs_one(shop, capsys, monkeypatch):
    """From a script or a pipe (input closed) there is nobody to ask: one line, exit code 2, not
    'unexpected error (EOFError)'."""
    folder, _receipt = shop

    def closed(prompt: str = "") -> str:
        raise EOFError("EOF when reading a line")

    monkeypatch.setattr("builtins.input", closed)
    monkeypatch.setattr("app.cli_login.getpass.getpass", closed)
    assert run(folder, "cash", "sessions") == 2
    assert run(folder, "cash", "sessions", "--username", "cashier") == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == ["utilitydesk: Password: is asked on the terminal, and there is none here (the input "
                      "is closed): run the command in a terminal, or give --password-stdin"] * 2
