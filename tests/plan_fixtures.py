"""The billing world with a second plan, Green Saver (electricity only, a $9.99 fee), both plans
for Residential Single Family consumers: for plan assignment tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from app.models.tariffs import Plan, PlanCategory, PlanCharge, PlanService
from tests.billing_fixtures import build_world


def green_world(runtime, services):
    world = build_world(runtime, services)
    with runtime.app.sessions() as session, session.begin():
        green = Plan(name="Green Saver", short_name="GS", description="Greener",
                     billing_frequency="Monthly", tax_type="Exempt", tax_rate=D(0),
                     valid_from=date(2025, 1, 1))
        session.add(green)
        session.flush()
        session.add_all([
            PlanCategory(plan_id=world.plan_id, category="Residential", sub_category="Single Family"),
            PlanCategory(plan_id=green.id, category="Residential", sub_category="Single Family"),
            PlanService(plan_id=green.id, utility="electricity", tariff_id=world.electricity_id),
            PlanCharge(plan_id=green.id, name="Green Fee", scope="Common", charge_type="Fixed",
                       amount=D("9.99"))])
        world.green_id = green.id
    return world
