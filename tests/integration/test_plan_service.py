"""Plans: the wizard's rules, versions 1.0 → 1.1 with the spec's change list, status and notices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.tariffs.plans import (
    BillingFrequency,
    ChargeType,
    PlanChargeLine,
    PlanDraft,
    PlanServiceChoice,
    TaxType,
    validate_step,
)
from app.domain.tariffs.validation import RateType, TariffStatus, Utility
from app.models.requests import Notification
from app.services.tariffs.plans import PlanInUse
from tests.tariff_fixtures import (
    actor,
    commercial_water,
    consumer_on,
    dollar_utility,
    standard_residential,
    winter_discount,
)


@pytest.fixture
def world(runtime, services):
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    flat = services.tariffs.create(manager, standard_residential(), categories=["Residential"])
    return services, manager, flat.tariff_id


def residential_basic(tariff_id: str, **changes) -> PlanDraft:
    """The spec's Plan Details example, starting in May 2025 (start dates cannot be past)."""
    draft = PlanDraft(
        name="Residential Basic Electricity", short_name="RBE", description="Basic plan",
        billing_frequency=BillingFrequency.MONTHLY, tax_type=TaxType.PERCENTAGE, tax_rate=D("4.5"),
        valid_from=date(2025, 5, 1), valid_to=date(2025, 12, 31),
        categories=(("Residential", "Single Family"),),
        services=(PlanServiceChoice(Utility.ELECTRICITY, RateType.FLAT, tariff_id),),
        charges=(PlanChargeLine("Peak Usage Fee", "electricity", ChargeType.VARIABLE, D("0.15")),
                 PlanChargeLine("Administrative Fee", "Common", ChargeType.FIXED, D("5.99")),
                 PlanChargeLine("Document Processing", "Common", ChargeType.FIXED, D("2.50"))))
    return replace(draft, **changes)


def rules(services, manager, step, draft):
    return [(e.field, e.rule) for e in validate_step(step, draft, services.plans.context(manager))]


def test_basic_details_rules_in_the_spec_words(world):
    services, manager, tariff_id = world
    ok = residential_basic(tariff_id)
    assert rules(services, manager, 0, ok) == []
    assert rules(services, manager, 0, replace(ok, short_name="Residential Basic")) == [
        ("short_name", "Short name is limited to 15 characters")]
    assert rules(services, manager, 0, replace(ok, valid_from=date(2025, 4, 19))) == [
        ("valid_from", "Cannot select past date")]
    assert rules(services, manager, 0, replace(ok, valid_to=date(2025, 4, 30))) == [
        ("valid_to", "Start date cannot be later than the end date")]
    assert rules(services, manager, 0, replace(ok, tax_rate=D(0))) == [
        ("tax_rate", "Tax rate must be a positive number")]
    assert rules(services, manager, 0, replace(ok, tax_type=TaxType.EXEMPT, tax_rate=None)) == []
    assert [f for f, _ in rules(services, manager, 0, PlanDraft(valid_from=date(2025, 5, 1)))] == [
        "name", "short_name", "description", "billing_frequency", "tax_type"]


def test_categories_services_and_charges_rules(world):
    services, manager, tariff_id = world
    ok = residential_basic(tariff_id)
    assert rules(services, manager, 1, replace(ok, categories=())) == [
        ("categories", "Select at least one consumer category")]
    assert rules(services, manager, 1, replace(ok, categories=(("Commercial", ""),))) == [
        ("sub_categories", "Select at least one sub category for Commercial")]
    assert rules(services, manager, 1, replace(ok, categories=(("Commercial", "Single Family"),))) == [
        ("sub_categories", "'Single Family' is not a sub category of Commercial")]
    assert rules(services, manager, 2, replace(ok, services=())) == [
        ("services", "Select at least one utility service")]
    no_name = (PlanServiceChoice(Utility.ELECTRICITY, RateType.FLAT, None),)
    assert rules(services, manager, 2, replace(ok, services=no_name)) == [
        ("services[0].tariff", "Select a rate name for Electricity")]
    commercial = replace(ok, categories=(("Commercial", "Retail"),))
    assert rules(services, manager, 2, commercial) == [
        ("services[0].tariff", "'Standard Residential Electricity' does not apply to Commercial consumers")]
    bad_charge = (PlanChargeLine("", "Common", None, None),)
    assert rules(services, manager, 3, replace(ok, charges=bad_charge)) == [
        ("charges[0].name", "Charge name is required"), ("charges[0].charge_type", "Select a charge type"),
        ("charges[0].amount", "Rate amount is required")]


