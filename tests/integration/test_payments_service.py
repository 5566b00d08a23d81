"""Payments and credit notes on a real SQLite file, with the spec's sample (section 8).

Acceptance criteria (spec 001, section 9) -> tests here, or in tests/unit/test_payment_rules.py
(P) and tests/unit/test_credit_note_rules.py (C):
  1  test_find_consumers_by_name_account_or_phone
  2  test_account_shows_details_and_the_ledger_balance
  3  test_form_options_come_from_settings
  4  test_payable_items_per_type, test_service_and_installment_payments
  5  test_payable_items_per_type
  6  test_payable_items_per_type
  7  test_payable_items_per_type, test_service_and_installment_payments
  8  test_form_options_come_from_settings, test_invalid_requests_are_refused_naming_the_field
  9  test_cash_kept_on_account_makes_an_overpayment_credit_note (analysis, balance after)
  10 test_invalid_requests_are_refused_naming_the_field (Notes)
  11 test_numbers_follow_the_formats_and_are_unique
  12 test_cash_with_change_pays_the_bill_exactly (PostedPayment carries every receipt section)
  16 test_numbers_follow_the_formats_and_are_unique
  17 test_cash_with_change_pays_the_bill_exactly
  18 P: test_stripe_payment_statuses_map_per_the_spec, test_stripe_settlement_statuses_map_...
  19 test_payment_details_show_every_section
  20 test_cash_with_change_pays_the_bill_exactly, test_payment_details_show_every_section
  21 test_numbers_follow_the_formats_and_are_unique
  22 test_cash_with_change_pays_the_bill_exactly; P: test_processing_time_is_immediate_...
  23 test_cash_with_change_pays_the_bill_exactly (Verified)
  24 test_cash_kept_on_account_makes_an_overpayment_credit_note, test_numbers_follow_...
  25 test_credit_note_from_a_payment_reopens_its_item; C: test_a_credit_note_never_exceeds_...
  26 test_credit_note_from_a_payment_reopens_its_item; C: test_reason_is_required_...
  27 test_credit_note_from_a_payment_reopens_its_item (draft maximum); C: test_a_credit_may_be_...
  28 test_cash_kept_on_account_makes_an_overpayment_credit_note
  29 test_applying_credit_partially_then_fully
  30 test_kpis_use_posted_payments_only
  31 test_list_search_filter_and_paging, test_credit_note_list_search_and_filters
  32 test_list_search_filter_and_paging
  33 test_list_search_filter_and_paging
  34 test_list_search_filter_and_paging (PaymentRow columns)
  35 test_payment_details_show_every_section (details opened by the row's payment id)
  36 test_credit_note_list_search_and_filters
  37 test_credit_note_list_search_and_filters (CreditNoteRow columns)
  38 test_credit_note_list_search_and_filters
  40 test_invalid_requests_are_refused_naming_the_field (item must match the type)
  41 test_credit_note_from_a_payment_reopens_its_item; C: test_credit_amounts_outside_the_rules_...
  42 test_applying_credit_partially_then_fully, test_credit_note_expiry_is_configurable
  43 test_credit_note_from_a_payment_reopens_its_item, test_applying_credit_partially_then_fully
  44 test_credit_note_expiry_is_configurable
  45 test_invalid_requests_are_refused_naming_the_field; P: test_mandatory_fields_are_named
Not here (screens and printing): 13 download/print, 14 record another, 15 return to dashboard,
39 the three-dot menu.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select, text, update

from app.domain.core.clock import FixedClock
from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import MATRIX, Role
from app.domain.payments.credit_notes import CreditNoteStatus, RemainingKind
from app.models.billing import Bill, LedgerEntry, ServiceCharge
from app.models.db import MIGRATIONS
from app.models.payments import CreditNote, Payment, PaymentAllocation
from app.models.system import AuditEntry, NumberBlock, OutboxEntry, UsageEvent
from app.runtime import open_runtime
from app.services.core.settings import load_settings
from app.services.payments import credit_notes as credit_notes_module
from app.services.payments import posting as payments_module
from app.services.payments.credit_notes import CreditNoteFilter, CreditNoteSort
from app.services.payments.listing import month_range
from app.services.payments.posting import PaymentFilter, PaymentRequest, Sort
from app.services.payments.queries import days_between, utc_bounds, zone
from app.services.registry import Services
from tests.factories import NOW, allow_cash_without_session, seed_users
from tests.payment_fixtures import actor, build_sample

D = Decimal
TODAY = date(2025, 4, 20)
COUNTED = (Payment, PaymentAllocation, LedgerEntry, CreditNote, AuditEntry, OutboxEntry, UsageEvent)


def usd(value: str) -> Money:
    return Money.of(value, "USD")


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def pay(services):
    return services.payments


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


@pytest.fixture
def supervisor(runtime):
    return actor(runtime, "supervisor")


def cash_150(sample, **changes) -> PaymentRequest:
    request = PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                             amount=D("145.50"), paid_on=TODAY, item_id=sample.bill_mar,
                             tendered=D("150.00"), notes="Customer paid in full", seconds_taken=42)
    return replace(request, **changes)


def counts(runtime) -> tuple[int, ...]:
    with runtime.app.sessions() as session:
        rows = tuple(session.execute(select(func.count()).select_from(m)).scalar() for m in COUNTED)
        used = session.execute(select(func.coalesce(func.sum(NumberBlock.next_seq), 0))).scalar()
        return (*rows, used)


def outbox_entities(runtime, after_seq: int = 0) -> list[str]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(OutboxEntry.entity).where(OutboxEntry.seq > after_seq)
                                    .order_by(OutboxEntry.seq)).scalars())


# consumer, account, form ---------------------------------------------------------

def test_find_consumers_by_name_account_or_phone(pay, cashier, sample):
    assert [c.name for c in pay.find_consumers(cashier, "jOhN")] == ["John Doe"]
    assert [c.account_no for c in pay.find_consumers(cashier, "wu-1000")] == ["WU-10001", "WU-10002"]
    assert [c.account_no for c in pay.find_consumers(cashier, "WU-10002")] == ["WU-10002"]
    assert [c.name for c in pay.find_consumers(cashier, "555-123")] == ["John Doe"]
    assert pay.find_consumers(cashier, "  ") == [] and pay.find_consumers(cashier, "100%") == []


def test_account_shows_details_and_the_ledger_balance(pay, cashier, sample):
    view = pay.account(cashier, sample.john)
    assert (view.name, view.account_no, view.service_address) == (
        "John Doe", "WU-10001", "123 Main Street, Cityville")
    assert (view.phone, view.email) == ("(555) 123-4567", "john.doe@email.com")
    assert view.balance == usd("397.75")  # two bills and two service charges


def test_form_options_come_from_settings(pay, cashier, sample):
    options = pay.form_options(cashier)
    assert options.default_channel == "Walk-in" and "Kiosk" in options.channels
    assert options.methods[0] == "Cash" and "UPI" in options.methods
    assert options.payment_types == ("Bill", "Service", "Installment")
    assert options.currency == "USD"


def test_payable_items_per_type(pay, cashier, sample):
    bills = pay.payable_items(cashier, sample.john, "Bill")
    assert [(b.reference, b.amount, b.due_date) for b in bills] == [
        ("INV-2025-001234", usd("145.50"), date(2025, 4, 15)),
        ("INV-2025-001567", usd("152.25"), date(2025, 5, 15))]
    services = pay.payable_items(cashier, sample.john, "Service")
    assert {(s.reference, s.amount) for s in services} == {
        ("Reconnection Fee", usd("75.00")), ("Late Fee", usd("25.00"))}
    installments = pay.payable_items(cashier, sample.john, "Installment")
    assert [(i.reference, i.open_amount) for i in installments] == [
        (f"PP-2025-0034 #{n}", usd("67.50")) for n in (1, 2, 3)]
    pay.record_payment(cashier, cash_150(sample))
    assert [b.reference for b in pay.payable_items(cashier, sample.john, "Bill")] == ["INV-2025-001567"]


# recording ---------------------------------------------------------------------

def test_cash_with_change_pays_the_bill_exactly(runtime, pay, cashier, sample):
    posted = pay.record_payment(cashier, cash_150(sample))
    d = posted.details
    assert posted.amount == usd("145.50") and posted.change == usd("4.50")
    assert d.cash.received == usd("150.00") and posted.credit_note_no is None
    assert (d.payment.status, d.processing.verification, d.processing.processing_time.label) == (
        "Posted", "Verified", "Immediate")
    assert (d.payment.channel, d.processing.received_by) == ("Walk-in", "Jane Smith")
    assert d.consumer.name == "John Doe" and d.item.reference == "INV-2025-001234"
    assert posted.balance_after == usd("252.25") and posted.changes.touches("ledger")
    with runtime.app.sessions() as session:
        ledger = session.execute(select(LedgerEntry.amount).where(
            LedgerEntry.source_id == d.payment.payment_id)).scalars().all()
        event = session.execute(select(UsageEvent)).scalars().one()
    assert ledger == [D("-145.50")]
    assert event.event == "payment_processed" and event.properties["amount"] == "145.50"
    assert event.properties["seconds"] == 42 and event.properties["channel"] == "Walk-in"
    assert outbox_entities(runtime)[-3:] == ["payments", "payment_allocations", "ledger_entries"]


def test_cash_kept_on_account_makes_an_overpayment_credit_note(runtime, pay, cashier, sample):
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    assert posted.amount == usd("150.00") and posted.change == usd("0")
    assert posted.details.analysis.difference == usd("4.50")
    assert posted.details.analysis.kind.value == "Over paid"
    note = pay.credit_note_details(cashier, posted.details.overpayment_credit_note.credit_note_id)
    assert (note.credit_note_no, note.original_amount, note.reason) == (
        "CN-46129", usd("4.50"), "Overpayment")
    assert (note.status, note.applied_amount, note.remaining) == (
        CreditNoteStatus.ACTIVE, usd("0"), usd("4.50"))
    assert (note.receipt_no, note.created_by, note.expires_on) == (
        "R-5001", "Jane Smith", date(2026, 4, 20))
    assert posted.balance_after == usd("247.75")
    assert "credit_notes" in outbox_entities(runtime)
    assert [b.open_amount for b in pay.payable_items(cashier, sample.john, "Bill")] == [usd("152.25")]


def test_numbers_follow_the_formats_and_are_unique(pay, cashier, sample):
    first = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    second = pay.record_payment(cashier, cash_150(
        sample, item_id=sample.bill_apr, amount=D("152.25"), tendered=D("160.00"),
        keep_change_on_account=True))
    assert (first.payment_no, first.details.transaction.transaction_no, first.receipt_no) == (
        "PAY-2025-000001", "TXN-2025-000001", "R-5001")
    assert (second.payment_no, second.receipt_no) == ("PAY-2025-000002", "R-5002")
    assert (first.credit_note_no, second.credit_note_no) == ("CN-46129", "CN-46130")


def test_payment_details_show_every_section(pay, cashier, supervisor, sample):
    posted = pay.record_payment(cashier, cash_150(sample))
    row = pay.list_payments(cashier)[0]
    d = pay.payment_details(supervisor, row.payment_id)
    assert (d.payment.payment_no, d.payment.method, d.payment.payment_type) == (
        posted.payment_no, "Cash", "Bill")
    assert (d.item.reference, d.item.period_start, d.item.period_end) == (
        "INV-2025-001234", date(2025, 3, 1), date(2025, 3, 31))
    assert (d.analysis.item_amount, d.analysis.amount_paid, d.analysis.kind.value) == (
        usd("145.50"), usd("145.50"), "Exact payment")
    assert (d.cash.received, d.cash.change) == (usd("150.00"), usd("4.50"))
    assert d.transaction.paid_at == posted.details.transaction.paid_at
    assert d.consumer.email == "john.doe@email.com" and d.notes == "Customer paid in full"
    assert not d.processing.needs_verification and d.void is None


def test_service_and_installment_payments(pay, cashier, sample):
    fee = pay.record_payment(cashier, cash_150(sample, payment_type="Service", method="Credit Card",
                                               item_id=sample.reconnection, amount="50.00",
                                               tendered=None))
    assert fee.details.cash is None and fee.details.analysis.kind.value == "Under paid"
    assert fee.details.item.service_date == date(2025, 4, 18)
    open_fees = {s.reference: s.open_amount for s in pay.payable_items(cashier, sample.john, "Service")}
    assert open_fees == {"Reconnection Fee": usd("25.00"), "Late Fee": usd("25.00")}
    pay.record_payment(cashier, cash_150(sample, payment_type="Installment", amount="67.50",
                                         tendered="70.00", item_id=sample.installments[0]))
    left = pay.payable_items(cashier, sample.john, "Installment")
    assert [i.reference for i in left] == ["PP-2025-0034 #2", "PP-2025-0034 #3"]


@pytest.mark.parametrize(("change", "field"), [
    ({"method": None}, "Payment method"), ({"method": "Bitcoin"}, "Payment method"),
    ({"paid_on": TODAY + timedelta(days=1)}, "Payment date"), ({"paid_on": None}, "Payment date"),
    ({"amount": None}, "Amount"), ({"amount": "145.505"}, "Amount"),
    ({"consumer_id": None}, "Consumer"), ({"payment_type": None}, "Payment type"),
    ({"notes": "x" * 251}, "Notes"), ({"payment_type": "Service"}, "Service"),
    ({"tendered": "100.00"}, "Amount received")])
def test_invalid_requests_are_refused_naming_the_field(runtime, pay, cashier, sample, change, field):
    before = counts(runtime)
    with pytest.raises(ValidationError) as caught:
        pay.record_payment(cashier, cash_150(sample, **change))
    assert caught.value.field == field
    assert counts(runtime) == before


def test_amount_above_outstanding_plus_threshold_is_refused_naming_amount(runtime, pay, cashier,
                                                                          sample):
    before = counts(runtime)
    with pytest.raises(ValidationError) as caught:  # 397.75 outstanding + 500.00 threshold
        pay.record_payment(cashier, cash_150(sample, method="Credit Card", amount="897.76",
                                             tendered=None))
    assert caught.value.field == "Amount" and "897.75" in caught.value.rule
    assert counts(runtime) == before
    ok = pay.record_payment(cashier, cash_150(sample, method="Credit Card", amount="897.75",
                                              tendered=None))
    assert ok.details.overpayment_credit_note.amount == usd("752.25")


def test_another_consumers_bill_is_refused(pay, cashier, sample):
    with pytest.raises(ValidationError) as caught:
        pay.record_payment(cashier, cash_150(sample, item_id=sample.bill_mary))
    assert caught.value.field == "Bill"


def test_a_past_date_is_kept(pay, cashier, sample):
    posted = pay.record_payment(cashier, cash_150(sample, paid_on=date(2025, 4, 12)))
    assert posted.details.transaction.paid_at.astimezone().date() == date(2025, 4, 12)


@pytest.mark.parametrize(("module", "series"), [(payments_module, "receipt"),
                                                 (credit_notes_module, "credit_note")])
def test_a_failure_mid_way_leaves_nothing(runtime, pay, cashier, sample, monkeypatch, module,
                                          series):
    real = module.issue_number

    def failing(session, settings, name, **kwargs):
        if name == series:
            raise RuntimeError("disk full")
        return real(session, settings, name, **kwargs)

    before = counts(runtime)
    monkeypatch.setattr(module, "issue_number", failing)
    with pytest.raises(RuntimeError):
        pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    assert counts(runtime) == before  # no payment, ledger, note, audit, outbox, event or number
    monkeypatch.setattr(module, "issue_number", real)
    assert pay.record_payment(cashier, cash_150(sample)).payment_no == "PAY-2025-000001"


# voiding -------------------------------------------------------------------------

def test_void_reverses_the_ledger_and_keeps_the_receipt_number(runtime, pay, cashier, supervisor,
                                                               sample):
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    payment_id = posted.details.payment.payment_id
    with pytest.raises(PermissionDenied):
        pay.void_payment(cashier, payment_id, "Wrong account")
    with pytest.raises(ValidationError) as caught:
        pay.void_payment(supervisor, payment_id, "  ")
    assert caught.value.field == "Reason"
    pay.void_payment(supervisor, payment_id, "Wrong account")
    assert pay.account(cashier, sample.john).balance == usd("397.75")
    d = pay.payment_details(cashier, payment_id)
    assert (d.payment.status, d.transaction.receipt_no) == ("Voided", "R-5001")
    assert (d.void.reason, d.void.voided_by) == ("Wrong account", "Supervisor")
    assert pay.payable_items(cashier, sample.john, "Bill")[0].open_amount == usd("145.50")
    note = pay.credit_note_details(cashier, d.overpayment_credit_note.credit_note_id)
    assert note.status is CreditNoteStatus.VOIDED
    with pytest.raises(ValidationError):
        pay.void_payment(supervisor, payment_id, "again")
    with runtime.app.sessions() as session:
        audit = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
        outbox = session.execute(select(OutboxEntry).where(OutboxEntry.operation == "update")
                                 ).scalars().one()
    assert audit.action == "payment_voided" and audit.summary["reason"] == "Wrong account"
    assert (outbox.entity, outbox.base_version) == ("payments", 1)


def test_a_payment_whose_credit_was_applied_cannot_be_voided(pay, cashier, supervisor, sample):
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    pay.apply_credit_note(supervisor, posted.details.overpayment_credit_note.credit_note_id,
                          sample.bill_apr)
    with pytest.raises(ValidationError) as caught:
        pay.void_payment(supervisor, posted.details.payment.payment_id, "Wrong account")
    assert "CN-46129" in caught.value.rule


# the landing page ------------------------------------------------------------------

@pytest.fixture
def three_payments(pay, cashier, supervisor, sample):
    pay.record_payment(cashier, cash_150(sample))  # R-5001 today, bill of Mar 31: 20 days
    pay.record_payment(cashier, cash_150(sample, payment_type="Service", method="Credit Card",
                                         item_id=sample.reconnection, amount="75.00",
                                         tendered=None, paid_on=date(2025, 4, 19)))  # 1 day
    mary = pay.record_payment(cashier, cash_150(sample, consumer_id=sample.mary, amount="80.00",
                                                tendered="80.00", item_id=sample.bill_mary))
    pay.void_payment(supervisor, mary.details.payment.payment_id, "Duplicate")


def test_kpis_use_posted_payments_only(pay, cashier, three_payments):
    k = pay.kpis(cashier, date(2025, 4, 1), TODAY)
    assert k.total_collected == usd("220.50")
    assert (k.received_today, k.received_today_count) == (usd("145.50"), 1)
    assert k.total_due == usd("225.50")  # bills due in April: 145.50 + 80.00
    # the bills due in April (145.50 + 80.00) and what posted payments applied to them: John's
    # 145.50 (Mary's 80.00 was voided; the 75.00 fee is no bill)
    assert (k.applied_to_due, k.collection_rate) == (usd("145.50"), D("64.5"))
    assert k.avg_collection_days == D("10.5")
    march = pay.kpis(cashier, date(2025, 3, 1), TODAY)
    assert (march.total_collected, march.collection_rate, march.avg_collection_days) == (
        usd("0"), None, None)


def test_a_recorded_payment_carries_its_items_date(pay, cashier, runtime, sample):
    """The bill or service date of what it paid, for Avg Collection Time (none: installment)."""
    bill = pay.record_payment(cashier, cash_150(sample))
    fee = pay.record_payment(cashier, cash_150(sample, payment_type="Service", method="Credit Card",
                                               item_id=sample.reconnection, amount="75.00",
                                               tendered=None))
    plan = pay.record_payment(cashier, cash_150(sample, payment_type="Installment", amount="67.50",
                                                tendered="70.00", item_id=sample.installments[0]))
    with runtime.app.sessions() as session:
        carried = {p.receipt_no: (p.item_dated_on, p.item_count)
                   for p in session.execute(select(Payment)).scalars()}
    assert carried == {bill.receipt_no: (date(2025, 3, 31), 1),
                       fee.receipt_no: (date(2025, 4, 18), 1), plan.receipt_no: (None, None)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_runtime(request, tmp_path):
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    rt = open_runtime(tmp_path / "any", lock=False, clock=FixedClock(NOW), database_url=url)
    seed_users(rt)
    allow_cash_without_session(rt)
    yield rt
    rt.close()


def _written_elsewhere(session, sample, number: int, paid_at: datetime,
                       parts: list[tuple[str, str, str]]) -> None:
    """A payment as the demo, an import or another device may write it: several items, and
    no item date on the payment."""
    payment = Payment(payment_no=f"PAY-X{number}", transaction_no=f"TXN-X{number}",
                      receipt_no=f"R-X{number}", consumer_id=sample.john, payment_type="Bill",
                      channel="Walk-in", method="Cash", amount=sum(D(a) for _c, _i, a in parts),
                      paid_at=paid_at, received_by="Jane Smith")
    session.add(payment)
    session.flush()
    session.add_all(PaymentAllocation(payment_id=payment.id, amount=D(amount), **{column: item})
                    for column, item, amount in parts)


def _avg_through_allocations(session, month: date) -> Decimal:
    """Avg Collection Time as it was computed before payments carried their items' date."""
    tz = zone(load_settings(session))
    start, end = utc_bounds(*month_range(month), tz)
    generated = func.coalesce(Bill.bill_date, ServiceCharge.service_date)
    days = days_between(Payment.paid_at, generated, session.bind.dialect.name)
    average = session.execute(
        select(func.avg(days)).select_from(Payment)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .outerjoin(Bill, Bill.id == PaymentAllocation.bill_id)
        .outerjoin(ServiceCharge, ServiceCharge.id == PaymentAllocation.service_charge_id)
        .where(Payment.status == "Posted", Payment.paid_at >= start, Payment.paid_at < end,
               PaymentAllocation.amount > 0, generated.is_not(None))).scalar()
    return Decimal(str(average)).quantize(D("0.1"), ROUND_HALF_UP)


