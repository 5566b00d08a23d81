"""The tariff service on a real database, against the tariff story's rules and sample data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.domain.core.errors import ConflictError, PermissionDenied, ValidationError
from app.domain.tariffs.validation import RateType, TariffStatus, Utility
from app.models.system import AuditEntry, UsageEvent
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.tariffs.service import TariffFilter, TariffInUse
from tests.tariff_fixtures import (
    actor,
    commercial_water,
    consumer_on,
    dollar_utility,
    industrial_gas,
    peak_hour_rate,
    standard_residential,
    winter_discount,
)


@pytest.fixture
def world(runtime, services):
    dollar_utility(services, runtime)
    return services, actor(runtime, "manager")


def totals(samples):
    return [(sample.units, str(sample.bill.total.amount)) for sample in samples]


def events(runtime, name):
    with runtime.app.sessions() as session:
        return [e.properties for e in session.execute(
            select(UsageEvent).where(UsageEvent.event == name)).scalars()]


def test_flat_rate_samples_from_the_stored_tariff(world):
    services, manager = world
    saved = services.tariffs.create(manager, standard_residential())
    stored = services.tariffs.get(manager, saved.tariff_id).version
    assert stored.unit_rate == D("0.1200")
    samples = services.tariffs.sample_bills(manager, stored, (100, 200, 500))
    assert totals(samples) == [(D(100), "12.00"), (D(200), "24.00"), (D(500), "60.00")]


def test_slab_table_rates_each_slab(world, runtime):
    services, manager = world
    saved = services.tariffs.create(manager, commercial_water())
    stored = services.tariffs.get(manager, saved.tariff_id).version
    samples = services.tariffs.sample_bills(manager, stored, (100, 500, 1000, 1500))
    assert totals(samples) == [(D(100), "8.00"), (D(500), "48.00"), (D(1000), "108.00"),
                               (D(1500), "183.00")]
    assert events(runtime, "Sample calculation viewed")[0]["tariff_type"] == "Slab"


def test_overlapping_validity_names_the_conflicting_tariff(world):
    services, manager = world
    services.tariffs.create(manager, standard_residential())
    old = replace(standard_residential(), name="Old Residential Plan", valid_from=date(2023, 1, 1),
                  valid_to=date(2025, 3, 15))
    with pytest.raises(ValidationError) as raised:
        services.tariffs.create(manager, old)
    assert raised.value.rule == "Validity overlaps with tariff 'Standard Residential Electricity'"
    services.tariffs.create(manager, replace(old, valid_to=date(2025, 3, 14)))  # the day before: fine
    with pytest.raises(ValidationError, match="already exists"):
        services.tariffs.create(manager, replace(peak_hour_rate(), name="standard residential electricity"))


def test_every_change_is_a_new_version_with_summary_user_and_time(world, runtime):
    services, manager = world
    saved = services.tariffs.create(manager, standard_residential())
    rate_change = replace(standard_residential(), unit_rate=D("0.15"))
    with pytest.raises(ValidationError, match="Describe what changed"):
        services.tariffs.new_version(manager, saved.tariff_id, rate_change, change_summary=" ",
                                     base_version=saved.base_version)
    with pytest.raises(ValidationError, match="Nothing changed since version 1"):
        services.tariffs.new_version(manager, saved.tariff_id, standard_residential(),
                                     change_summary="same", base_version=saved.base_version)
    second = services.tariffs.new_version(manager, saved.tariff_id, rate_change,
                                          change_summary="Unit Rate updated from 0.12 to 0.15",
                                          base_version=saved.base_version)
    assert (second.version_no, second.state) == (2, "Published")
    # the same start date supersedes v1 entirely: it is archived, never rewritten
    history = services.tariffs.history(manager, saved.tariff_id)
    assert [(e.label, e.state, e.changed_by, e.change_summary) for e in history.entries] == [
        ("v1.0", "Archived", "manager", "Initial tariff creation"),
        ("v2.0", "Published", "manager", "Unit Rate updated from 0.12 to 0.15")]
    assert history.entries[1].changed_at == runtime.app.clock.now()
    with runtime.app.sessions() as session:
        v1 = session.execute(select(VersionRecord).where(VersionRecord.version_no == 1)).scalar_one()
        assert v1.document["unit_rate_e6"] == 120000  # the archived version keeps its rates
    used = events(runtime, "Rate configuration modified")[0]
    assert used["fields_changed"] == ["Unit rate"]
    assert (used["before"], used["after"]) == ({"Unit rate": "0.1200"}, {"Unit rate": "0.1500"})


def test_only_the_latest_draft_is_editable_and_publishing_makes_it_immutable(world):
    services, manager = world
    saved = services.tariffs.create(manager, peak_hour_rate(), publish=False)
    assert services.tariffs.list_tariffs(manager)[0].status is TariffStatus.INACTIVE  # never published
    edited = services.tariffs.update_draft(manager, saved.tariff_id, replace(peak_hour_rate(), valid_from=date(2025, 4, 1)),
                                           change_summary="Starts in April", base_version=saved.base_version)
    assert (edited.version_no, edited.state) == (1, "Draft")
    with pytest.raises(ValidationError, match="is a draft"):
        services.tariffs.new_version(manager, saved.tariff_id, peak_hour_rate(), change_summary="x",
                                     base_version=edited.base_version)
    published = services.tariffs.publish(manager, saved.tariff_id, base_version=edited.base_version)
    with pytest.raises(ValidationError, match="is published and cannot be changed"):
        services.tariffs.update_draft(manager, saved.tariff_id, peak_hour_rate(), change_summary="x",
                                      base_version=published.base_version)
    row = services.tariffs.list_tariffs(manager)[0]
    assert (row.status, row.version_label, row.valid_from) == (TariffStatus.ACTIVE, "v1", date(2025, 4, 1))


def test_an_archived_version_comes_back_only_as_a_new_version(world):
    services, manager = world
    first = services.tariffs.create(manager, standard_residential())
    second = services.tariffs.new_version(manager, first.tariff_id, replace(standard_residential(), unit_rate=D("0.15")),
                                          change_summary="Up", base_version=first.base_version)
    third = services.tariffs.new_version(manager, first.tariff_id, standard_residential(),
                                         change_summary="Back to v1's rate", base_version=second.base_version)
    assert third.version_no == 3
    assert services.tariffs.get(manager, first.tariff_id).version.unit_rate == D("0.1200")


def test_a_stale_copy_is_refused_and_names_who_changed_it(world, runtime):
    services, manager = world
    admin = actor(runtime, "admin")
    saved = services.tariffs.create(manager, standard_residential())
    services.tariffs.new_version(admin, saved.tariff_id, replace(standard_residential(), unit_rate=D("0.13")),
                                 change_summary="Admin's change", base_version=saved.base_version)
    with pytest.raises(ConflictError) as raised:
        services.tariffs.new_version(manager, saved.tariff_id, replace(standard_residential(), unit_rate=D("0.14")),
                                     change_summary="Manager's change", base_version=saved.base_version)
    assert "was changed by admin at 20/04/2025 6:30\u202fAM" in raised.value.message  # in the utility's zone
    assert "reload" in raised.value.message
    assert services.tariffs.get(manager, saved.tariff_id).version.unit_rate == D("0.13")


def test_quote_across_a_version_boundary_is_prorated_by_days(world):
    services, manager = world
    saved = services.tariffs.create(manager, standard_residential())
    services.tariffs.new_version(manager, saved.tariff_id,
                                 replace(standard_residential(), unit_rate=D("0.15"), valid_from=date(2025, 4, 16)),
                                 change_summary="New rate from 16 April", base_version=saved.base_version)
    quote = services.tariffs.quote(manager, "Standard Residential Electricity", date(2025, 4, 1),
                                   date(2025, 4, 30), units="300")
    assert quote.version == 2
    assert [(line.quantity, line.rate, line.amount.amount) for line in quote.bill.lines] == [
        (D("150.000"), D("0.1200"), D("18.00")), (D("150.000"), D("0.1500"), D("22.50"))]
    assert quote.bill.total.amount == D("40.50")
    march = services.tariffs.quote(manager, "standard residential electricity", date(2025, 3, 15),
                                   date(2025, 4, 14), units=100)
    assert (march.version, march.bill.total.amount) == (1, D("12.00"))


def test_quote_of_a_time_based_tariff_matches_period_names_loosely(world):
    services, manager = world
    services.tariffs.create(manager, peak_hour_rate())
    quote = services.tariffs.quote(manager, "Peak Hour Rate", date(2025, 4, 1), date(2025, 4, 30),
                                   units_by_period={"peak": "100", "standard": "200", "off_peak": "50"})
    assert quote.bill.total.amount == D("46.00")  # 18.00 + 24.00 + 4.00


def test_delete_only_a_tariff_never_applied(world, runtime):
    services, admin = world[0], actor(runtime, "admin")
    billed = services.tariffs.create(admin, standard_residential())
    with runtime.app.sessions() as session:
        version_id = session.execute(select(VersionRecord.id)).scalar_one()
    consumer_on(runtime, None, bill_version_id=version_id)
    with pytest.raises(ConflictError, match="cannot be deleted: it has been applied to 1 bill"):
        services.tariffs.delete(admin, billed.tariff_id, base_version=billed.base_version)
    used = services.tariffs.create(admin, commercial_water())
    consumer_on(runtime, used.tariff_id)
    with pytest.raises(ConflictError, match="1 service account"):
        services.tariffs.delete(admin, used.tariff_id, base_version=used.base_version)
    unused = services.tariffs.create(admin, peak_hour_rate())
    with pytest.raises(PermissionDenied):
        services.tariffs.delete(world[1], unused.tariff_id, base_version=unused.base_version)
    services.tariffs.delete(admin, unused.tariff_id, base_version=unused.base_version)
    assert "Peak Hour Rate" not in [row.name for row in services.tariffs.list_tariffs(admin)]
    services.tariffs.create(admin, peak_hour_rate())  # the name is free again


def test_deactivating_a_tariff_in_use_needs_confirmation_and_is_in_the_history(world, runtime):
    services, manager = world
    saved = services.tariffs.create(manager, standard_residential())
    consumer_on(runtime, saved.tariff_id)
    with pytest.raises(TariffInUse, match="1 service account"):
        services.tariffs.deactivate(manager, saved.tariff_id, reason="Replaced", base_version=saved.base_version)
    with pytest.raises(ValidationError, match="reason"):
        services.tariffs.deactivate(manager, saved.tariff_id, reason="", base_version=saved.base_version)
    services.tariffs.deactivate(manager, saved.tariff_id, reason="Replaced", base_version=saved.base_version,
                                confirm_in_use=True)
    row = services.tariffs.list_tariffs(manager)[0]
    assert row.status is TariffStatus.INACTIVE
    history = services.tariffs.history(manager, saved.tariff_id)
    assert history.entries[-1].change_summary == "Status: Active → Inactive (Replaced)"
    assert events(runtime, "Tariff status changed") == [
        {"previous_status": "Active", "new_status": "Inactive", "reason": "Replaced"}]
    services.tariffs.activate(manager, saved.tariff_id, reason="Back", base_version=row.base_version)
    assert services.tariffs.list_tariffs(manager)[0].status is TariffStatus.ACTIVE


def test_expired_tariffs_cannot_be_reactivated(world):
    services, manager = world
    saved = services.tariffs.create(manager, winter_discount())  # ended 31 March 2025
    row = services.tariffs.list_tariffs(manager)[0]
    assert row.status is TariffStatus.EXPIRED
    with pytest.raises(ValidationError, match="has expired and cannot be reactivated"):
        services.tariffs.activate(manager, saved.tariff_id, reason="Again", base_version=row.base_version)


def test_list_search_filter_and_sort(world, runtime):
    services, manager = world
    for version in (standard_residential(), commercial_water(), peak_hour_rate(), winter_discount(),
                    industrial_gas()):
        services.tariffs.create(manager, version)
    names = [r.name for r in services.tariffs.list_tariffs(manager, TariffFilter(utility=Utility.ELECTRICITY))]
    assert names == ["Peak Hour Rate", "Standard Residential Electricity", "Winter Discount"]
    found = services.tariffs.list_tariffs(manager, TariffFilter(search="water slab"), record_search=True)
    assert [r.name for r in found] == ["Commercial Water Basic"]
    expired = services.tariffs.list_tariffs(manager, TariffFilter(status=TariffStatus.EXPIRED))
    assert [r.name for r in expired] == ["Winter Discount"]
    by_start = services.tariffs.list_tariffs(manager, TariffFilter(sort="valid_from", descending=True))
    assert by_start[-1].name == "Winter Discount"
    assert services.tariffs.list_tariffs(manager, TariffFilter(rate_type=RateType.FIXED))[0].name == "Industrial Gas"
    assert events(runtime, "Tariff filtered") == [{"criteria": {"search": "water slab"}, "results": 1}]


def test_overview_counts_status_and_recent_changes(world, runtime):
    services, manager = world
    standard = services.tariffs.create(manager, standard_residential())
    services.tariffs.create(manager, winter_discount())
    services.tariffs.create(manager, peak_hour_rate(), publish=False)
    consumer_on(runtime, standard.tariff_id)
    overview = services.tariffs.overview(manager)
    assert (overview.tariffs.value, overview.subscribers.value, overview.plans.value) == (3, 1, 0)
    assert overview.subscribers.previous == 1  # connected in January
    assert overview.subscribers.growth_percent == D("0.0")
    assert (overview.tariff_status.active, overview.tariff_status.inactive,
            overview.tariff_status.expired) == (1, 1, 1)
    assert {item.name for item in overview.recent_tariffs} == {
        "Standard Residential Electricity", "Winter Discount", "Peak Hour Rate"}
    assert overview.recent_tariffs[0].updated_by == "manager"
    assert events(runtime, "Dashboard viewed")


def _flat_named(name: str, start: date) -> object:
    """Flat tariffs of different rate types never clash: give each its own utility and years."""
    return replace(standard_residential(), name=name, valid_from=start, valid_to=date(start.year, 12, 31))


def test_overview_growth_is_against_the_count_a_month_ago(world, runtime):
    services, manager = world
    for index in range(2):  # created on 20 April
        services.tariffs.create(manager, _flat_named(f"Old {index}", date(2001 + index, 1, 1)))
    runtime.app.clock.advance(timedelta(days=40))  # 30 May: a month ago is 30 April
    for index in range(3):
        services.tariffs.create(manager, _flat_named(f"New {index}", date(2011 + index, 1, 1)))
    overview = services.tariffs.overview(manager)
    assert (overview.tariffs.value, overview.tariffs.previous) == (5, 2)
    assert overview.tariffs.growth_percent == D("150.0")  # (5 - 2) / 2, not 60% or -150%


def test_recently_updated_tariffs_are_newest_first_and_at_most_five(world, runtime):
    services, manager = world
    saved = {}
    for index, name in enumerate(["A", "B", "C", "D", "E", "F"]):
        saved[name] = services.tariffs.create(manager, _flat_named(name, date(2001 + index, 1, 1)))
        runtime.app.clock.advance(timedelta(hours=1))
    overview = services.tariffs.overview(manager)
    assert [item.name for item in overview.recent_tariffs] == ["F", "E", "D", "C", "B"]
    services.tariffs.new_version(manager, saved["A"].tariff_id,
                                 replace(_flat_named("A", date(2001, 1, 1)), unit_rate=D("0.15")),
                                 change_summary="A rate change", base_version=saved["A"].base_version)
    overview = services.tariffs.overview(manager)
    assert [item.name for item in overview.recent_tariffs] == ["A", "F", "E", "D", "C"]
    assert overview.recent_tariffs[0].version == "v2"


def test_roles_and_audit(world, runtime):
    services, manager = world
    specialist = actor(runtime, "specialist")
    with pytest.raises(PermissionDenied):
        services.tariffs.create(specialist, standard_residential())
    saved = services.tariffs.create(manager, standard_residential())
    assert services.tariffs.list_tariffs(actor(runtime, "cashier"))  # everyone who may see tariffs
    services.tariffs.new_version(manager, saved.tariff_id, replace(standard_residential(), unit_rate=D("0.13")),
                                 change_summary="Up", base_version=saved.base_version)
    with runtime.app.sessions() as session:
        actions = session.execute(select(AuditEntry.action).where(AuditEntry.entity == "tariff")).scalars().all()
    assert actions == ["tariff_created", "tariff_version_archived", "tariff_version_saved"]


def test_a_change_of_price_basis_or_period_factor_is_named_in_the_comparison(world):
    from app.domain.tariffs.validation import PeriodFactor, Unit

    services, manager = world
    saved = services.tariffs.create(manager, commercial_water())
    changed = replace(commercial_water(), unit=Unit.GALLON, price_per=D(1000),
                      period_factor=PeriodFactor.CALENDAR_MONTHS)
    services.tariffs.new_version(manager, saved.tariff_id, changed, change_summary="Per 1,000 gal",
                                 base_version=saved.base_version)
    comparison = services.tariffs.compare(manager, saved.tariff_id, 1, 2)
    changes = {change.label: (change.before, change.after) for change in comparison.field_changes}
    assert changes["Priced"] == ("—", "per 1,000 gal")
    assert changes["Period factor"] == ("—", "Each calendar month: its days / its length")


def test_automatic_expiry_appears_in_the_version_history(world, runtime):
    services, manager = world
    saved = services.tariffs.create(manager, replace(standard_residential(), valid_to=date(2025, 4, 30)))
    assert [e.label for e in services.tariffs.history(manager, saved.tariff_id).entries] == ["v1.0"]
    runtime.app.clock.advance(timedelta(days=20))  # 10 May
    entries = services.tariffs.history(manager, saved.tariff_id).entries
    assert [(e.label, e.state, e.changed_by, e.change_summary) for e in entries] == [
        ("v1.0", "Published", "manager", "Initial tariff creation"),
        ("Status", "Expired", "system", "Status: Active → Expired (validity ended on 30/04/2025)")]  # date format
    assert entries[1].changed_at.date() == date(2025, 5, 1)
