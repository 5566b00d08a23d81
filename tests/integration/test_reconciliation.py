"""Bank reconciliation on a real SQLite file: matching by reference and by amount and date,
unmatched both ways, discrepancies, resolution notes, and bad statements importing nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.core.money import Money
from app.domain.payments.reconciliation import (
    DISCREPANCY,
    MATCHED,
    UNMATCHED,
    Candidate,
    StatementEntry,
    StatementErrors,
    match_statement,
)
from app.models.payments import BankStatementLine
from app.models.system import AuditEntry, OutboxEntry
from app.services.payments.reconciliation import ReconciliationService
from tests.gui.payments_helpers import pay
from tests.payment_fixtures import actor, build_sample

D = Decimal
STATEMENT = """date,reference,amount
2025-04-20,TXN-2025-000001,145.50
2025-04-19,R-5002 JOHN DOE,70.00
2025-04-18,NEFT 99812,999.00
2025-04-18,UPI/CR/4471,80.00
"""


def usd(value: str) -> Money:
    return Money.of(value, "USD")


@pytest.fixture
def world(runtime, services):
    """Card 145.50, bank transfer 75.00, UPI 80.00, cash 25.00 and debit card 152.25, all today."""
    sample = build_sample(runtime, services)
    cashier = actor(runtime, "cashier")
    posted = [pay(services, cashier, sample, method="Credit Card"),
              pay(services, cashier, sample, payment_type="Service", item_id=sample.reconnection,
                  method="Bank Transfer", amount=D("75.00")),
              pay(services, cashier, sample, consumer_id=sample.mary, item_id=sample.bill_mary,
                  method="UPI", amount=D("80.00")),
              pay(services, cashier, sample, payment_type="Service", item_id=sample.late_fee,
                  amount=D("25.00")),
              pay(services, cashier, sample, item_id=sample.bill_apr, method="Debit Card",
                  amount=D("152.25"))]
    return posted, ReconciliationService(runtime.app), actor(runtime, "recovery")


def lines(runtime) -> int:
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(BankStatementLine)).scalar_one()


def test_statement_lines_match_payments_and_exceptions_are_listed(runtime, world):
    posted, recon, recovery = world
    summary = recon.import_statement(recovery, "april.csv", STATEMENT)
    assert (summary.lines, summary.matched, summary.unmatched, summary.discrepancies) == (4, 2, 1, 1)
    [info] = recon.statements(recovery)
    assert (info.first_day, info.last_day, info.open_exceptions) == (date(2025, 4, 18),
                                                                     date(2025, 4, 20), 2)
    view = recon.reconciliation(recovery, summary.statement_ref)
    assert [(x.line_no, x.receipt_no) for x in view.matched] == [(2, posted[0].receipt_no),
                                                                 (5, posted[2].receipt_no)]
    [odd] = view.discrepancies
    assert (odd.receipt_no, odd.amount, odd.payment_amount, odd.difference) == (
        posted[1].receipt_no, usd("70.00"), usd("75.00"), usd("-5.00"))
    assert [x.reference for x in view.unmatched_lines] == ["NEFT 99812"]
    # cash goes to the bank in deposits, so only the debit card payment is missing from the bank
    assert [p.receipt_no for p in view.unmatched_payments] == [posted[4].receipt_no]
    assert lines(runtime) == 4
    with runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.entity == "bank_statement_lines")).scalar_one() == 4


def test_exceptions_are_resolved_with_a_note(runtime, world):
    posted, recon, recovery = world
    ref = recon.import_statement(recovery, "april.csv", STATEMENT).statement_ref
    view = recon.reconciliation(recovery, ref)
    with pytest.raises(ValidationError, match="Resolution note: is required"):
        recon.resolve_line(recovery, view.discrepancies[0].line_id, "  ")
    with pytest.raises(ValidationError, match="is matched; it needs no resolution"):
        recon.resolve_line(recovery, view.matched[0].line_id, "fine")
    recon.resolve_line(recovery, view.discrepancies[0].line_id, "Bank fee of 5.00 deducted")
    recon.resolve_payment(recovery, ref, posted[4].details.payment.payment_id, "Settles tomorrow")
    after = recon.reconciliation(recovery, ref)
    assert after.discrepancies[0].note == "Bank fee of 5.00 deducted"
    assert after.unmatched_payments[0].note == "Settles tomorrow"
    assert recon.statements(recovery)[0].open_exceptions == 1
    with pytest.raises(ValidationError, match="is already resolved"):
        recon.resolve_line(recovery, view.discrepancies[0].line_id, "again")
    with runtime.app.sessions() as session:
        actions = session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("reconciliation%"))).scalars().all()
    assert sorted(actions) == ["reconciliation_payment_resolved", "reconciliation_resolved"]


def test_the_same_statement_is_not_imported_twice(runtime, world):
    _posted, recon, recovery = world
    recon.import_statement(recovery, "april.csv", STATEMENT)
    with pytest.raises(ValidationError, match="Bank statement: was already imported"):
        recon.import_statement(recovery, "copy.csv", STATEMENT.replace("\n", "\r\n"))
    with pytest.raises(PermissionDenied):
        recon.import_statement(actor(runtime, "cashier"), "x.csv", STATEMENT)
    assert lines(runtime) == 4


def test_a_bad_statement_names_every_bad_row_and_imports_nothing(runtime, world):
    _posted, recon, recovery = world
    bad = ("date,reference,amount\n2025-04-20,TXN-2025-000001,145.50\n20/04/2025,X,10.00\n"
           "2025-04-19,Y,abc\n2025-04-19,Z\n2025-02-30,W,1.005\n2025-04-19,V,0\n"
           "2025-05-01,U,3.00\n")
    with pytest.raises(StatementErrors) as caught:
        recon.import_statement(recovery, "bad.csv", bad)
    assert [str(p) for p in caught.value.problems] == [
        "Line 3, date: must be a date written YYYY-MM-DD",
        "Line 4, amount: must be a number",
        "Line 5, row: has 2 fields; the header has 3",
        "Line 6, date: is not a real date",
        "Line 6, amount: must have at most 2 decimal places",
        "Line 7, amount: must not be 0",
        "Line 8, date: cannot be in the future"]
    assert caught.value.message == "Bank statement: 7 problems found; nothing was imported"
    with pytest.raises(StatementErrors) as caught:
        recon.import_statement(recovery, "bad.csv", "when,ref,amount\n2025-04-20,X,1.00\n")
    assert str(caught.value.problems[0]) == (
        "Line 1, header: must name the columns date, reference, amount (missing: date, reference)")
    assert lines(runtime) == 0


def test_amount_and_date_matching_window_and_one_line_per_payment():
    def entry(n, day, amount, ref=""):
        return StatementEntry(n, date(2025, 4, day), ref, D(amount))

    cards = [Candidate("a", frozenset({"r-1"}), D("10.00"), date(2025, 4, 10), True),
             Candidate("b", frozenset({"r-2"}), D("10.00"), date(2025, 4, 13), True),
             Candidate("cash", frozenset({"r-3"}), D("20.00"), date(2025, 4, 10), False)]
    result = match_statement([entry(2, 12, "10.00"), entry(3, 12, "10.00"), entry(4, 16, "10.00"),
                              entry(5, 10, "20.00"), entry(6, 10, "20.01", "R-3")], cards)
    assert result[2].payment_id == "b" and result[3].payment_id == "a"  # the nearest first
    assert result[4].state == UNMATCHED  # nothing left within two days
    assert result[5].state == UNMATCHED  # cash is never matched on amount alone
    assert (result[6].payment_id, result[6].state) == ("cash", DISCREPANCY)
    assert result[2].state == MATCHED