def test_avg_collection_time_is_the_same_with_or_without_carried_dates(any_runtime):
    """Carried on the payment, read from its allocations, or backfilled by migration 0004: the
    same average over every bill and service charge paid (several per payment too)."""
    runtime, services = any_runtime, Services(any_runtime.app)
    sample, cashier, manager = build_sample(runtime, services), actor(runtime, "cashier"), \
        actor(runtime, "manager")
    pay = services.payments
    pay.record_payment(cashier, cash_150(sample))  # bill of Mar 31, today: 20 days
    pay.record_payment(cashier, cash_150(sample, payment_type="Service", method="Credit Card",
                                         item_id=sample.reconnection, amount="75.00",
                                         tendered=None, paid_on=date(2025, 4, 19)))  # 1 day
    pay.record_payment(cashier, cash_150(sample, payment_type="Installment", amount="67.50",
                                         tendered="70.00", item_id=sample.installments[0]))
    with runtime.app.sessions() as session, session.begin():
        april_12, april_19 = (datetime(2025, 4, d, 15, tzinfo=UTC) for d in (12, 19))
        # two parts of the Mar 31 bill on Apr 12: 12 and 12 days
        _written_elsewhere(session, sample, 1, april_12, [("bill_id", sample.bill_mar, "20.00"),
                                                          ("bill_id", sample.bill_mar, "30.00")])
        # the Apr 18 bill and the Apr 10 late fee on Apr 19: 1 and 9 days; a reversal ignored
        _written_elsewhere(session, sample, 2, april_19, [("bill_id", sample.bill_apr, "50.00"),
                                                          ("service_charge_id", sample.late_fee, "25.00"),
                                                          ("bill_id", sample.bill_apr, "-10.00")])
    expected = D("9.2")  # (20 + 1 + 12 + 12 + 1 + 9) / 6

    def both() -> tuple[Decimal, Decimal]:
        with runtime.app.sessions() as session:
            return (pay.kpis(manager, date(2025, 4, 1), TODAY).avg_collection_days,
                    _avg_through_allocations(session, date(2025, 4, 1)))

    assert both() == (expected, expected)
    with runtime.app.sessions() as session, session.begin():
        session.execute(update(Payment).values(item_dated_on=None, item_count=None))
    assert both() == (expected, expected)
    with runtime.app.sessions() as session, session.begin():
        session.execute(text(_migration_0004().BACKFILL))
    with runtime.app.sessions() as session:
        carried = {p.receipt_no: (p.payment_type, p.item_dated_on, p.item_count)
                   for p in session.execute(select(Payment)).scalars()}
    assert sorted(carried.values(), key=str) == sorted([
        ("Bill", date(2025, 3, 31), 1), ("Service", date(2025, 4, 18), 1),
        ("Installment", None, None), ("Bill", date(2025, 3, 31), 2), ("Bill", None, None)], key=str)
    assert both() == (expected, expected)


