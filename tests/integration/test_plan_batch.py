"""Batch editing of plans: extend validity and change the rate charges by a percentage (each
the plan's next version), deactivate (skipping plans with accounts unless confirmed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.domain.tariffs.plans import ChargeType, PlanChargeLine
from app.models.system import AuditEntry
from app.models.tariffs import Plan
from tests.integration.test_plan_service import residential_basic
from tests.tariff_fixtures import actor, consumer_on, dollar_utility, standard_residential


@pytest.fixture
def plans(runtime, services):
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    tariff_id = services.tariffs.create(manager, standard_residential(), categories=["Residential"]).tariff_id
    basic = services.plans.create(manager, residential_basic(tariff_id)).plan_id
    fixed_only = services.plans.create(manager, residential_basic(
        tariff_id, name="Fixed Only", short_name="FO",
        charges=(PlanChargeLine("Administrative Fee", "Common", ChargeType.FIXED, D("5.99")),))).plan_id
    return services, manager, basic, fixed_only


def test_extend_and_change_rates_make_the_next_version(plans, runtime):
    services, manager, basic, fixed_only = plans
    extended = services.plan_batch.extend_validity(manager, [basic, fixed_only], date(2026, 6, 30))
    assert extended.describe() == "Extend validity: 2 plan(s) changed, 0 skipped."
    assert services.plans.details(manager, basic).row.valid_to == date(2026, 6, 30)
    changed = services.plan_batch.change_rates(manager, [basic, fixed_only], D("10"))
    assert changed.changed == ("Residential Basic Electricity",)
    assert changed.skipped == (("Fixed Only", "Has no Variable or Consumption-based charge"),)
    detail = services.plans.details(manager, basic)
    assert detail.row.version_label == "1.2"
    assert [(c.name, c.amount) for c in detail.draft.charges] == [
        ("Peak Usage Fee", D("0.165000")), ("Administrative Fee", D("5.99")),
        ("Document Processing", D("2.50"))]
    assert [e.label for e in services.plans.history(manager, basic)] == ["1.0", "1.1", "1.2"]
    with runtime.app.sessions() as session:
        audits = session.execute(select(AuditEntry.summary).where(
            AuditEntry.action == "plan_batch_edit")).scalars().all()
    assert [a["edit"] for a in audits] == ["Extend validity", "Change rates"]


def test_deactivate_skips_a_plan_in_use_unless_confirmed(plans, runtime):
    services, manager, basic, fixed_only = plans
    consumer_on(runtime, plan_id=basic)
    admin = actor(runtime, "admin")
    first = services.plan_batch.deactivate(admin, [basic, fixed_only], reason="Retired")
    assert first.changed == ("Fixed Only",)
    assert first.skipped == (("Residential Basic Electricity", "Used by 1 service account(s)"),)
    again = services.plan_batch.deactivate(admin, [basic, fixed_only], reason="Retired", confirm_in_use=True)
    assert again.changed == ("Residential Basic Electricity",)
    assert again.skipped == (("Fixed Only", "Already Inactive"),)
    with runtime.app.sessions() as session:
        plan = session.get(Plan, basic)
        assert plan.manually_inactive and plan.inactive_since == date(2025, 4, 20)
