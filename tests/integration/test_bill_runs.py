"""Bill runs on a real SQLite file: bills from reads through the plan and tariffs, estimates,
exceptions from real causes, idempotent re-runs, late payment revenue, cancel and rebill."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.domain.tariffs.rating import rate_period
from app.models.billing import Bill, BillingException, BillLine, BillRun, LedgerEntry, ServiceCharge
from app.models.consumers import MeterRead
from tests.billing_fixtures import CYCLE, PERIOD, build_world, electricity, gas
from tests.tariff_fixtures import actor


@pytest.fixture
def world(runtime, services):
    return build_world(runtime, services)


def run_cycle(world):
    billing = world.services.billing
    return billing.generate(actor(world.runtime, "specialist"), billing.cycle_scope(CYCLE))


def bills_of(world):
    with world.runtime.app.sessions() as session:
        return session.execute(select(Bill).order_by(Bill.invoice_no)).scalars().all()


def test_a_cycle_run_bills_from_reads_through_the_plan_with_one_tax(world):
    account = world.consumer("Ann Dual", meters={
        "electricity": [(date(2025, 3, 16), "1000"), (date(2025, 4, 16), "1350.5")],
        "gas": [(date(2025, 3, 16), "200"), (date(2025, 4, 17), "240")]})
    result = run_cycle(world)
    assert (result.state, result.billed, result.failed, result.accounts_total) == ("Completed", 1, 0, 1)
    detail = world.services.billing.bill(actor(world.runtime, "specialist"), "INV-414013")
    assert detail.account_no == account and detail.bill_type == "Actual"
    energy = rate_period([electricity()], *PERIOD, D("350.5"))
    supply = rate_period([gas()], *PERIOD, D(40))
    base = energy.total.amount + supply.total.amount + D("5.99")  # 42.06 + 30.00 + 5.99
    tax = (base * D("0.05")).quantize(D("0.01"))
    assert [line.description for line in detail.lines][-1].startswith("Tax (5%")
    assert detail.total == base + tax == sum(line.amount for line in detail.lines)
    assert {line.gl_code for line in detail.lines} == {"4000", "4020", "4100", "2200"}
    assert all(line.tariff_version == 1 for line in detail.lines[:3])
    assert detail.due_date == date(2025, 5, 5)  # 2025-04-20 + 15 days (billing.due_days)
    with world.runtime.app.sessions() as session:
        ledger = session.execute(select(LedgerEntry.amount).where(LedgerEntry.entry_type == "bill")).scalars().all()
        assert ledger == [detail.total]


def test_running_a_cycle_twice_bills_nobody_twice(world):
    world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "110")]})
    world.consumer("Bob", meters={"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "60")]})
    first = run_cycle(world)
    again = run_cycle(world)
    assert (first.billed, again.billed, again.skipped) == (2, 0, 2)
    assert len(bills_of(world)) == 2


def test_no_read_is_estimated_from_history_and_the_next_actual_read_corrects_it(world, runtime):
    account = world.consumer("Est", meters={"electricity": [(date(2025, 2, 14), "500"),
                                                            (date(2025, 3, 15), "800")]})
    billing = world.services.billing
    specialist = actor(runtime, "specialist")
    march = billing.generate(specialist, billing.account_scope(account, (date(2025, 2, 14), date(2025, 3, 15))))
    assert march.billed == 1
    run_cycle(world)  # April: no read since 15 March -> estimated from March's 300 over 30 days
    april = [b for b in bills_of(world) if b.period_start == PERIOD[0]][0]
    assert (april.bill_type, april.consumption) == ("Estimated", D("310.000"))
    with runtime.app.sessions() as session:
        estimate = session.execute(select(MeterRead).where(MeterRead.read_type == "Estimated")).scalar_one()
    assert estimate.reading == D(1110) and estimate.read_on == date(2025, 4, 20)


def test_each_real_cause_gives_an_exception_in_the_specs_category(world):
    reads = {"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "60")]}
    world.consumer("No Reads", meters={"electricity": []})
    world.consumer("Shop", category="Commercial", meters=reads)  # the tariff is Residential only
    world.consumer("No Address", address="", meters=reads)
    world.consumer("Backwards", meters={"electricity": [(date(2025, 3, 16), "900"),
                                                        (date(2025, 4, 16), "100")]})
    world.consumer("Water Only", meters={"gas": [(date(2025, 3, 16), "1"), (date(2025, 4, 16), "5")]},
                   plan=False)
    result = run_cycle(world)
    assert (result.billed, result.failed) == (0, 5)
    rows = world.services.billing.exceptions(actor(world.runtime, "specialist"))
    found = {(row.consumer, row.category, row.severity) for row in rows}
    assert found == {
        ("No Reads", "Missing Meter Readings", "High"),
        ("Shop", "Rate Calculation Errors", "Critical"),
        ("No Address", "Customer Data Discrepancies", "Medium"),
        ("Backwards", "Meter Reading Errors", "High"),
        ("Water Only", "Rate Calculation Errors", "Critical"),
    }
    assert all(row.steps and row.cycle == CYCLE for row in rows)
    run_cycle(world)  # still failing: no second exception per account
    with world.runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(BillingException)).scalar() == 5


def test_an_overdue_bill_earns_late_payment_revenue_never_principal(world, runtime):
    account = world.consumer("Late", meters={"electricity": [(date(2025, 2, 14), "0"),
                                                             (date(2025, 3, 15), "100"),
                                                             (date(2025, 4, 16), "200")]})
    billing = world.services.billing
    specialist = actor(runtime, "specialist")
    billing.execute(specialist, billing.start_run(
        specialist, billing.account_scope(account, (date(2025, 2, 14), date(2025, 3, 15))),
        bill_date=date(2025, 3, 16)))  # due 31 March, unpaid
    run_cycle(world)
    with runtime.app.sessions() as session:
        charges = session.execute(select(ServiceCharge).order_by(ServiceCharge.description)).scalars().all()
        march = session.execute(select(Bill).where(Bill.period_start == date(2025, 2, 14))).scalar_one()
        april = session.execute(select(Bill).where(Bill.period_start == PERIOD[0])).scalar_one()
    # March bill: 100 kWh x 0.12 = 12.00 + 5.99 admin, + 5% tax = 18.89; fell due 31 March
    assert march.total == D("18.89")
    assert [(c.description, c.amount, c.gl_code) for c in charges] == [
        ("Late payment interest on INV-414013", D("0.14"), "4200"),  # 1.5%/month x 15 days
        ("Late payment penalty on INV-414013", D("0.38"), "4200")]   # 2% of 18.89
    assert april.arrears == D("18.89") + D("0.52")
    assert april.total == D("18.89")  # principal is this period's charges only


def test_cancel_by_a_correcting_credit_and_rebill(world, runtime):
    world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "110")]})
    run_cycle(world)
    billing = world.services.billing
    manager = actor(runtime, "manager")
    billing.cancel(manager, "INV-414013", "Wrong read")
    result = billing.rebill(manager, "INV-414013")
    assert result.billed == 1
    with runtime.app.sessions() as session:
        rows = session.execute(select(Bill.invoice_no, Bill.status, Bill.rebill_no).order_by(Bill.invoice_no)).all()
        ledger = session.execute(select(func.sum(LedgerEntry.amount))).scalar()
        assert session.execute(select(func.count()).select_from(BillLine)).scalar() == 6
    assert rows == [("INV-414013", "Cancelled", 0), ("INV-414014", "Approved", 1)]
    total = billing.bill(manager, "INV-414014").total
    assert ledger == total  # the first bill and its correcting credit net to nothing
    with pytest.raises(Exception, match="Cancelled bill cannot become Cancelled"):
        billing.cancel(manager, "INV-414013", "again")


def test_the_cycle_journal_balances_to_the_cent_and_exports(world, runtime, tmp_path):
    for n in range(3):
        world.consumer(f"C{n}", meters={"electricity": [(date(2025, 3, 16), "10"),
                                                        (date(2025, 4, 16), str(117 + n * 33))]})
    run_cycle(world)
    billing = world.services.billing
    manager = actor(runtime, "manager")
    billing.cancel(manager, "INV-414014", "Duplicate")
    result = billing.export_journal(manager, CYCLE, tmp_path / "journal.csv")
    assert result.debits == result.credits and result.bills == 3
    with runtime.app.sessions() as session:
        live = session.execute(select(func.sum(Bill.total)).where(Bill.status == "Approved")).scalar()
    receivable = next(e for e in result.entries if e.code == "1200")
    assert D(receivable.debit_minor - receivable.credit_minor).scaleb(-2) == live
    text = (tmp_path / "journal.csv").read_text().splitlines()
    assert text[0] == "GL code,Description,Debit,Credit" and text[-1].startswith(",Total,")


def test_a_run_is_recorded_with_who_scope_counts_and_state(world, runtime):
    world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "110")]})
    seen = []
    billing = world.services.billing
    billing.generate(actor(runtime, "specialist"), billing.cycle_scope(CYCLE), seen.append)
    with runtime.app.sessions() as session:
        run = session.execute(select(BillRun)).scalar_one()
    assert (run.started_by, run.scope, run.scope_label, run.state, run.billed) == (
        "specialist", "cycle", CYCLE, "Completed", 1)
    assert seen[-1].state == "Completed" and seen[-1].done == 1 and seen[-1].eta_seconds == 0


def test_a_draft_run_posts_nothing_until_approved(world, runtime):
    world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "110")]})
    billing = world.services.billing
    manager = actor(runtime, "manager")
    run_id = billing.start_run(manager, billing.cycle_scope(CYCLE), as_draft=True)
    billing.execute(manager, run_id)
    with runtime.app.sessions() as session:
        assert session.execute(select(Bill.status)).scalar_one() == "Draft"
        assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar() == 0
    assert run_cycle(world).skipped == 1  # a draft is this period's bill: never billed twice
    assert billing.approve_run(manager, run_id) == 1
    detail = billing.bill(manager, "INV-414013")
    with runtime.app.sessions() as session:
        assert session.execute(select(LedgerEntry.amount)).scalars().all() == [detail.total]
    assert detail.status == "Approved"


def test_a_rebill_does_not_charge_late_payment_twice(world, runtime):
    account = world.consumer("Late", meters={"electricity": [(date(2025, 2, 14), "0"),
                                                             (date(2025, 3, 15), "100"),
                                                             (date(2025, 4, 16), "200")]})
    billing = world.services.billing
    manager = actor(runtime, "manager")
    billing.execute(manager, billing.start_run(
        manager, billing.account_scope(account, (date(2025, 2, 14), date(2025, 3, 15))),
        bill_date=date(2025, 3, 16)))
    run_cycle(world)
    billing.cancel(manager, "INV-414014", "Wrong read")
    billing.rebill(manager, "INV-414014")
    with runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(ServiceCharge)).scalar() == 2


def test_a_zones_month_billed_the_first_time_opens_its_cycle(world, runtime):
    world.consumer("Ann", meters={"electricity": [(date(2025, 2, 1), "10"), (date(2025, 3, 3), "110")]})
    billing = world.services.billing
    result = billing.generate(actor(runtime, "specialist"), billing.zone_scope("North", "2025-02"))
    assert result.billed == 1
    rows = billing.cycles(actor(runtime, "specialist"))
    assert [row.name for row in rows] == [CYCLE, "North Zone - Feb 2025"]  # most recent first
    february = rows[1]
    assert (february.period_start, february.period_end, february.billed) == (
        date(2025, 2, 1), date(2025, 2, 28), 1)
    assert february.status == "Completed" and february.success_rate == D("100.00")
    assert february.deadline.isoformat() == "2025-03-10T21:00:00+00:00"  # 17:00 in New York


def test_a_critical_exception_tells_the_billing_managers_at_once(world, runtime):
    from app.models.requests import Notification

    reads = {"electricity": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "60")]}
    world.consumer("Shop", category="Commercial", meters=reads)  # Rate Calculation Errors: Critical
    world.consumer("No Address", address="", meters=reads)  # Medium: nobody is told
    run_cycle(world)
    manager, specialist = actor(runtime, "manager"), actor(runtime, "specialist")
    told = world.services.inbox.unread(manager)
    assert [n.subject for n in told] == ["Critical billing exception: Rate Calculation Errors (Shop)"]
    assert told[0].link.startswith("billing_exception:") and world.services.inbox.unread(specialist) == []
    with runtime.app.sessions() as session:
        mail = session.execute(select(Notification.recipient, Notification.status)
                               .where(Notification.kind == "billing_exception_critical")).all()
    assert mail == [("manager", "Queued")]
    # assigned to the specialist: the specialist is told too, at once
    exception_id = told[0].link.split(":", 1)[1]
    world.services.billing.act_on_exception(manager, exception_id, "Assign", "", assignee="specialist")
    assert [n.link for n in world.services.inbox.unread(specialist)] == [told[0].link]