def _migration_0004():
    path = next((MIGRATIONS / "versions").glob("0004_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_list_search_filter_and_paging(pay, cashier, three_payments):
    def receipts(**filters):
        flt = PaymentFilter(**filters)
        rows = pay.list_payments(cashier, flt, sort=Sort("receipt", descending=False))
        assert pay.count_payments(cashier, flt) == len(rows)
        return [r.receipt_no for r in rows]

    assert receipts() == ["R-5001", "R-5002", "R-5003"]
    assert receipts(text="MARY") == ["R-5003"] and receipts(text="r-500") == receipts()
    assert receipts(text="wu-10001") == ["R-5001", "R-5002"] and receipts(text="doe") == ["R-5001", "R-5002"]
    assert receipts(method="Cash") == ["R-5001", "R-5003"] and receipts(status="Voided") == ["R-5003"]
    assert receipts(payment_type="Service") == ["R-5002"]
    assert receipts(date_from=date(2025, 4, 19), date_to=date(2025, 4, 19)) == ["R-5002"]
    page = pay.list_payments(cashier, offset=1, limit=1, sort=Sort("amount", descending=False))
    row = page[0]
    assert (row.receipt_no, row.amount, row.consumer_name, row.account_no, row.method, row.status,
            row.payment_type) == ("R-5003", usd("80.00"), "Mary Major", "WU-10002", "Cash",
                                  "Voided", "Bill")
    with pytest.raises(ValidationError):
        pay.list_payments(cashier, PaymentFilter(date_from=TODAY, date_to=date(2025, 1, 1)))


# credit notes ---------------------------------------------------------------------

def test_credit_note_from_a_payment_reopens_its_item(runtime, pay, cashier, sample):
    posted = pay.record_payment(cashier, cash_150(sample))
    payment_id = posted.details.payment.payment_id
    draft = pay.credit_note_draft(cashier, payment_id)
    assert (draft.receipt_no, draft.maximum, draft.consumer_name) == ("R-5001", usd("145.50"), "John Doe")
    assert "Billing Error" in draft.reasons
    for amount, reason, field in (("145.51", "Billing Error", "Credit amount"),
                                  ("-1", "Billing Error", "Credit amount"),
                                  ("10.00", None, "Reason"), ("10.00", "Because", "Reason")):
        with pytest.raises(ValidationError) as caught:
            pay.create_credit_note(cashier, payment_id, amount, reason)
        assert caught.value.field == field
    note = pay.create_credit_note(cashier, payment_id, "145.50", "Billing Error", "Meter misread")
    assert (note.credit_note_no, note.remaining, note.status) == (
        "CN-46129", usd("145.50"), CreditNoteStatus.ACTIVE)
    assert pay.payable_items(cashier, sample.john, "Bill")[0].open_amount == usd("145.50")
    assert pay.account(cashier, sample.john).balance == usd("252.25")  # the ledger is unchanged
    assert pay.credit_note_draft(cashier, payment_id).maximum == usd("0")
    with runtime.app.sessions() as session:
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "credit_note_created")
                                ).scalars().one()
    assert audit.summary["reason"] == "Billing Error" and audit.summary["remarks"] == "Meter misread"


