"""Batch edit from the tariff list, by accessible names: select two tariffs, change their rates
by 10% from May, read the summary, and find the new published versions stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QPushButton, QTableView

from app.views.tariffs.tariff_list_panel import TariffListPanel
from tests.gui.helpers import click, find, type_into
from tests.tariff_fixtures import actor, dollar_utility, standard_residential, winter_discount


def test_change_the_rates_of_two_tariffs_by_ten_percent(qtbot, services, runtime):
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    for version in (standard_residential(), winter_discount()):
        services.tariffs.create(manager, version)
    panel = TariffListPanel(services, manager)
    qtbot.addWidget(panel)
    panel.show()
    table = find(panel, "Tariff list", QTableView)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in range(table.model().rowCount()):
        table.selectionModel().select(table.model().index(row, 0), flags)
    assert not find(panel, "History", QPushButton).isEnabled()  # one-tariff actions need one
    click(qtbot, find(panel, "Batch edit", QPushButton))
    dialog = panel.batch
    action = find(dialog, "Action", QComboBox)
    action.setCurrentIndex(action.findText("Change rates"))
    assert not find(dialog, "New end date", QDateEdit).isVisibleTo(dialog)
    type_into(qtbot, find(dialog, "Change in percent", QLineEdit), "ten")
    click(qtbot, find(dialog, "Apply", QPushButton))
    assert find(dialog, "Batch error", QLabel).text() == "Change in percent: write a number, e.g. 4.5 or -2"
    find(dialog, "Change in percent", QLineEdit).clear()
    type_into(qtbot, find(dialog, "Change in percent", QLineEdit), "10")
    find(dialog, "Effective from", QDateEdit).setDate(QDate(2025, 5, 1))
    click(qtbot, find(dialog, "Apply", QPushButton))
    assert find(dialog, "Batch summary", QLabel).text() == (
        "Change rates: 1 tariff(s) changed, 1 skipped.\n"
        "Skipped Winter Discount: Ends on 31/03/2025, before 01/05/2025")  # the date format setting
    quote = services.tariffs.quote(manager, "Standard Residential Electricity", date(2025, 5, 1),
                                   date(2025, 5, 31), units=100)
    assert (quote.version, quote.bill.total.amount) == (2, D("13.20"))
    dialog.resize(1280, 800)
    dialog.grab().save("/tmp/tariffs_batch.png")


def test_extend_two_plans_from_the_plan_list(qtbot, services, runtime):
    from app.domain.tariffs.plans import ChargeType, PlanChargeLine
    from app.views.tariffs.plan_list_panel import PlanListPanel
    from tests.integration.test_plan_service import residential_basic

    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    tariff_id = services.tariffs.create(manager, standard_residential(), categories=["Residential"]).tariff_id
    services.plans.create(manager, residential_basic(tariff_id))
    services.plans.create(manager, residential_basic(tariff_id, name="Fixed Only", short_name="FO", charges=(
        PlanChargeLine("Administrative Fee", "Common", ChargeType.FIXED, D("5.99")),)))
    panel = PlanListPanel(services, manager)
    qtbot.addWidget(panel)
    panel.show()
    table = find(panel, "Plan list")
    table.selectAll()
    assert not find(panel, "Edit plan", QPushButton).isEnabled()
    click(qtbot, find(panel, "Batch edit plans", QPushButton))
    dialog = panel.batch
    action = find(dialog, "Action", QComboBox)
    action.setCurrentIndex(action.findText("Change rates"))
    assert not find(dialog, "Effective from", QDateEdit).isVisibleTo(dialog)  # plans: when saved
    type_into(qtbot, find(dialog, "Change in percent", QLineEdit), "-10")
    click(qtbot, find(dialog, "Apply", QPushButton))
    assert find(dialog, "Batch summary", QLabel).text() == (
        "Change rates: 1 plan(s) changed, 1 skipped.\n"
        "Skipped Fixed Only: Has no Variable or Consumption-based charge")
    [basic] = [row for row in services.plans.list_plans(manager) if row.short_name == "RBE"]
    assert services.plans.details(manager, basic.id).draft.charges[0].amount == D("0.135000")
