"""A counter's cash shift on a real SQLite file: float, payments, cash in/out, void, X and Z reports,
close thresholds, a closed session that no longer changes, no sale, the drawer kick and change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.core.errors import ConflictError, PermissionDenied, PrinterError, ValidationError
from app.domain.core.money import Money
from app.models.cash import CashMovement, CashSession
from app.models.consumers import ServiceAccount
from app.models.payments import Payment
from app.models.reference import Counter
from app.models.system import AuditEntry, OutboxEntry
from app.printing.escpos.decode import decode
from app.services.cash.sessions import CashSessionsService
from app.services.payments.posting import PaymentRequest
from tests.factories import PASSWORD
from tests.loopback_printer import LoopbackPrinter, refused_url
from tests.payment_fixtures import _bill, actor, build_sample

D = Decimal
TODAY = date(2025, 4, 20)
METHODS = ("Cash", "Cash", "Credit Card", "UPI", "Cash")
FLOAT = {D(20): 5, D(10): 10, D(5): 10, D(1): 20, D("0.25"): 40, D("0.10"): 20, D("0.05"): 20,
         D("0.01"): 50}  # $283.50


def usd(value: str) -> Money:
    return Money.of(value, "USD")


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cash(runtime):
    return CashSessionsService(runtime.app)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


@pytest.fixture
def supervisor(runtime):
    return actor(runtime, "supervisor")


@pytest.fixture
def printer(runtime, services):
    device = LoopbackPrinter()
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": device.url})
    yield device
    device.close()


def add_bills(runtime, count: int) -> list[tuple[str, str, Decimal]]:
    """(consumer, bill, total) for `count` open bills of $20.00, $21.25, $22.50, ... ."""
    made = []
    with runtime.app.sessions() as session, session.begin():
        accounts = session.execute(select(ServiceAccount).order_by(ServiceAccount.account_no)).scalars().all()
        for n in range(count):
            total = D(20 + n) + D(n % 4) * D("0.25")
            # one bill per account and period: before the sample's March bills, a month apart
            year, month = divmod(2025 * 12 + 1 - n // 2, 12)
            start = date(year, month + 1, 1)
            bill = _bill(session, accounts[n % 2], f"INV-2025-9{n:05d}", str(total), start,
                         start + timedelta(days=27), date(2025, 4, 1), date(2025, 4, 30))
            made.append((bill.consumer_id, bill.id, total))
    return made


def pay(services, who, bill: tuple[str, str, Decimal], method: str):
    consumer, bill_id, total = bill
    tendered = (total // 10 + 1) * 10 if method == "Cash" else None  # change handed back
    return services.payments.record_payment(who, PaymentRequest(
        consumer_id=consumer, payment_type="Bill", method=method, amount=total, paid_on=TODAY,
        item_id=bill_id, tendered=tendered))


def audit_actions(runtime) -> list[str]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def methods_of(report) -> list[tuple[str, int, Money]]:
    return [(t.method, t.count, t.amount) for t in report.by_method]


# a full shift ----------------------------------------------------------------------------------

def test_a_full_shift_adds_up_exactly(runtime, services, cash, cashier, supervisor, sample):
    bills = add_bills(runtime, 50)
    opened = cash.open_session(cashier, FLOAT)
    assert (opened.session_no, opened.counter, opened.opening_float) == (1, "Counter 1", usd("283.50"))
    assert opened.expected_counts == FLOAT and opened.opened_by == "Jane Smith"
    posted = [pay(services, cashier, bills[n], METHODS[n % 5]) for n in range(25)]
    cash.cash_in(cashier, "50.00", "Float top-up from the safe")

    x = cash.x_report(cashier, opened.session_id)
    assert (x.kind, x.session_no, x.status, x.opening_float) == ("X", 1, "Open", usd("283.50"))
    assert methods_of(x) == [("Cash", 15, usd("479.75")), ("Credit Card", 5, usd("162.00")),
                             ("UPI", 5, usd("167.25"))]
    assert (x.cash_payments.count, x.cash_payments.amount) == (15, usd("479.75"))
    assert x.cash_in.amount == usd("50.00") and x.expected_cash == usd("813.25")
    assert x.expected_counts is None  # cash payments record no notes and coins

    services.payments.void_payment(supervisor, posted[10].details.payment.payment_id, "Wrong bill")
    posted += [pay(services, cashier, bills[n], METHODS[n % 5]) for n in range(25, 50)]
    cash.cash_out(cashier, "30.00", "Bank drop")
    assert cash.current_session(cashier).expected_cash == usd("1608.25")

    counted = {D(100): 16, D(5): 1, D(1): 2, D("0.25"): 3}  # $1,607.75: 50 cents short
    z = cash.close_session(cashier, counted)
    report = z.report
    assert (report.kind, report.status, z.closing.closed_by) == ("Z", "Closed", "Jane Smith")
    assert methods_of(report) == [("Cash", 29, usd("1304.75")), ("Credit Card", 10, usd("449.25")),
                                  ("UPI", 10, usd("458.75"))]
    assert (report.payment_count, report.takings) == (49, usd("2212.75"))
    assert (report.voided_payments.count, report.voided_payments.amount) == (1, usd("30.50"))
    assert (report.cash_payments.count, report.cash_payments.amount) == (30, usd("1335.25"))
    assert (report.cash_in.amount, report.cash_out.amount) == (usd("50.00"), usd("30.00"))
    assert (report.voids.count, report.voids.amount, report.no_sales) == (1, usd("30.50"), 0)
    assert report.expected_cash == usd("1608.25") and z.closing.counted == usd("1607.75")
    assert (z.closing.variance, z.closing.over_short, z.closing.reason) == (usd("-0.50"), "Short", "")
    assert z.warnings[0].startswith("50 payment(s) of this session are not yet synced")
    assert z.changes.touches("cash")
    assert cash.z_report(supervisor, opened.session_id).report.expected_cash == usd("1608.25")
    with runtime.app.sessions() as session:
        row = session.get(CashSession, opened.session_id)
        assert (row.expected_cash, row.counted_cash, row.closing_counts) == (
            D("1608.25"), D("1607.75"), {"10000": 16, "500": 1, "100": 2, "25": 3})
        queued = session.execute(select(OutboxEntry.payload).where(
            OutboxEntry.entity == "payments", OutboxEntry.operation == "insert")).scalars().all()
    assert {p["cash_session_id"] for p in queued} == {opened.session_id}
    assert {"cash_session_opened", "cash_in", "cash_out", "cash_session_closed"} <= set(audit_actions(runtime))


def test_one_open_session_per_counter_and_the_counter_row_is_made_once(runtime, cash, cashier,
                                                                       supervisor, sample):
    cash.open_session(cashier, {D(20): 1})
    with pytest.raises(ConflictError, match="already open at Counter 1"):
        cash.open_session(supervisor, {D(20): 1})
    with runtime.app.sessions() as session:
        counters = session.execute(select(Counter.name, Counter.code)).all()
    assert counters == [("Counter 1", "COUNTER-1")]
    with pytest.raises(ValidationError, match="Opening float: 3 is not a USD note"):
        cash.open_session(cashier, {D(3): 1})
    with pytest.raises(PermissionDenied):
        cash.open_session(actor(runtime, "manager"), {D(20): 1})


def test_cash_in_and_out_need_a_reason_and_cannot_take_more_than_the_drawer(cash, cashier, sample):
    cash.open_session(cashier, {D(20): 2, D(5): 2})
    with pytest.raises(ValidationError, match="Reason: is required"):
        cash.cash_in(cashier, "10", "  ")
    with pytest.raises(ValidationError, match="Denominations: add up to 20"):
        cash.cash_in(cashier, "10", "Top-up", {D(20): 1})
    with pytest.raises(ValidationError, match="Amount: is more than the drawer should hold"):
        cash.cash_out(cashier, "60", "Bank drop")
    with pytest.raises(ValidationError, match="the drawer should hold only 2 of 5"):
        cash.cash_out(cashier, "15", "Bank drop", {D(5): 3})
    cash.cash_out(cashier, "20", "Bank drop", {D(20): 1})
    assert cash.current_session(cashier).expected_counts == {D(20): 1, D(5): 2}


# closing: thresholds and immutability -------------------------------------------------------------

def test_variance_beyond_the_thresholds_needs_a_reason_then_a_supervisor(runtime, cash, cashier,
                                                                          sample):
    opened = cash.open_session(cashier, {D(20): 5})  # $100 expected
    with pytest.raises(ValidationError, match=r"Reason: is required: the drawer is short by \$5.00"):
        cash.close_session(cashier, {D(5): 19})
    short_25 = {D(5): 15}
    with pytest.raises(ValidationError, match="Reason: is required"):
        cash.close_session(cashier, short_25)
    with pytest.raises(ValidationError, match="Supervisor username: is required"):
        cash.close_session(cashier, short_25, "Note missing")
    with pytest.raises(ValidationError, match="Supervisor password: Wrong username or password"):
        cash.close_session(cashier, short_25, "Note missing", "supervisor", "not-the-password")
    with pytest.raises(PermissionDenied, match="may not approve"):
        cash.close_session(cashier, short_25, "Note missing", "manager", PASSWORD)
    assert cash.current_session(cashier).session_id == opened.session_id  # still open, unchanged
    z = cash.close_session(cashier, short_25, "Note missing", "supervisor", PASSWORD)
    assert (z.closing.variance, z.closing.approved_by, z.closing.reason) == (
        usd("-25.00"), "Supervisor", "Note missing")


def test_a_small_variance_closes_without_a_reason_and_over_is_positive(cash, cashier, sample):
    cash.open_session(cashier, {D(20): 5})
    z = cash.close_session(cashier, {D(20): 5, D(1): 1})
    assert (z.closing.variance, z.closing.over_short) == (usd("1.00"), "Over")


def test_a_closed_session_never_changes(runtime, services, cash, cashier, supervisor, sample):
    opened = cash.open_session(cashier, {D(20): 5})
    first = pay(services, cashier, (sample.john, sample.bill_mar, D("145.50")), "Cash")
    cash.close_session(cashier, {D(100): 2, D(20): 2, D(5): 1, D("0.25"): 2},
                       "Customer change", "supervisor", PASSWORD)
    before = cash.z_report(cashier, opened.session_id).report
    runtime.app.clock.advance(timedelta(minutes=5))
    for attempt in (lambda: cash.cash_in(cashier, "5", "Top-up"),
                    lambda: cash.close_session(cashier, {D(20): 5}),
                    lambda: cash.x_report(cashier, opened.session_id)):
        with pytest.raises(ValidationError):
            attempt()
    later = pay(services, cashier, (sample.mary, sample.bill_mary, D("80.00")), "Cash")
    services.payments.void_payment(supervisor, first.details.payment.payment_id, "Duplicate")
    after = cash.z_report(cashier, opened.session_id).report
    assert methods_of(after) == methods_of(before) == [("Cash", 1, usd("145.50"))]
    assert (after.expected_cash, after.voided_payments.count) == (before.expected_cash, 0)
    with runtime.app.sessions() as session:
        assert session.get(Payment, later.details.payment.payment_id).cash_session_id is None
        kinds = session.execute(select(CashMovement.kind)).scalars().all()
    assert kinds == ["cash_payment"]  # no drawer open: the void moved no counted cash

    second = cash.open_session(cashier, {D(20): 5})
    assert second.session_no == 2
    third = pay(services, cashier, (sample.john, sample.bill_apr, D("152.25")), "Cash")
    services.payments.void_payment(supervisor, third.details.payment.payment_id, "Wrong amount")
    assert cash.current_session(cashier).expected_cash == usd("100.00")


# no sale and the drawer -------------------------------------------------------------------------

def test_no_sale_is_refused_to_a_cashier_and_audited_for_a_supervisor(runtime, cash, cashier,
                                                                        supervisor, sample, printer):
    cash.open_session(cashier, {D(20): 5})
    with pytest.raises(PermissionDenied):
        cash.no_sale(cashier, "Customer wants change")
    with pytest.raises(ValidationError, match="Reason: is required"):
        cash.no_sale(supervisor, "")
    result = cash.no_sale(supervisor, "Change for the coffee fund")
    assert result.printer == f"127.0.0.1:{printer.port}"
    job = decode(printer.wait_for_jobs(1)[0])
    assert "drawer_kick:pin0" in job.commands and "NO SALE" in job.text
    assert "Change for the coffee fund" in job.text and "Supervisor" in job.text
    assert audit_actions(runtime)[-1] == "cash_no_sale"
    assert cash.current_session(cashier).expected_cash == usd("100.00")
    report = cash.x_report(supervisor, cash.current_session(cashier).session_id)
    assert report.no_sales == 1


def test_a_failed_no_sale_records_no_movement_but_is_audited(runtime, services, cash, cashier,
                                                            supervisor, sample):
    cash.open_session(cashier, {D(20): 5})
    with pytest.raises(ValidationError, match="Printer: no receipt printer"):
        cash.no_sale(supervisor, "Change")
    services.settings.update(actor(runtime, "admin"), {"printing.printer_url": refused_url()})
    with pytest.raises(PrinterError, match="refused the connection"):
        cash.no_sale(supervisor, "Change")
    report = cash.x_report(supervisor, cash.current_session(cashier).session_id)
    assert report.no_sales == 0 and audit_actions(runtime)[-1] == "cash_no_sale_failed"


def test_the_drawer_opens_only_for_cash_and_no_sale(runtime, services, cash, cashier, supervisor,
                                                    sample, printer):
    opened = cash.open_session(cashier, {D(20): 5})
    card = pay(services, cashier, (sample.mary, sample.bill_mary, D("80.00")), "Credit Card")
    cash_paid = pay(services, cashier, (sample.john, sample.bill_mar, D("145.50")), "Cash")
    assert services.drawer.kick_for_payment(cashier, card.details.payment.payment_id) is None
    kick = services.drawer.kick_for_payment(cashier, cash_paid.details.payment.payment_id)
    assert kick.opened and kick.message == f"Cash drawer opened for receipt {cash_paid.receipt_no}."
    assert printer.wait_for_pulses(1) == 1  # the real-time pulse, on its own connection
    services.receipts.print_receipt(cashier, card.details.payment.payment_id)
    services.receipts.print_receipt(cashier, cash_paid.details.payment.payment_id)
    cash.print_report(cashier, cash.x_report(cashier, opened.session_id))
    services_test = cash.printers.test_print()
    cash.no_sale(supervisor, "Wrong change given")
    jobs = [decode(job) for job in printer.wait_for_jobs(5)]
    kicked = [any(c.startswith("drawer") for c in job.commands) for job in jobs]
    assert kicked == [False, False, False, False, True] and printer.pulses == 1
    assert "X REPORT (mid-shift)" in jobs[2].text and "PRINTER TEST" in jobs[3].text
    assert "online, paper OK" in services_test.summary


# change -------------------------------------------------------------------------------------------

def test_change_comes_from_what_the_drawer_holds(services, cash, cashier, sample):
    cash.open_session(cashier, {D(20): 2, D(5): 1, D(1): 3, D("0.25"): 2})  # $48.50
    change = cash.change_for(cashier, "7.25")
    assert change.exact_possible and change.pieces == ((D(5), 1), (D(1), 2), (D("0.25"), 1))
    short = cash.change_for(cashier, "9.00")
    assert not short.exact_possible and short.given == usd("8.50")
    assert "Exact change of $9.00 cannot be made" in short.message
    cash.cash_in(cashier, "10.00", "Fives from the safe", {D(5): 2})
    assert cash.change_for(cashier, "15.00").pieces == ((D(5), 3),)
    pay(services, cashier, (sample.john, sample.bill_mar, D("145.50")), "Cash")
    unknown = cash.change_for(cashier, "5.00")
    assert not unknown.exact_possible and "notes and coins are not known" in unknown.message