def test_applying_credit_partially_then_fully(runtime, pay, cashier, supervisor, sample):
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    note_id = posted.details.overpayment_credit_note.credit_note_id
    with pytest.raises(PermissionDenied):
        pay.apply_credit_note(cashier, note_id, sample.bill_apr, "2.00")
    for target, amount in ((sample.bill_apr, "5.00"), (sample.bill_mary, "1.00")):
        with pytest.raises(ValidationError):
            pay.apply_credit_note(supervisor, note_id, target, amount)
    partial = pay.apply_credit_note(supervisor, note_id, sample.bill_apr, "2.00")
    assert (partial.applied_amount, partial.remaining, partial.usage_percent, partial.status) == (
        usd("2.00"), usd("2.50"), D("44.4"), CreditNoteStatus.ACTIVE)
    full = pay.apply_credit_note(supervisor, note_id, sample.late_fee)
    assert (full.remaining, full.usage_percent, full.status) == (
        usd("0"), D("100.0"), CreditNoteStatus.APPLIED)
    assert [a.amount for a in full.applications] == [usd("2.00"), usd("2.50")]
    open_items = {i.reference: i.open_amount for t in ("Bill", "Service")
                  for i in pay.payable_items(cashier, sample.john, t)}
    assert open_items["INV-2025-001567"] == usd("150.25") and open_items["Late Fee"] == usd("22.50")
    with pytest.raises(ValidationError):
        pay.apply_credit_note(supervisor, note_id, sample.bill_apr)
    with runtime.app.sessions() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("credit_note_applied") == 2


