"""The demo utility: deterministic, the specs' samples as history, bills rated by the engine."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Date, create_engine, func, select

from app.demo.generator import DemoAlreadyBuilt, DemoOptions, build_demo_in
from app.demo.reference import DEMO_PASSWORD, USERS
from app.demo.sqlite_writer import FastInsert, fast_converter, sqlite_datetime
from app.domain.core.errors import UtilityDeskError
from app.domain.core.permissions import Role
from app.domain.tariffs.document import from_document
from app.domain.tariffs.rating import rate_period
from app.domain.tariffs.validation import TariffRef, validate_tariff
from app.models.base import Base, MoneyAmount, Quantity, UnitRate, UTCDateTime
from app.models.billing import Bill, BillingCycle, BillLine, LedgerEntry, ServiceCharge
from app.models.consumers import Consumer, SecurityDeposit, ServiceAccount
from app.models.payments import CreditNote, Installment, Payment, PaymentAllocation, PaymentPlan
from app.models.requests import ServiceOrder, ServiceRequest
from app.models.system import AuditEntry, OutboxEntry
from app.models.tariffs import Tariff, TariffVersion
from app.runtime import open_runtime
from app.services.core.auth import AuthService
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings

TODAY = date(2026, 11, 22)
OPTIONS = DemoOptions(consumers=60, months=4, seed=7, today=TODAY)
D = Decimal
KOLKATA = ZoneInfo("Asia/Kolkata")
LOCAL = ZoneInfo("America/Chicago")  # the demo utility bills in dollars, in Springfield's zone


def _build(folder: Path, options: DemoOptions = OPTIONS):
    return build_demo_in(folder, options, progress=None)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    summary = _build(folder)
    runtime = open_runtime(folder, lock=False)
    yield folder, summary, runtime
    runtime.close()


@pytest.fixture
def session(demo):
    _, _, runtime = demo
    with runtime.app.sessions() as session:
        yield session


def _one(session, statement):
    return session.execute(statement).scalar_one()


def _invoices(folder: Path) -> list[tuple[str, int]]:
    engine = create_engine(f"sqlite:///{folder / 'utilitydesk.sqlite3'}")
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT invoice_no, total FROM bills ORDER BY invoice_no").all()
    finally:
        engine.dispose()


# the build --------------------------------------------------------------------------------------


def test_same_seed_and_today_give_the_same_utility(demo, tmp_path):
    folder, summary, _ = demo
    again = _build(tmp_path / "again")
    assert again.rows == summary.rows
    assert _invoices(tmp_path / "again") == _invoices(folder)
    _build(tmp_path / "other", DemoOptions(consumers=60, months=4, seed=8, today=TODAY))
    assert _invoices(tmp_path / "other") != _invoices(folder)


def test_summary_counts_and_logins(demo):
    _, summary, _ = demo
    assert summary.built and summary.count("consumers") == 60
    assert summary.count("bills") > 150 and summary.count("payments") > 80
    text = summary.describe()
    assert "cashier" in text and DEMO_PASSWORD in text and "utilitydesk.sqlite3" in text
    assert {role for _, _, role in summary.logins} == {role.value for role in Role}


def test_an_existing_utility_is_left_alone(demo):
    folder, summary, runtime = demo
    skipped = build_demo_in(folder, OPTIONS.__class__(**{**OPTIONS.__dict__, "if_missing": True}),
                            progress=None)
    assert not skipped.built and "nothing was done" in skipped.describe()
    with pytest.raises(DemoAlreadyBuilt, match="already holds a utility; use an empty folder"):
        _build(folder)
    assert issubclass(DemoAlreadyBuilt, UtilityDeskError)
    with runtime.app.sessions() as session:
        assert _one(session, select(func.count()).select_from(Consumer)) == summary.count("consumers")


def test_history_is_not_queued_for_sync_and_audited_once(session):
    """Bulk history counts as already on the server; only today's live activity, recorded
    through the services (the counter's cash session opened, then its payments), is audited
    and waits in the outbox."""
    queued = set(session.execute(select(OutboxEntry.entity).distinct()).scalars())
    assert queued <= {"payments", "payment_allocations", "ledger_entries", "credit_notes",
                      "receipt_prints", "counters", "cash_sessions", "cash_movements",
                      "billing_exceptions"}  # the live gateway import's refused payment
    actions = session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars().all()
    assert actions[0] == "demo_built"
    assert set(actions[1:]) <= {"payment_recorded", "online_payment_imported", "online_payment_updated",
                                "counter_created", "counter_claimed", "cash_session_opened", "exception_opened"}


def test_todays_activity_goes_through_the_payment_services(session):
    live = session.execute(select(Payment).where(Payment.gateway_ref.like("pi_demo_%"))).scalars().all()
    assert {(p.webhook_status, p.settlement_status) for p in live} == {
        ("Settled", "Success"), ("In Settlement", "In Progress"), ("Not Confirmed", "N/A"),
        ("Failed", "N/A"), ("In Settlement", "Failed")}
    assert all(p.verification == "Pending" and p.received_by == "System" for p in live)
    counter = session.execute(select(Payment).where(Payment.notes == "Paid at the counter")).scalars().all()
    assert len(counter) == 4 and all(p.status == "Posted" for p in counter)
    assert all(p.change_given is not None for p in counter if p.method == "Cash")


def test_every_role_can_log_in(demo):
    _, _, runtime = demo
    auth = AuthService(runtime.app)
    for user in USERS:
        actor = auth.login(user.username, DEMO_PASSWORD)
        assert actor.role is user.role
    assert auth.login("cashier", DEMO_PASSWORD).full_name == "Jane Smith"
    assert auth.login("recovery", DEMO_PASSWORD).full_name == "Robert Garcia"  # a dollar demo's staff are US


def test_numbering_continues_after_the_demo(session):
    settings = load_settings(session)
    receipts = session.execute(select(Payment.receipt_no)).scalars().all()
    last = max(int(number.removeprefix("R-")) for number in receipts)
    issued = issue_number(session, settings, "receipt", on=TODAY, device_code="D0001")
    assert issued.text == f"R-{last + 1}" and not issued.provisional
    invoices = [n for n in session.execute(select(Bill.invoice_no)).scalars() if n.count("-") == 1]
    issued = issue_number(session, settings, "invoice", on=TODAY, device_code="D0001")
    assert issued.seq == max(int(n.removeprefix("INV-")) for n in invoices) + 1
    session.rollback()


# the billing history ---------------------------------------------------------------------------


def test_cycles_are_monthly_per_zone_with_the_current_ones_running(session):
    cycles = session.execute(select(BillingCycle)).scalars().all()
    assert len(cycles) == 4 * 4
    names = {cycle.name for cycle in cycles}
    assert {"North Zone - Nov 2026", "West Zone - Aug 2026"} <= names
    current = [c for c in cycles if c.name.endswith("Nov 2026")]
    assert {c.status for c in current} >= {"Running"}
    assert all(c.status == "Completed" for c in cycles if not c.name.endswith("Nov 2026"))
    running = next(c for c in current if c.status == "Running")
    billed = _one(session, select(func.count()).select_from(Bill).where(Bill.cycle_id == running.id))
    assert billed < running.accounts_total


def test_every_bill_is_the_sum_of_its_lines_and_due_in_15_days(session):
    line_totals = dict(session.execute(select(BillLine.bill_id, func.sum(BillLine.amount))
                                       .group_by(BillLine.bill_id)).all())
    bills = session.execute(select(Bill)).scalars().all()
    for bill in bills:
        assert line_totals[bill.id] == bill.total, bill.invoice_no
        assert (bill.due_date - bill.bill_date).days == 15
        assert bill.bill_date <= TODAY
    types = {bill.bill_type for bill in bills}
    assert types <= {"Actual", "Estimated"} and "Actual" in types


def _versions(session) -> dict[str, list]:
    """Each tariff's versions as the domain sees them, by tariff id."""
    by_tariff: dict[str, list] = {}
    for row in session.execute(select(TariffVersion).order_by(TariffVersion.version_no)).scalars():
        by_tariff.setdefault(row.tariff_id, []).append((row, from_document(row.document)))
    return by_tariff


def test_bills_are_what_the_rating_engine_says(session):
    by_tariff = _versions(session)
    version_rows = {row.id: row for rows in by_tariff.values() for row, _ in rows}
    accounts = {a.id: a for a in session.execute(select(ServiceAccount)).scalars()}
    bills = session.execute(select(Bill).where(Bill.cycle_id.is_not(None))).scalars().all()
    tariffs = {t.id: t for t in session.execute(select(Tariff)).scalars()}
    checked = 0
    for bill in random.Random(1).sample(bills, 60):
        tariff_id = version_rows[bill.tariff_version_id].tariff_id
        if tariffs[tariff_id].rate_type == "time_of_use":
            continue  # rated per register; the register reads are checked below
        versions = [v for row, v in by_tariff[tariff_id]
                    if row.state in ("Published", "Archived") and v.valid_from <= bill.period_end
                    and (v.valid_to is None or v.valid_to >= bill.period_start)]
        versions = [v for v in versions if v.version == max(x.version for x in versions
                                                               if x.valid_from == v.valid_from)]
        load = accounts[bill.service_account_id].sanctioned_load_kw
        rated = rate_period(versions, bill.period_start, bill.period_end, bill.consumption, None, load)
        lines = session.execute(select(BillLine).where(BillLine.bill_id == bill.id)
                                .order_by(BillLine.line_no)).scalars().all()
        assert rated.total.amount == bill.total, bill.invoice_no
        assert [(line.description, line.amount) for line in lines] == [
            (line.description, line.amount.amount) for line in rated.lines]
        checked += 1
    assert checked >= 40


def test_ledger_holds_bills_as_debits_and_payments_as_credits(session):
    bills = _one(session, select(func.sum(Bill.total)))
    debits = _one(session, select(func.sum(LedgerEntry.amount)).where(LedgerEntry.entry_type == "bill"))
    assert debits == bills
    payments = _one(session, select(func.sum(LedgerEntry.amount)).where(LedgerEntry.entry_type == "payment"))
    assert payments < 0
    allocated = session.execute(select(PaymentAllocation.payment_id, func.sum(PaymentAllocation.amount))
                                .group_by(PaymentAllocation.payment_id)).all()
    amounts = dict(session.execute(select(Payment.id, Payment.amount)).all())
    notes = dict(session.execute(select(CreditNote.payment_id, CreditNote.amount)).all())
    for payment_id, total in allocated:
        kept = notes.get(payment_id, D(0))
        assert total + kept == amounts[payment_id]


def test_tariffs_of_one_utility_and_rate_type_never_share_a_day(session):
    by_tariff = _versions(session)
    published = [(tariff_id, v) for tariff_id, rows in by_tariff.items() for _, v in rows]
    for tariff_id, version in published:
        others = [TariffRef(v.name, v.utility, v.rate_type, v.valid_from, v.valid_to)
                  for other_id, v in published if other_id != tariff_id]
        assert validate_tariff(version, others) == [], version.name


# the specs' samples ------------------------------------------------------------------------------


def test_john_doe_and_his_sample_documents(session):
    doe = session.execute(select(Consumer).where(Consumer.account_no == "WU-10001")).scalar_one()
    assert (doe.name, doe.service_address, doe.phone, doe.email) == (
        "John Doe", "123 Main Street, Cityville", "(555) 123-4567", "john.doe@email.com")
    bills = {b.invoice_no: b for b in session.execute(select(Bill).where(Bill.consumer_id == doe.id)).scalars()}
    march, april = bills["INV-2025-001234"], bills["INV-2025-001567"]
    assert (march.total, march.due_date, march.period_start) == (D("145.50"), date(2025, 4, 15), date(2025, 3, 1))
    assert (april.total, april.due_date, april.period_start) == (D("152.25"), date(2025, 5, 15), date(2025, 4, 1))
    charges = {(c.description, c.amount, c.service_date) for c in
               session.execute(select(ServiceCharge).where(ServiceCharge.consumer_id == doe.id)).scalars()}
    assert charges == {("Reconnection Fee", D("75.00"), date(2025, 4, 18)),
                       ("Late Fee", D("25.00"), date(2025, 4, 10))}
    payment = session.execute(select(Payment).where(Payment.receipt_no == "R-5001")).scalar_one()
    assert (payment.payment_no, payment.transaction_no, payment.amount, payment.tendered) == (
        "PAY-2025-004521", "TXN-2025-008934", D("150.00"), D("150.00"))
    assert (payment.channel, payment.method, payment.status, payment.verification, payment.received_by) == (
        "Walk-in", "Cash", "Posted", "Verified", "Jane Smith")
    assert payment.paid_at.astimezone(LOCAL).date() == date(2025, 4, 20)
    allocation = session.execute(select(PaymentAllocation).where(
        PaymentAllocation.payment_id == payment.id)).scalar_one()
    assert (allocation.bill_id, allocation.amount) == (march.id, D("145.50"))
    note = session.execute(select(CreditNote).where(CreditNote.credit_note_no == "CN-46129")).scalar_one()
    assert (note.payment_id, note.amount, note.reason, note.created_by, note.expires_on) == (
        payment.id, D("4.50"), "Overpayment", "Jane Smith", date(2026, 4, 20))
    assert note.remarks == "Customer overpaid due to billing adjustment"
    plan = session.execute(select(PaymentPlan).where(PaymentPlan.plan_no == "PP-2025-0034")).scalar_one()
    installments = session.execute(select(Installment.amount, Installment.due_date)
                                   .where(Installment.plan_id == plan.id).order_by(Installment.number)).all()
    assert installments == [(D("67.50"), date(2025, 4, 15)), (D("67.50"), date(2025, 5, 15)),
                            (D("67.50"), date(2025, 6, 15))]


def test_john_doe_march_bill_is_rated_across_the_tariff_change(session):
    """Mar 2025 straddles Old Residential Plan (to Mar 14) and Standard Residential (from Mar 15)."""
    bill = session.execute(select(Bill).where(Bill.invoice_no == "INV-2025-001234")).scalar_one()
    versions = [from_document(row.document) for row in session.execute(select(TariffVersion)).scalars()]
    old = next(v for v in versions if v.name == "Old Residential Plan")
    standard = next(v for v in versions if v.name == "Standard Residential Electricity")
    assert rate_period([old, standard], bill.period_start, bill.period_end, bill.consumption).total.amount \
        == D("145.50")
    assert rate_period([standard], date(2025, 4, 1), date(2025, 4, 30), D(100)).total.amount == D("12.00")


def test_john_michael_smith_and_his_disconnection_request(session):
    smith = session.execute(select(Consumer).where(Consumer.account_no == "ACC-2024-001789")).scalar_one()
    assert (smith.name, smith.category, smith.sub_category, smith.status, smith.registered_on) == (
        "John Michael Smith", "Residential", "Standard", "Active", date(2024, 1, 15))
    assert smith.service_address == "123 Oak Street, Springfield, IL 62701"
    balance = _one(session, select(func.sum(LedgerEntry.amount)).where(LedgerEntry.consumer_id == smith.id))
    assert balance == D("456.78")
    last_due = _one(session, select(func.max(Bill.due_date)).where(Bill.consumer_id == smith.id))
    assert last_due == date(2024, 11, 30)
    last = session.execute(select(Payment).where(Payment.consumer_id == smith.id)
                           .order_by(Payment.paid_at.desc()).limit(1)).scalar_one()
    assert (last.amount, last.method, last.paid_at.astimezone(LOCAL).date()) == (
        D("150.00"), "Online Banking", date(2024, 10, 15))
    deposit = session.execute(select(SecurityDeposit).where(SecurityDeposit.consumer_id == smith.id)).scalar_one()
    assert (deposit.amount, deposit.deposited_on, deposit.use_in_bill) == (D("200.00"), date(2024, 1, 15), True)
    request = session.execute(select(ServiceRequest).where(
        ServiceRequest.request_no == "DIS-2024-001234")).scalar_one()
    assert (request.consumer_id, request.request_type, request.reason_code, request.priority) == (
        smith.id, "Disconnection", "NP-001", "High")
    assert (request.preferred_date, request.time_slot, request.created_by) == (
        date(2024, 12, 15), "10:00-12:00", "Sarah Johnson")
    assert request.notes == "Customer requested morning slot due to work schedule"
    assert request.required_approval and request.notify_customer
    assert request.created_at.astimezone(LOCAL).replace(tzinfo=None) == datetime(2024, 12, 10, 9, 30)
    order = session.execute(select(ServiceOrder).where(ServiceOrder.so_no == "SO-2024-005678")).scalar_one()
    assert (order.request_id, order.name, order.status, order.created_by, order.assigned_to) == (
        request.id, "Residential Disconnection - John Smith", "Assigned", "Lisa Wilson", "Mike Thompson")


@pytest.mark.postgres
def test_the_demo_builds_on_postgresql_too(tmp_path, pg_url):
    summary = build_demo_in(tmp_path / "pg", DemoOptions(consumers=25, months=3, today=TODAY,
                                                         database_url=pg_url), progress=None)
    runtime = open_runtime(tmp_path / "pg", lock=False, database_url=pg_url)
    try:
        with runtime.app.sessions() as session:
            assert _one(session, select(func.count()).select_from(Consumer)) == 25
            bill = session.execute(select(Bill).where(Bill.invoice_no == "INV-2025-001234")).scalar_one()
            assert bill.total == D("145.50") and bill.updated_at.tzinfo is not None
            assert _one(session, select(func.count()).select_from(Bill)) == summary.count("bills")
    finally:
        runtime.close()


# the fast SQLite path stores what the column types store ----------------------------------------


def test_fast_conversions_match_the_column_types():
    dialect = create_engine("sqlite://").dialect
    samples = {
        MoneyAmount: [D("145.50"), D("-4.5"), D("0"), D("1234567.89"), None],
        UnitRate: [D("0.1200"), D("5"), D("8.5"), None],
        Quantity: [D("1259.9"), D("0.452"), D("12"), None],
        UTCDateTime: [datetime(2025, 4, 20, 6, 12, tzinfo=UTC),
                      datetime(2025, 4, 20, 11, 42, 7, 123, tzinfo=KOLKATA), None],
        Date: [date(2024, 12, 15), None],
    }
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            values = next((v for kind, v in samples.items() if isinstance(column.type, kind)), None)
            if values is None:
                continue
            convert = fast_converter(column, dialect)
            expected = column.type.dialect_impl(dialect).bind_processor(dialect)
            for value in values:
                assert convert(value) == (expected(value) if expected else value), (column, value)
    with pytest.raises(ValueError):
        fast_converter(Bill.__table__.c.total, dialect)(D("1.005"))
    with pytest.raises(ValueError):
        sqlite_datetime(datetime(2025, 1, 1))
    insert = FastInsert.of(Bill.__table__, dialect, "2026-11-21 18:30:00.000000")
    assert insert.sql.startswith('INSERT INTO "bills"') and "'2026-11-21 18:30:00.000000'" in insert.sql
    assert isinstance(Bill.__table__.c.bill_date.type, Date)


def test_the_demo_can_bill_in_rupees(tmp_path):
    from dataclasses import replace

    from app.runtime import open_runtime
    from app.services.core.settings import SettingsService

    _build(tmp_path / "inr", replace(OPTIONS, consumers=12, months=2, currency="INR"))
    runtime = open_runtime(tmp_path / "inr", lock=False)
    try:
        settings = SettingsService(runtime.app).current()
        assert (settings.currency, settings.locale, settings.time_zone) == ("INR", "en_IN", "Asia/Kolkata")
        assert AuthService(runtime.app).login("recovery", DEMO_PASSWORD).full_name == "Rahul Verma"
    finally:
        runtime.close()


# where the demo is, and when -----------------------------------------------------------------

US_PHONE = r"^\(\d{3}\) \d{3}-\d{4}$"
SAMPLE_NAMES = ("John Doe", "John Michael Smith")  # the specs' samples keep the specs' addresses
FUTURE_BY_DESIGN = {("billing_cycles", "deadline")}  # a running cycle's deadline is ahead
# Bookkeeping the database stamps with the wall clock, not the injected one: in a real build
# they are the real now; this test's clock is set to a morning in the past.
WALL_CLOCK = {"updated_at", "changed_at", "leased_at"}


def test_a_dollar_demo_is_a_us_utility(session):
    import re

    rows = session.execute(select(Consumer.name, Consumer.phone, Consumer.service_address)
                           .where(Consumer.name.notin_(SAMPLE_NAMES))).all()
    assert len(rows) > 40
    assert all(re.match(US_PHONE, phone) for _, phone, _ in rows), rows[:3]
    assert all(re.search(r", Springfield, IL 62\d{3}$", address) for _, _, address in rows), rows[:3]
    assert not any("Bengaluru" in address or "Nagar" in address for _, _, address in rows)
    methods = set(session.execute(select(Payment.method).distinct()).scalars())
    assert "UPI" not in methods and {"Cash", "Credit Card"} <= methods
    assert "UPI" not in load_settings(session).payment_modes


def test_a_rupee_demo_is_an_indian_utility(tmp_path):
    from dataclasses import replace

    _build(tmp_path / "inr", replace(OPTIONS, consumers=12, months=2, currency="INR"))
    runtime = open_runtime(tmp_path / "inr", lock=False)
    try:
        with runtime.app.sessions() as session:
            rows = session.execute(select(Consumer.phone, Consumer.service_address)
                                   .where(Consumer.name.notin_(SAMPLE_NAMES))).all()
            assert rows and all(phone.startswith("+91 ") for phone, _ in rows)
            assert all("Bengaluru 560" in address for _, address in rows)
    finally:
        runtime.close()


def test_a_demo_built_before_opening_hours_has_nothing_stamped_after_now(tmp_path):
    from app.demo.generator import build_demo
    from app.domain.core.clock import FixedClock

    now = datetime(2026, 11, 22, 4, 14, tzinfo=LOCAL)  # 4:14 a.m. in Springfield
    runtime = open_runtime(tmp_path / "early", lock=False, clock=FixedClock(now))
    try:
        build_demo(runtime.app, DemoOptions(consumers=60, months=3, seed=7), None)
        with runtime.app.sessions() as session:
            later = []
            for table in Base.metadata.sorted_tables:
                for column in table.columns:
                    if not isinstance(column.type, UTCDateTime) or column.name in WALL_CLOCK or \
                            (table.name, column.name) in FUTURE_BY_DESIGN:
                        continue
                    latest = session.execute(select(func.max(column))).scalar()
                    if latest is not None and latest > now:
                        later.append(f"{table.name}.{column.name} = {latest}")
            assert later == [], "\n".join(later)
            today_paid = session.execute(select(func.count()).select_from(Payment).where(
                Payment.paid_at >= datetime(2026, 11, 22, tzinfo=LOCAL))).scalar()
            assert today_paid > 0  # today's counter still looks alive, earlier in the night
    finally:
        runtime.close()
@pytest.mark.postgres
def test_a_server_on_the_demo_database_leases_numbers_after_the_demos(tmp_path, pg_url):
    """The README's central path: `demo --database-url`, then `server` on the same database."""
    from app.domain.core.numbering import NumberFormat
    from sync.server.config import ServerConfig
    from sync.server.leases import lease_blocks
    from sync.server.state import open_central

    build_demo_in(tmp_path / "pg", DemoOptions(consumers=25, months=3, today=TODAY, database_url=pg_url),
                  progress=None)
    central = open_central(ServerConfig(database_url=pg_url))
    try:
        with central.sessions() as session, session.begin():
            settings = load_settings(session)
            for series in ("receipt", "payment", "credit_note"):
                stored = [number for (number,) in session.execute(select(
                    {"receipt": Payment.receipt_no, "payment": Payment.payment_no,
                     "credit_note": CreditNote.credit_note_no}[series]))]
                number_format = NumberFormat.parse(settings.number_format(series))
                highest = max(seq for seq in map(number_format.match, stored) if seq is not None)
                (block,) = lease_blocks(session, series, 1, None, central.now())
                assert block.first > highest, series
    finally:
        central.engine.dispose()
