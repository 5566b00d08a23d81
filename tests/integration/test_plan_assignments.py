"""Assigning plans to service accounts: one at a time and by category, the rules, the history and
audit, and the bill run rating each period through the plan in force when it starts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ConflictError, ValidationError
from app.models.billing import Bill, BillingException, BillLine
from app.models.system import AuditEntry
from app.models.tariffs import PlanAssignment
from tests.billing_fixtures import CYCLE
from tests.plan_fixtures import green_world
from tests.tariff_fixtures import actor

READS = {"electricity": [(date(2025, 3, 16), "100"), (date(2025, 4, 16), "200")]}


@pytest.fixture
def world(runtime, services):
    return green_world(runtime, services)


def manager(world):
    return actor(world.runtime, "manager")


def fees(world, account_no):
    with world.runtime.app.sessions() as session:
        return sorted(session.execute(select(BillLine.description).join(Bill, Bill.id == BillLine.bill_id)
                                      .where(BillLine.description.like("%Fee%"))).scalars())


def run_cycle(world):
    billing = world.services.billing
    return billing.generate(actor(world.runtime, "specialist"), billing.cycle_scope(CYCLE))


def test_a_consumer_gets_a_plan_with_history_and_audit_and_is_billed_through_it(world):
    account = world.consumer("Ann", meters=READS, plan=False)
    assignments = world.services.plan_assignments
    assignments.assign(manager(world), account, world.green_id, date(2025, 3, 16))
    [entry] = assignments.history(manager(world), account)
    assert (entry.from_plan, entry.to_plan, entry.effective_from, entry.source, entry.assigned_by) == (
        "", "Green Saver", date(2025, 3, 16), "Consumer", "manager")
    assert run_cycle(world).billed == 1
    assert fees(world, account) == ["Green Fee"]
    with world.runtime.app.sessions() as session:
        audit = session.execute(select(AuditEntry).where(AuditEntry.action == "plan_assigned")).scalar_one()
        assert audit.summary["plan"] == "Green Saver" and audit.summary["account_no"] == account


def test_a_change_applies_from_the_first_period_starting_on_or_after_its_date(world):
    early = world.consumer("Early", meters=READS)  # on Dual Fuel
    late = world.consumer("Late", meters=READS)
    assignments = world.services.plan_assignments
    assignments.assign(manager(world), early, world.green_id, date(2025, 3, 16))
    assignments.assign(manager(world), late, world.green_id, date(2025, 3, 17))  # mid-period
    assert run_cycle(world).billed == 2
    with world.runtime.app.sessions() as session:
        rows = session.execute(select(Bill.invoice_no, BillLine.description)
                               .join(BillLine, BillLine.bill_id == Bill.id)
                               .where(BillLine.description.like("%Fee%")).order_by(Bill.invoice_no)).all()
    assert [description for _, description in rows] == ["Green Fee", "Administrative Fee"]
    [entry, _] = [*assignments.history(manager(world), late), None]
    assert (entry.from_plan, entry.to_plan) == ("Dual Fuel", "Green Saver")


def test_the_rules_refuse_with_a_reason_and_write_nothing(world):
    shop = world.consumer("Shop", category="Commercial", meters=READS, plan=False)
    gas = world.consumer("Gas Only", plan=False, utility="gas")
    ann = world.consumer("Ann", meters=READS)
    assignments = world.services.plan_assignments
    cases = [(shop, world.green_id, "only for Residential consumers, not Commercial"),
             (gas, world.green_id, "has no gas service"),
             (ann, world.plan_id, "Already on plan 'Dual Fuel'")]
    for account, plan_id, rule in cases:
        with pytest.raises(ValidationError, match=rule):
            assignments.assign(manager(world), account, plan_id)
    world.services.plans.deactivate(actor(world.runtime, "admin"), world.green_id, reason="Closed",
                                    base_version=None)
    with pytest.raises(ValidationError, match="'Green Saver' is not Active on 2025-04-20"):
        assignments.assign(manager(world), ann, world.green_id)
    with world.runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(PlanAssignment)).scalar() == 0
    assert run_cycle(world).billed == 1
    world.services.plans.activate(actor(world.runtime, "admin"), world.green_id, reason="Reopened",
                                  base_version=None)
    with pytest.raises(ValidationError, match="Already billed up to 2025-04-15"):
        assignments.assign(manager(world), ann, world.green_id, date(2025, 4, 1))
    assignments.assign(manager(world), ann, world.green_id, date(2025, 4, 16))


def test_bulk_by_category_shows_the_count_confirms_it_and_is_all_or_nothing(world):
    on_dual = [world.consumer(name, meters=READS) for name in ("A", "B", "C")]
    world.consumer("Shop", category="Commercial", meters=READS)
    world.consumer("Gas", utility="gas")
    assignments = world.services.plan_assignments
    preview = assignments.preview_bulk(manager(world), world.green_id, "Residential")
    assert preview.changing == tuple(on_dual)
    assert preview.skipped_by_reason() == [("Plan 'Green Saver' has no gas service", 1)]
    with pytest.raises(ConflictError, match="3 account"):
        assignments.assign_bulk(manager(world), world.green_id, "Residential", confirmed_count=4)
    with world.runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(PlanAssignment)).scalar() == 0
    result = assignments.assign_bulk(manager(world), world.green_id, "Residential", confirmed_count=3)
    assert (result.changed, len(result.skipped)) == (3, 1)
    again = assignments.preview_bulk(manager(world), world.green_id, "Residential")
    assert again.changing == () and len(again.skipped) == 4
    with pytest.raises(ValidationError, match="not for Commercial consumers"):
        assignments.preview_bulk(manager(world), world.green_id, "Commercial")
    with world.runtime.app.sessions() as session:
        sources = session.execute(select(PlanAssignment.source)).scalars().all()
        audit = session.execute(select(AuditEntry).where(
            AuditEntry.action == "plan_assigned_in_bulk")).scalar_one()
    assert sources == ["Bulk: Residential"] * 3
    assert audit.summary["changed"] == 3 and audit.summary["accounts"] == on_dual


def test_an_inactive_plan_keeps_its_customers_until_their_next_billing_cycle(world):
    account = world.consumer("Ann", meters={"electricity": [
        (date(2025, 3, 16), "100"), (date(2025, 4, 16), "200"), (date(2025, 5, 16), "300"),
        (date(2025, 6, 16), "400")]})
    world.services.plans.deactivate(actor(world.runtime, "admin"), world.plan_id, reason="Retired",
                                    base_version=None, confirm_in_use=True)  # on 2025-04-20
    assert run_cycle(world).billed == 1
    billing = world.services.billing
    specialist = actor(world.runtime, "specialist")

    def bill(start, end, bill_date):
        scope = billing.account_scope(account, (start, end))
        return billing.execute(specialist, billing.start_run(specialist, scope, bill_date))

    in_progress = bill(date(2025, 4, 16), date(2025, 5, 15), date(2025, 5, 20))
    assert (in_progress.billed, in_progress.failed) == (1, 0)  # started before 2025-04-20
    next_cycle = bill(date(2025, 5, 16), date(2025, 6, 15), date(2025, 6, 20))
    assert (next_cycle.billed, next_cycle.failed) == (0, 1)
    with world.runtime.app.sessions() as session:
        reason = session.execute(select(BillingException.message)).scalar_one()
    assert "Plan 'Dual Fuel' stopped applying on 2025-04-20" in reason


def test_the_command_line_shows_the_count_before_writing_and_keeps_a_history(world, runtime, capsys,
                                                                             monkeypatch):
    from app.cli import main
    from tests.factories import PASSWORD

    monkeypatch.setattr("app.cli_login.getpass.getpass", lambda prompt="": PASSWORD)

    accounts = [world.consumer(name, meters=READS) for name in ("A", "B")]
    folder = str(runtime.paths.root)
    runtime.close()
    bulk = ["--data-dir", folder, "plans", "assign", "--plan", "GS", "--category", "Residential",
            "--username", "manager"]
    assert main(bulk) == 0
    assert "2 Residential account(s) change to plan 'Green Saver'" in capsys.readouterr().out
    assert main(["--data-dir", folder, "plans", "history", "--account", accounts[0]]) == 0
    assert "has no recorded plan change" in capsys.readouterr().out  # nothing written yet
    assert main([*bulk, "--yes"]) == 0
    assert "Assigned: 2 account(s)." in capsys.readouterr().out
    assert main(["--data-dir", folder, "plans", "history", "--account", accounts[0]]) == 0
    assert "Dual Fuel -> Green Saver  by manager" in capsys.readouterr().out  # the user, never "system"
    assert main(["--data-dir", folder, "plans", "assign", "--plan", "Dual Fuel", "--account",
                 accounts[0], "--effective", "2024-01-01", "--username", "manager"]) == 2
    assert "A plan change effective 2026-12-06 is already recorded" in capsys.readouterr().err


def test_a_plan_deactivated_before_its_day_was_kept_is_not_assignable(world):
    from app.models.tariffs import Plan

    ann = world.consumer("Ann", meters=READS, plan=False)
    with world.runtime.app.sessions() as session, session.begin():
        session.get(Plan, world.green_id).manually_inactive = True  # inactive_since unknown
    with pytest.raises(ValidationError, match="'Green Saver' is not Active"):
        world.services.plan_assignments.assign(manager(world), ann, world.green_id)