def test_credit_note_list_search_and_filters(pay, cashier, supervisor, sample):
    over = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))  # CN-46129
    card = pay.record_payment(cashier, cash_150(sample, item_id=sample.bill_apr, method="Credit Card",
                                                amount="152.25", tendered=None))
    pay.create_credit_note(cashier, card.details.payment.payment_id, "10.00", "Billing Error")
    pay.apply_credit_note(supervisor, over.details.overpayment_credit_note.credit_note_id,
                          sample.late_fee, "1.00")

    def numbers(**filters):
        flt = CreditNoteFilter(**filters)
        rows = pay.list_credit_notes(cashier, flt)
        assert pay.count_credit_notes(cashier, flt) == len(rows)
        return sorted(r.credit_note_no for r in rows)

    both = ["CN-46129", "CN-46130"]
    assert numbers() == both and numbers(text="cn-4613") == ["CN-46130"]
    assert numbers(text="john") == both and numbers(text="R-5002") == ["CN-46130"]
    assert numbers(reasons=("Overpayment",)) == ["CN-46129"]
    assert numbers(reasons=("Overpayment", "Billing Error")) == both
    assert numbers(remaining=RemainingKind.PARTIAL) == ["CN-46129"]
    assert numbers(remaining=RemainingKind.FULL) == ["CN-46130"]
    assert numbers(remaining=RemainingKind.FULLY_USED) == []
    assert numbers(status=CreditNoteStatus.ACTIVE) == both and numbers(status="Applied") == []
    assert numbers(amount_min="5", amount_max="10") == ["CN-46130"]
    assert numbers(receipt_no="5001") == ["CN-46129"] and numbers(consumer_id=sample.mary) == []
    assert numbers(created_from=TODAY, created_to=TODAY) == both
    assert numbers(created_to=TODAY - timedelta(days=1)) == []
    row = pay.list_credit_notes(cashier, sort=CreditNoteSort("amount", descending=False))[0]
    assert (row.credit_note_no, row.amount, row.remaining, row.reason, row.status, row.receipt_no,
            row.consumer_name) == ("CN-46129", usd("4.50"), usd("3.50"), "Overpayment",
                                   CreditNoteStatus.ACTIVE, "R-5001", "John Doe")
    for bad in ({"amount_min": "ten"}, {"amount_min": "10", "amount_max": "5"}):
        with pytest.raises(ValidationError):
            pay.list_credit_notes(cashier, CreditNoteFilter(**bad))


