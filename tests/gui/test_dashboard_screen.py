"""The dashboard screen driven as a person would, by accessible name: filter, read the cards and
their colours, drill down, search, export; a failed refresh keeps the last figures; acting on
stale figures asks first; the timer refreshes only in business hours."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from sqlalchemy import func, select

from app.models.system import AuditEntry, UsageEvent
from app.views.common.operations import wait_for_background
from app.views.dashboard.dashboard_page import DashboardPage, load_dashboard
from tests.dashboard_fixtures import build_world
from tests.gui.helpers import click, find, type_into
from tests.payment_fixtures import actor


@pytest.fixture
def world(runtime):
    return build_world(runtime)


def open_page(qtbot, services, runtime, username="manager", loader=None) -> DashboardPage:
    page = DashboardPage(services, actor(runtime, username), loader=loader)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded is not None or "could not" in page.status.text(), timeout=10000)
    return page


def choose(combo: QComboBox, text: str) -> None:
    index = next(i for i in range(combo.count()) if combo.itemText(i).endswith(text))
    combo.setCurrentIndex(index)


def apply_march(qtbot, page) -> None:
    choose(find(page, "Billing cycle", QComboBox), "North Zone - Mar 2025")
    click(qtbot, find(page, "Apply filters", QPushButton))
    qtbot.waitUntil(lambda: find(page, "Total Bills Generated value", QLabel).text() == "4", timeout=10000)


def value(page, label: str) -> str:
    return find(page, f"{label} value", QLabel).text()


def test_filter_a_cycle_and_read_the_cards(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime)
    apply_march(qtbot, page)
    assert value(page, "Success Rate") == "80.00%"
    assert value(page, "Average Bill Amount") == "₹11.60"
    assert value(page, "Outstanding Amount") == "₹260.10"
    assert value(page, "Late Payment Revenue") == "₹25.00"
    worse = find(page, "Bills Not Generated vs previous cycle", QLabel)
    assert worse.text().startswith("▲") and "#b3261e" in worse.styleSheet()  # up, and bad news
    better = find(page, "Total Bills Generated vs previous cycle", QLabel)
    assert better.text() == "▲ +33.3% vs previous cycle" and "#1b6e20" in better.styleSheet()
    assert "reconcile" in find(page, "Reconciliation", QLabel).text()
    assert find(page, "Season-adjusted consumption", QLabel).text() == (
        "Season-adjusted consumption March 2025: -11.1% vs the month before, -20.0% vs a year earlier; "
        "too little history to test.")

    choose(find(page, "Customer segment", QComboBox), "Commercial")
    click(qtbot, find(page, "Apply filters", QPushButton))
    qtbot.waitUntil(lambda: value(page, "Total Bills Generated") == "1", timeout=10000)
    assert value(page, "Low Consumption Accounts") == "1"


def test_drill_down_from_a_card_and_export_it(qtbot, services, runtime, world, tmp_path):
    page = open_page(qtbot, services, runtime)
    apply_march(qtbot, page)
    find(page, "Details: High Consumption Accounts", QPushButton).setFocus()
    qtbot.keyClick(find(page, "Details: High Consumption Accounts", QPushButton), Qt.Key.Key_Space)
    dialog = page.drill_dialog
    assert dialog.model.rowCount() == 1 and dialog.model.index(0, 1).data() == "Asha Smith"
    assert find(dialog, "Row count", QLabel).text() == "1 row"
    dialog.close()

    click(qtbot, find(page, "Details: Total Bills Generated", QPushButton))
    bills = page.drill_dialog
    assert bills.model.rowCount() == 4
    type_into(qtbot, find(bills, "Filter rows"), "SMY")
    qtbot.keyClick(bills.filter, Qt.Key.Key_Return)
    assert bills.model.rowCount() == 1 and bills.model.index(0, 1).data() == "Cyril Smythe"
    bills.table.setFocus()
    bills.table.setCurrentIndex(bills.model.index(0, 0))
    qtbot.keyClick(bills.table, Qt.Key.Key_Return)  # the bill behind the row
    bill = bills.row_details
    qtbot.waitUntil(lambda: find(bill, "Bill", QLabel).text().startswith(bills.model.index(0, 0).data()),
                    timeout=5000)
    assert find(bill, "Consumer", QLabel).text().startswith("Cyril Smythe")
    bill.close()
    out = bills.export("csv", tmp_path / "bills.csv")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:2] == ["Bill #", "Consumer"] and rows[1][1] == "Cyril Smythe" and len(rows) == 2

    click(qtbot, find(page, "Details: Outstanding Amount", QPushButton))
    aging = page.drill_dialog
    assert ">90: 3 items, ₹48.00" in aging.aging.text()
    choose(find(aging, "Ageing bucket", QComboBox), ">90")
    qtbot.waitUntil(lambda: aging.model.rowCount() == 3, timeout=3000)


def test_global_search_partial_and_by_cycle(qtbot, services, runtime, world, tmp_path):
    page = open_page(qtbot, services, runtime, "specialist")
    type_into(qtbot, find(page, "Search bills"), "smi")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    assert page.tabs.currentWidget() is page.search_tab
    assert find(page, "Search result count", QLabel).text() == "4 bills match “smi” in all cycles"
    assert page.search_tab.model.rowCount() == 4
    out = page.search_tab.export(tmp_path / "found.csv")
    assert len(list(csv.reader(out.open(encoding="utf-8")))) == 5
    page.search_tab.save_search("Smiths")
    assert find(page, "Saved searches", QComboBox).currentText() == "Smiths"
    choose(find(page, "Search in", QComboBox), "Current cycle")
    click(qtbot, find(page, "Search", QPushButton))
    assert page.search_tab.model.rowCount() == 0
    click(qtbot, find(page, "Run Saved Search", QPushButton))
    assert page.search_tab.model.rowCount() == 4


def test_failed_refresh_keeps_the_last_figures_and_export_refuses_them(qtbot, services, runtime, world,
                                                                          tmp_path):
    broken = []

    def flaky(flt):
        if broken:
            raise OSError("database is locked")
        return load_dashboard(services, actor(runtime, "manager"), flt)

    page = open_page(qtbot, services, runtime, loader=flaky)
    before = value(page, "Total Billed Amount")
    broken.append(True)
    click(qtbot, find(page, "Refresh", QPushButton))
    qtbot.waitUntil(lambda: "could not be refreshed" in page.status.text(), timeout=5000)
    assert "database is locked" in page.status.text() and "showing the figures loaded at" in page.status.text()
    assert value(page, "Total Billed Amount") == before
    assert page.export("csv", tmp_path / "never.csv") is None
    assert "did not load completely" in find(page, "Message", QLabel).text()
    assert not (tmp_path / "never.csv").exists()


def test_acting_on_stale_figures_asks_first(qtbot, services, runtime, world, tmp_path):
    page = open_page(qtbot, services, runtime)
    asked = []
    page.confirm = lambda text: asked.append(text) or False
    runtime.app.clock.advance(timedelta(minutes=31))
    click(qtbot, find(page, "Bulk Bill Generation", QPushButton))
    assert asked and "more than 30 minutes old" in asked[0]
    assert page.export("csv", tmp_path / "stale.csv") is None and len(asked) == 2
    page.confirm = lambda text: True
    click(qtbot, find(page, "Bulk Bill Generation", QPushButton))
    assert page.quick_dialog.isVisible()  # confirmed: the action's dialog opens over the dashboard
    click(qtbot, find(page.quick_dialog, "Close", QPushButton))
    assert page.export("xlsx", tmp_path / "dash.xlsx") == tmp_path / "dash.xlsx"
    with runtime.app.sessions() as session:
        actions = list(session.execute(select(AuditEntry.action)).scalars())
    assert actions.count("dashboard_quick_action") == 1 and "dashboard_exported" in actions


def test_timer_refreshes_only_in_business_hours(qtbot, services, runtime, world):
    page = open_page(qtbot, services, runtime)

    def refreshes() -> int:
        with runtime.app.sessions() as session:
            return session.execute(select(func.count()).select_from(UsageEvent)
                                   .where(UsageEvent.event == "Data_Refresh")).scalar()

    page.tick()  # 16:00 in Kolkata: inside 08:00-18:00
    wait_for_background()
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert refreshes() == 1
    runtime.app.clock.advance(timedelta(hours=4))  # 20:00
    page.tick()
    assert refreshes() == 1


def test_customise_cards_and_saved_views(qtbot, services, runtime, world):
    from app.views.dashboard.layout_dialog import LayoutDialog

    page = open_page(qtbot, services, runtime)
    apply_march(qtbot, page)
    click(qtbot, find(page, "Customise Cards", QPushButton))
    dialog: LayoutDialog = page.layout_dialog
    cards = find(dialog, "Cards")
    late = next(cards.item(i) for i in range(cards.count()) if cards.item(i).text() == "Late Payment Revenue")
    late.setCheckState(Qt.CheckState.Unchecked)
    threshold = find(dialog, "Alert threshold (%)")
    threshold.clear()
    type_into(qtbot, threshold, "abc")
    dialog._accept()
    assert "Alert threshold: must be a number" in find(dialog, "Alert threshold error", QLabel).text()
    threshold.clear()
    type_into(qtbot, threshold, "50")
    dialog._accept()
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    qtbot.waitUntil(lambda: "#5f6b7a" in find(page, "Total Bills Generated vs previous cycle", QLabel)
                    .styleSheet(), timeout=5000)  # +33.3% is under the user's 50%
    assert not page.overview.cards["late_payment_revenue"].isVisibleTo(page)
    assert services.dashboard_preferences.layout(actor(runtime, "manager")).threshold == 50

    page.save_view("March North")
    choose(find(page, "Billing cycle", QComboBox), "North Zone - Feb 2025")
    click(qtbot, find(page, "Apply filters", QPushButton))
    qtbot.waitUntil(lambda: value(page, "Total Bills Generated") == "3", timeout=5000)
    assert find(page, "Saved views", QComboBox).currentText() == "March North"
    click(qtbot, find(page, "Open View", QPushButton))
    qtbot.waitUntil(lambda: value(page, "Total Bills Generated") == "4", timeout=5000)


def test_search_results_print_the_selected_bills(qtbot, services, runtime, world, tmp_path):
    from app.models.billing import Bill

    page = open_page(qtbot, services, runtime, "specialist")
    type_into(qtbot, find(page, "Search bills"), "smi")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    table = page.search_tab.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select every row
    chosen = page.search_tab.selected_invoices()
    assert len(chosen) == 4
    said = []
    page.search_tab.message.connect(said.append)
    page.search_tab.print_selected(tmp_path / "out")
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert said[0].startswith("4 bill PDF(s) written to")
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.pdf")) == sorted(chosen)
    with runtime.app.sessions() as session:
        marks = session.execute(select(Bill.printed_by).where(Bill.invoice_no.in_(chosen))).scalars().all()
    assert marks == ["specialist"] * 4
