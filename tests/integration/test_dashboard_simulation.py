"""Tariff simulations on constructed data: the last cycle's bills re-rated by the bill run's own
code with rates changed by a percentage or a draft version; accounts the tariff does not rate
are left out; the summary's histogram and segments; the rules on the request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.dashboard.simulation import SimulatedBill, histogram, scale_rates, summarise
from app.models.billing import BillingCycle
from app.models.reference import ServiceCentre, Zone
from app.services.dashboard.simulation import SimulationRequest, TariffSimulation
from tests.billing_fixtures import CYCLE, PERIOD, build_world, electricity, gas
from tests.tariff_fixtures import actor

READS = {n: [(date(2025, 3, 16), "100"), (date(2025, 4, 16), str(180 + 25 * n))] for n in range(4)}


@pytest.fixture
def world(runtime, services):
    world = build_world(runtime, services)
    for n, reads in READS.items():  # 80, 105, 130 and 155 kWh at $0.12
        world.consumer(f"Consumer {n}", meters={"electricity": reads})
    world.consumer("Gas Only Cafe", category="Commercial",
                   meters={"gas": [(date(2025, 3, 16), "10"), (date(2025, 4, 16), "50")]})
    manager = actor(runtime, "manager")
    services.billing.generate(manager, services.billing.cycle_scope(CYCLE))
    return world


def test_ten_percent_on_electricity_raises_its_energy_charges_ten_percent(runtime, world):
    result = TariffSimulation(runtime.app).simulate(
        actor(runtime, "manager"), SimulationRequest(world.electricity_id, percent=D("10")))
    summary = result.summary
    assert result.cycle == CYCLE and result.proposal == "energy rates +10%" and result.currency == "USD"
    assert summary.accounts == 4  # the gas-only cafe is not rated by it
    assert {b.consumer for b in summary.most_affected} == {f"Consumer {n}" for n in range(4)}
    for bill in summary.most_affected:
        assert bill.proposed_energy == bill.current_energy * D("1.1")
    assert summary.current_energy == D("56.40") and summary.proposed_energy == D("62.04")
    assert summary.revenue_delta == sum((b.delta for b in summary.most_affected), D(0)) > 0
    assert summary.most_affected[0].consumer == "Consumer 3"  # the largest consumption changes most
    assert [s.segment for s in summary.by_segment] == ["Residential"]
    assert sum(b.count for b in summary.histogram) == 4


def test_a_draft_version_is_simulated_as_if_in_force(runtime, services, world):
    manager = actor(runtime, "manager")
    services.tariffs.new_version(manager, world.electricity_id,
                                 replace(electricity(), valid_from=date(2025, 7, 1), unit_rate=D("0.1500")),
                                 change_summary="Proposed rise", base_version=None, publish=False)
    simulation = TariffSimulation(runtime.app)
    [option] = [o for o in simulation.tariffs(manager) if o.tariff_id == world.electricity_id]
    assert option.drafts == (2,)
    result = simulation.simulate(manager, SimulationRequest(world.electricity_id, draft_version=2))
    assert result.proposal == "draft v2"
    assert result.summary.proposed_energy == D("70.50")  # 470 kWh at $0.15
    with pytest.raises(ValidationError, match="v1 of 'Home Electricity' is not a draft"):
        simulation.simulate(manager, SimulationRequest(world.electricity_id, draft_version=1))


def test_a_gas_change_touches_only_gas_accounts(runtime, world):
    result = TariffSimulation(runtime.app).simulate(
        actor(runtime, "specialist"), SimulationRequest(world.gas_id, percent=D("-5")))
    assert result.summary.accounts == 1 and result.summary.revenue_delta < 0
    assert [(s.segment, s.accounts) for s in result.summary.by_segment] == [("Commercial", 1)]


def test_the_request_is_checked(runtime, world):
    simulation, manager = TariffSimulation(runtime.app), actor(runtime, "manager")
    with pytest.raises(ValidationError, match="not both"):
        simulation.simulate(manager, SimulationRequest(world.electricity_id))
    with pytest.raises(ValidationError, match="more than -100%"):
        simulation.simulate(manager, SimulationRequest(world.electricity_id, percent=D("-100")))
    with pytest.raises(ValidationError, match="must not be 0%"):
        simulation.simulate(manager, SimulationRequest(world.electricity_id, percent=D("0")))
    with pytest.raises(PermissionDenied):
        simulation.simulate(actor(runtime, "cashier"), SimulationRequest(world.electricity_id, percent=D("1")))


def test_scaling_every_kind_of_rate_and_the_histogram():
    version = replace(gas(), unit_rate=D("0.4500"))
    assert scale_rates(version, D("10")).unit_rate == D("0.495000")
    assert scale_rates(version, D("10")).charges == version.charges  # fixed charges stay
    bills = [SimulatedBill(f"A{n}", f"C{n}", "Residential", D(100), D(100 + n), D(50), D(50 + n))
             for n in range(11)]
    bins = histogram([b.delta for b in bills], bins=5)
    assert [b.count for b in bins] == [2, 2, 2, 2, 3] and bins[0].low == 0 and bins[-1].high == 10
    summary = summarise(bills, top=3)
    assert [b.account_no for b in summary.most_affected] == ["A10", "A9", "A8"]
    assert summary.revenue_delta == D(55) and summary.revenue_delta_percent == D("5.00")


def test_the_last_cycle_of_every_zone_is_simulated(runtime, services, world):
    with runtime.app.sessions() as session, session.begin():
        centre = session.execute(select(ServiceCentre)).scalars().first()
        south = Zone(code="SZ", name="South", centre_id=centre.id)
        session.add(south)
        session.flush()
        session.add(BillingCycle(name="South Zone - Apr 2025", zone_id=south.id, period_start=PERIOD[0],
                                 period_end=PERIOD[1], deadline=datetime(2025, 4, 25, 17, tzinfo=UTC)))
        world.zone_id = south.id
    world.consumer("Southern Home", meters={"electricity": READS[0]})
    services.billing.generate(actor(runtime, "manager"), services.billing.cycle_scope("South Zone - Apr 2025"))
    result = TariffSimulation(runtime.app).simulate(
        actor(runtime, "manager"), SimulationRequest(world.electricity_id, percent=D("10")))
    assert result.cycle == f"{CYCLE}, South Zone - Apr 2025" and result.summary.accounts == 5
