"""Late payment charges, exception escalation by age, bill lifecycle, the GL journal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from app.domain.billing.exceptions import BillingProblem, Category, Severity, escalation_due
from app.domain.billing.gl import JournalEntry, Posting, balanced, journal, posting_for
from app.domain.billing.late_payment import OverdueBill, late_charges
from app.domain.billing.lifecycle import BillStatus, check_transition, due_date
from app.domain.core.clock import FixedClock
from app.domain.core.errors import ValidationError

MAY = (date(2025, 4, 16), date(2025, 5, 15))


def test_a_bill_falling_due_in_the_period_gets_penalty_and_interest_on_principal_only():
    overdue = [OverdueBill("INV-1", date(2025, 4, 30), D("145.50"))]
    charges = late_charges(overdue, *MAY, date(2025, 5, 16), D(2), D("1.5"), "USD")
    # penalty 2% of 145.50 = 2.91; interest 1.5%/month x 15 days (May 1-15) / 30 = 1.09125
    assert [(c.description, c.amount) for c in charges] == [
        ("Late payment penalty on INV-1", D("2.91")), ("Late payment interest on INV-1", D("1.09"))]


def test_a_bill_overdue_since_an_earlier_period_earns_interest_only_once_per_day():
    overdue = [OverdueBill("INV-0", date(2025, 3, 30), D("100.00"))]
    charges = late_charges(overdue, *MAY, date(2025, 5, 16), D(2), D("1.5"), "USD")
    assert [(c.description, c.amount) for c in charges] == [("Late payment interest on INV-0", D("1.50"))]


def test_paid_or_not_yet_due_bills_are_not_charged():
    overdue = [OverdueBill("INV-1", date(2025, 4, 30), D(0)),
               OverdueBill("INV-2", date(2025, 5, 20), D(50))]
    assert late_charges(overdue, *MAY, date(2025, 5, 16), D(2), D("1.5"), "USD") == []


def test_exceptions_carry_severity_and_steps_and_escalate_by_age_with_an_injected_clock():
    problem = BillingProblem(Category.RATE_CALCULATION, "No tariff for water")
    assert problem.severity is Severity.CRITICAL and problem.steps
    clock = FixedClock(datetime(2025, 4, 20, 8, tzinfo=UTC))
    opened = clock.now()
    clock.advance(timedelta(hours=3, minutes=59))
    assert not escalation_due(opened, 4, clock.now())
    clock.advance(timedelta(minutes=1))
    assert escalation_due(opened, 4, clock.now())


def test_an_approved_bill_is_only_cancelled():
    check_transition("Draft", BillStatus.APPROVED)
    check_transition("Approved", BillStatus.CANCELLED)
    with pytest.raises(ValidationError, match="Cancelled bill cannot become Approved"):
        check_transition("Cancelled", BillStatus.APPROVED)
    assert due_date(date(2025, 4, 1), 15) == date(2025, 4, 16)


def test_the_journal_sums_per_code_and_balances():
    postings = [Posting("1200", 1_250), Posting("4000", -1_000), Posting("2200", -250),
                Posting("1000", 500), Posting("1200", -500)]
    entries = journal(postings, {"1200": "Receivable"})
    assert entries[0] == JournalEntry("1000", "", 500, 0)
    assert next(e for e in entries if e.code == "1200") == JournalEntry("1200", "Receivable", 1_250, 500)
    assert balanced(entries)
    assert not balanced(journal(postings[:-1], {}))
    assert posting_for("consumption", "gas") == "Gas charges"
    assert posting_for("tax", "") == "Tax"