def test_credit_note_expiry_is_configurable(runtime, services, pay, cashier, sample):
    services.settings.update(actor(runtime, "admin"), {"credit_notes.expiry_days": 30})
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    note_id = posted.details.overpayment_credit_note.credit_note_id
    assert pay.credit_note_details(cashier, note_id).expires_on == date(2025, 5, 20)
    runtime.app.clock.advance(timedelta(days=31))
    assert pay.credit_note_details(cashier, note_id).status is CreditNoteStatus.EXPIRED
    assert pay.list_credit_notes(cashier, CreditNoteFilter(status="Expired"))[0].status == "Expired"


# permissions ----------------------------------------------------------------------

def test_every_method_refuses_a_role_without_the_permission(runtime, pay, cashier, supervisor,
                                                            sample, monkeypatch):
    posted = pay.record_payment(cashier, cash_150(sample, keep_change_on_account=True))
    payment_id = posted.details.payment.payment_id
    note_id = posted.details.overpayment_credit_note.credit_note_id
    calls = [
        lambda a: pay.form_options(a), lambda a: pay.find_consumers(a, "john"),
        lambda a: pay.account(a, sample.john), lambda a: pay.payable_items(a, sample.john, "Bill"),
        lambda a: pay.record_payment(a, cash_150(sample, item_id=sample.bill_apr)),
        lambda a: pay.void_payment(a, payment_id, "x"), lambda a: pay.payment_details(a, payment_id),
        lambda a: pay.list_payments(a), lambda a: pay.count_payments(a),
        lambda a: pay.kpis(a, TODAY, TODAY), lambda a: pay.credit_note_draft(a, payment_id),
        lambda a: pay.create_credit_note(a, payment_id, "1.00", "Other"),
        lambda a: pay.apply_credit_note(a, note_id, sample.bill_apr),
        lambda a: pay.list_credit_notes(a), lambda a: pay.count_credit_notes(a),
        lambda a: pay.credit_note_details(a, note_id),
    ]
    before = counts(runtime)
    # The matrix as it stands: who may not record, create, apply or void.
    for username, call in (("manager", calls[4]), ("recovery", calls[11]), ("cashier", calls[12]),
                           ("cashier", calls[5])):
        with pytest.raises(PermissionDenied):
            call(actor(runtime, username))
    # Every role may view payments today; a role stripped of everything is refused everywhere.
    monkeypatch.setitem(MATRIX, Role.CALL_CENTER_REPRESENTATIVE, frozenset())
    nobody = actor(runtime, "callcenter")
    for call in calls:
        with pytest.raises(PermissionDenied):
            call(nobody)
    assert counts(runtime) == before
