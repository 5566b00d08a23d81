"""The dashboard's services on a real SQLite file with a known billing history
(tests/dashboard_fixtures.py): every figure, both comparisons, the reconciliation catching
planted mismatches, drill-downs, search, preferences, access, staleness and the audit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.dashboard.trends import Granularity, Period
from app.models.billing import Bill, BillLine
from app.models.dashboard import DashboardPreference
from app.models.system import AuditEntry, OutboxEntry, UsageEvent
from app.services.dashboard import DashboardFilter, DrillRequest, Layout, StaleData
from tests.dashboard_fixtures import build_world
from tests.payment_fixtures import actor

D = Decimal


@pytest.fixture
def world(runtime):
    return build_world(runtime)


@pytest.fixture
def manager(runtime):
    return actor(runtime, "manager")


def march(world) -> DashboardFilter:
    return DashboardFilter(cycle_id=world.cycles[(2025, 3)])


def test_cycle_overview_with_both_comparisons(services, world, manager):
    overview = services.dashboard.overview(manager, march(world))
    assert overview.scopes == ("North Zone - Mar 2025", "North Zone - Feb 2025", "North Zone - Mar 2024")
    m = overview.metrics
    assert (m["bills_generated"].current, m["bills_generated"].previous_cycle,
            m["bills_generated"].last_year) == (4, 3, 3)
    assert m["bills_not_generated"].current == 1
    assert m["success_rate"].current == D(80)
    assert m["success_rate"].previous_cycle == D(100)
    assert m["average_bill_amount"].current == D("11.60")
    assert m["total_consumption"].current == D(240)
    assert [m[k].current for k in ("high_consumption_accounts", "low_consumption_accounts",
                                   "zero_consumption_accounts")] == [1, 1, 1]
    assert overview.figures.insufficient_history_accounts == 1  # Cyril: no February 2024
    assert m["total_billed"].current == D("46.40")
    assert m["total_billed"].last_year == D("48.00")
    assert m["service_charges"].current == D("95.00")  # 4 meter rents + the reconnection fee
    assert m["late_payment_revenue"].current == D("25.00")  # the late fee only
    assert m["outstanding_amount"].current == D("260.10")
    assert m["outstanding_amount"].previous_cycle == D("113.70")
    assert m["outstanding_amount"].trends.vs_previous_cycle.highlight == "red"
    assert m["bills_not_generated"].trends.vs_previous_cycle.highlight == "red"  # 0 -> 1
    assert (overview.figures.actual_bills, overview.figures.estimated_bills) == (3, 1)
    assert overview.reconciliation.ok


def test_date_range_overview_matches_the_cycle(services, world, manager):
    flt = DashboardFilter(period=Period(date(2025, 3, 1), date(2025, 3, 31)), granularity=Granularity.MONTHLY)
    overview = services.dashboard.overview(manager, flt)
    m = overview.metrics
    assert overview.scopes == ("01/03/2025 – 31/03/2025", "01/02/2025 – 28/02/2025",
                               "01/03/2024 – 31/03/2024")  # the date format setting (dd/MM/yyyy)
    assert (m["bills_generated"].current, m["bills_generated"].previous_cycle) == (4, 3)
    assert m["bills_not_generated"].current == 1
    assert m["late_payment_revenue"].current == D("25.00")


def test_segment_and_zone_filters(services, world, manager):
    commercial = services.dashboard.overview(manager, DashboardFilter(cycle_id=world.cycles[(2025, 3)],
                                                                      segment="Commercial"))
    assert commercial.metrics["bills_generated"].current == 1
    assert commercial.metrics["low_consumption_accounts"].current == 1
    assert commercial.metrics["total_billed"].current == D("9.40")
    assert commercial.reconciliation.ok
    elsewhere = services.dashboard.overview(manager, DashboardFilter(cycle_id=world.cycles[(2025, 3)],
                                                                     zone_id="no-such-zone"))
    assert elsewhere.metrics["bills_generated"].current == 0


def test_reconciliation_shows_a_planted_line_mismatch(services, world, manager, runtime):
    with runtime.app.sessions() as session, session.begin():
        line = session.execute(select(BillLine).join(Bill).where(
            Bill.id == world.bills[("Asha Smith", (2025, 3))], BillLine.kind == "fixed")).scalar_one()
        line.amount = D("5.01")
    checks = services.dashboard.overview(manager, march(world)).reconciliation
    assert [c.name for c in checks.mismatches] == ["Bill lines"]
    assert checks.mismatches[0].difference == D("0.01")


def test_reconciliation_shows_a_bill_missing_from_the_ledger(services, world, manager, runtime):
    with runtime.app.sessions() as session, session.begin():
        template = session.get(Bill, world.bills[("Asha Smith", (2025, 3))])
        session.add(Bill(invoice_no="INV-LOST", consumer_id=template.consumer_id,
                         service_account_id=template.service_account_id, cycle_id=None,
                         period_start=template.period_start, period_end=template.period_end,
                         bill_date=date(2025, 4, 2), due_date=date(2025, 4, 17), consumption=D(1),
                         total=D("7.00"), rebill_no=1))  # one bill per account and period
    checks = services.dashboard.overview(manager, march(world)).reconciliation
    assert [c.name for c in checks.mismatches] == ["Outstanding"]
    assert checks.mismatches[0].difference == D("7.00")


def test_drill_down_sorted_filtered_and_counted_in_sql(services, world, manager):
    lists = services.dashboard_lists
    high = DrillRequest("high_consumption_accounts", march(world))
    assert [row[2] for row in lists.drill_page(manager, high, 0, 50)] == ["Asha Smith"]
    bills = DrillRequest("bills_generated", march(world), sort="total", descending=False)
    assert [row[-2] for row in lists.drill_page(manager, bills, 0, 50)] == \
        [D("5.00"), D("9.40"), D("9.40"), D("22.60")]
    assert lists.drill_page(manager, bills, 1, 2)[0][-2] == D("9.40")  # a page from the middle
    only = DrillRequest("bills_generated", march(world), text="smy")
    assert lists.drill_count(manager, only) == 1
    missing = DrillRequest("bills_not_generated", march(world))
    assert [row[1] for row in lists.drill_page(manager, missing, 0, 50)] == ["Elena Ruiz"]
    fees = lists.drill_page(manager, DrillRequest("service_charges", march(world)), 0, 50)
    assert sorted(row[-2] for row in fees) == [D("5.00")] * 4 + [D("75.00")]
    with pytest.raises(ValidationError, match="Sort"):
        lists.drill_page(manager, DrillRequest("bills_generated", march(world), sort="nope"), 0, 5)


def test_outstanding_opens_the_ageing_analysis(services, world, manager):
    aging = services.dashboard_lists.aging(manager, march(world))
    assert aging[">90"] == (3, D("48.00"))
    assert aging["61-90"] == (3, D("40.30"))  # the January bills, due Jan 20: 90 days
    assert aging["31-60"] == (9, D("187.80"))
    oldest = DrillRequest("outstanding_amount", march(world), bucket=">90")
    assert services.dashboard_lists.drill_count(manager, oldest) == 3


def test_global_search_partial_case_insensitive_all_or_current_cycles(services, world, manager):
    lists = services.dashboard_lists
    assert {hit.consumer for hit in lists.search(manager, "SMI", all_cycles=True)} == {"Asha Smith"}
    assert lists.search_count(manager, "smi", all_cycles=True) == 4
    assert lists.search_count(manager, "smi", all_cycles=False) == 0  # April has no bills yet
    assert lists.search_count(manager, "lake road", all_cycles=True) == 13
    assert lists.search_count(manager, "acc-0003", all_cycles=True) == 3
    assert {h.invoice_no for h in lists.search(manager, "inv-202503", all_cycles=True)} == \
        {"INV-202503-001", "INV-202503-002", "INV-202503-003", "INV-202503-004"}
    assert lists.search_count(manager, "pa", all_cycles=True) == 2  # short: ILIKE (Dina Patel)
    with pytest.raises(ValidationError, match="Search"):
        lists.search(manager, "   ", all_cycles=True)


def test_search_index_follows_consumer_changes(services, world, manager, runtime):
    from app.models.consumers import Consumer

    with runtime.app.sessions() as session, session.begin():
        session.get(Consumer, world.consumers["Asha Smith"]).name = "Asha Kulkarni"
    lists = services.dashboard_lists
    assert lists.search_count(manager, "smith", all_cycles=True) == 0
    assert lists.search_count(manager, "kulkar", all_cycles=True) == 4


def test_preferences_are_per_user_validated_and_synced(services, world, manager, runtime):
    prefs = services.dashboard_preferences
    layout = prefs.save_layout(manager, Layout(card_order=("total_billed", "bills_generated"),
                                               hidden=frozenset({"late_payment_revenue"}), threshold=D("7.5")))
    again = prefs.layout(manager)
    assert again == layout and again.card_order[:2] == ("total_billed", "bills_generated")
    assert "late_payment_revenue" not in again.visible
    assert prefs.layout(actor(runtime, "specialist")) == Layout()
    with pytest.raises(ValidationError, match="Alert threshold"):
        prefs.save_layout(manager, Layout(threshold=D(150)))
    prefs.save_named(manager, "view", "March North", march(world).to_json())
    assert prefs.saved(manager, "view") == ["March North"]
    assert DashboardFilter.from_json(prefs.load_saved(manager, "view", "March North")) == march(world)
    prefs.delete_named(manager, "view", "March North")
    assert prefs.saved(manager, "view") == []
    with runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.entity == "dashboard_preferences")).scalar() == 3  # layout, view, deletion
        assert session.execute(select(func.count()).select_from(DashboardPreference)).scalar() == 2


def test_only_billing_roles_may_open_it(services, world, runtime):
    with pytest.raises(PermissionDenied, match="Billing Managers, Billing Specialists and Utility "
                                               "Administrators; a Customer Service Executive"):
        services.dashboard.overview(actor(runtime, "cashier"), march(world))
    with pytest.raises(PermissionDenied):
        services.dashboard_lists.search(actor(runtime, "supervisor"), "smith", True)
    for username in ("manager", "specialist", "admin"):
        services.dashboard.overview(actor(runtime, username), march(world))


def test_acting_on_stale_data_asks_first(services, world, manager, runtime):
    loaded = services.dashboard.overview(manager, march(world)).loaded_at
    services.dashboard.check_fresh(manager, loaded)
    runtime.app.clock.advance(timedelta(minutes=31))
    with pytest.raises(StaleData, match="more than 30 minutes old"):
        services.dashboard.quick_action(manager, "Bulk Bill Generation", loaded)
    services.dashboard.quick_action(manager, "Bulk Bill Generation", loaded, confirmed=True)  # allowed
    with runtime.app.sessions() as session:  # nothing is recorded until the workflow reports back
        assert not session.execute(select(AuditEntry).where(AuditEntry.action == "dashboard_quick_action")).all()


def test_quick_actions_are_checked_against_the_role_and_record_their_outcome(services, world, runtime):
    admin = actor(runtime, "admin")
    loaded = services.dashboard.overview(admin, march(world)).loaded_at
    with pytest.raises(PermissionDenied, match="Bulk Bill Generation is for Billing Managers"):
        services.dashboard.quick_action(admin, "Bulk Bill Generation", loaded)
    with pytest.raises(PermissionDenied, match="a Utility Administrator may not run it"):
        services.dashboard.quick_action(admin, "Single Bill Generation", loaded)
    services.dashboard.quick_action(admin, "GL Codes Management", loaded)
    services.dashboard.quick_action(admin, "Print & Distribute", loaded)
    with pytest.raises(ValidationError, match="must be one of"):
        services.dashboard.quick_action(admin, "Format Disk", loaded)
    services.dashboard.quick_action_done(admin, "GL Codes Management", "GL codes saved")
    with runtime.app.sessions() as session:
        rows = session.execute(select(AuditEntry.entity_id, AuditEntry.summary).where(
            AuditEntry.action == "dashboard_quick_action").order_by(AuditEntry.seq)).all()
        events = session.execute(select(func.count()).select_from(UsageEvent).where(
            UsageEvent.event == "Quick_Action_Initiated")).scalar()
    assert [entity for entity, _ in rows] == ["Bulk Bill Generation", "Single Bill Generation",
                                               "GL Codes Management"]
    assert "refused" in str(rows[0][1]) and "GL codes saved" in str(rows[2][1]) and events == 3


def test_actions_are_audited_and_tracked(services, world, manager, runtime):
    services.dashboard_lists.open_drill(manager, DrillRequest("high_consumption_accounts", march(world)))
    services.dashboard_lists.search(manager, "smith", all_cycles=True)
    services.dashboard.record(manager, "dashboard_viewed", "overview", "Dashboard_View")
    with runtime.app.sessions() as session:
        actions = set(session.execute(select(AuditEntry.action)).scalars())
        events = set(session.execute(select(UsageEvent.event)).scalars())
    assert {"dashboard_drilldown_opened", "dashboard_search", "dashboard_viewed"} <= actions
    assert {"Consumption_Account_Drilldown", "Search_Initiated", "Dashboard_View"} <= events


def test_cycles_panel_most_recent_first_with_progress_and_deadline_alert(services, world, manager):
    cycles = services.dashboard.choices(manager).cycles
    assert [c.name for c in cycles][:2] == ["North Zone - Apr 2025", "North Zone - Mar 2025"]
    april, mar = cycles[0], cycles[1]
    assert april.deadline_alert and not mar.deadline_alert  # Apr 21 18:00 is within 48 hours
    assert april.progress.percent == 0 and not april.progress.metrics_ready()
    assert (mar.progress.billed, mar.progress.expected, mar.not_generated) == (5, 4, 1)
    assert (mar.actual_bills, mar.estimated_bills) == (3, 1)


def test_exceptions_by_category_and_priority(services, world, manager):
    groups = services.dashboard.exceptions(manager, march(world))
    top = groups[0]
    assert (top.category, top.priority, top.count, top.raised_this_period) == \
        ("Missing meter read", "High", 1, 1)
    assert top.average_age_days == D("46.4")  # Mar 5 01:00 to Apr 20 10:30 UTC
    assert top.trend_percent is None  # none raised in February


def test_the_central_service_accepts_preferences_from_dashboard_roles_only():
    from app.domain.core.permissions import Role, can
    from sync.server.permissions import needed

    allowed = needed("dashboard_preferences", "insert")
    assert any(can(Role.BILLING_SPECIALIST, p) for p in allowed)
    assert not any(can(Role.CUSTOMER_SERVICE_EXECUTIVE, p) for p in allowed)


def test_consumption_adjusted_for_season_with_the_method_named(services, world, manager):
    reading = services.dashboard.consumption_season(manager, march(world))
    assert reading.month == "2025-03"
    assert reading.vs_last_year == D(-20)  # 240 kWh against 300: the same month, no adjustment
    assert round(reading.vs_previous_month, 1) == D("-11.1")  # plain 0%: March runs above February
    assert reading.z is None and not reading.significant  # four months: too little to test
    assert "z-score" in reading.method