def test_expired_tariffs_cannot_be_assigned_and_choices_are_filtered(world, runtime):
    services, manager, tariff_id = world
    expired = services.tariffs.create(manager, winter_discount()).tariff_id
    services.tariffs.create(manager, commercial_water())
    draft = residential_basic(tariff_id, services=(
        PlanServiceChoice(Utility.ELECTRICITY, RateType.SEASONAL, expired),))
    assert rules(services, manager, 2, draft) == [
        ("services[0].tariff", "'Winter Discount' has expired and cannot be assigned to a plan")]
    flat = services.plans.tariff_choices(manager, Utility.ELECTRICITY, RateType.FLAT)
    assert [c.option.name for c in flat] == ["Standard Residential Electricity"]
    assert flat[0].rate_text == "0.1200 per kWh"
    assert services.plans.tariff_choices(manager, Utility.ELECTRICITY, RateType.SEASONAL) == []
    assert [c.option.name for c in services.plans.tariff_choices(manager, Utility.WATER)] == [
        "Commercial Water Basic"]


def test_create_update_and_history(world, runtime):
    services, manager, tariff_id = world
    saved = services.plans.create(manager, residential_basic(tariff_id))
    assert saved.version_label == "1.0"
    with pytest.raises(ValidationError, match="already exists"):
        services.plans.create(manager, residential_basic(tariff_id, short_name="RBE2"))
    admin = actor(runtime, "admin")
    changed = residential_basic(tariff_id, tax_rate=D("5"),
                                description="A simple electricity plan for residential customers")
    update = services.plans.update(admin, saved.plan_id, changed, base_version=saved.base_version)
    assert update.version_label == "1.1"
    history = services.plans.history(manager, saved.plan_id)
    assert [(h.label, h.changed_by, h.changes) for h in history] == [
        ("1.0", "manager", ("Initial Plan Creation",)),
        ("1.1", "admin", ('Description: "Basic plan" → "A simple electricity plan for residential customers"',
                          "Tax Value: 4.5% → 5%"))]
    detail = services.plans.details(manager, saved.plan_id)
    assert detail.draft.tax_rate == D("5")
    assert detail.tariff_names[tariff_id] == "Standard Residential Electricity"
    assert [c.name for c in detail.draft.charges] == ["Peak Usage Fee", "Administrative Fee",
                                                      "Document Processing"]
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.plans.update(admin, saved.plan_id, changed, base_version=update.base_version)
    rows = services.plans.list_plans(manager, "rbe")
    assert [(r.name, r.version_label, r.status) for r in rows] == [
        ("Residential Basic Electricity", "1.1", TariffStatus.ACTIVE)]


def test_deactivating_a_plan_keeps_its_customers_until_the_next_cycle(world, runtime):
    services, manager, tariff_id = world
    saved = services.plans.create(manager, residential_basic(tariff_id))
    consumer_on(runtime, tariff_id, plan_id=saved.plan_id)
    with pytest.raises(PlanInUse, match="stay on the plan until their next billing cycle"):
        services.plans.deactivate(manager, saved.plan_id, reason="Withdrawn", base_version=saved.base_version)
    services.plans.deactivate(manager, saved.plan_id, reason="Withdrawn", base_version=saved.base_version,
                              confirm_in_use=True)
    assert services.plans.list_plans(manager)[0].status is TariffStatus.INACTIVE
    overview = services.tariffs.overview(manager)
    assert (overview.plans.value, overview.plan_status.inactive) == (1, 1)


def test_administrators_are_told_once_when_a_plan_tariff_expires(world, runtime):
    services, manager, _ = world
    water = services.tariffs.create(manager, commercial_water())  # ends 15 May 2025
    services.plans.create(manager, residential_basic(water.tariff_id, categories=(("Commercial", "Retail"),),
                                                     services=(PlanServiceChoice(Utility.WATER, RateType.SLAB,
                                                                                 water.tariff_id),),
                                                     charges=()))
    assert services.plans.notify_expired_tariffs(date(2025, 5, 15)) == 0
    assert services.plans.notify_expired_tariffs(date(2025, 5, 16)) == 1  # one administrator
    assert services.plans.notify_expired_tariffs(date(2025, 5, 17)) == 0
    with runtime.app.sessions() as session:
        notice = session.execute(select(Notification)).scalar_one()
    assert (notice.kind, notice.recipient) == ("tariff_expired", "admin")
    assert notice.subject == "Tariff 'Commercial Water Basic' expired on 2025-05-15"
    [told] = services.inbox.unread(actor(runtime, "admin"))  # and in the administrator's inbox
    assert (told.kind, told.subject, told.link) == ("tariff_expired", notice.subject, f"tariff:{water.tariff_id}")
    assert services.inbox.unread(manager) == []
