"""The 4-step plan wizard driven by accessible name: each step refuses Next until complete,
"Add rate" goes to the tariff wizard and comes back, and the plan is stored as shown."""

from __future__ import annotations

from decimal import Decimal as D

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
)

from app.domain.tariffs.plans import ChargeType, TaxType
from app.domain.tariffs.validation import RateType, Utility
from app.views.tariffs.module_page import TariffsModulePage
from tests.factories import PASSWORD
from tests.gui.helpers import click, find, type_into
from tests.gui.test_tariff_screens import choose, message
from tests.tariff_fixtures import actor, dollar_utility, standard_residential


def open_plans(qtbot, services, runtime):
    dollar_utility(services, runtime)
    manager = services.auth.login("manager", PASSWORD)
    services.tariffs.create(actor(runtime, "manager"), standard_residential(), categories=["Residential"])
    page = TariffsModulePage(services, manager)
    qtbot.addWidget(page)
    page.show()
    page.setCurrentWidget(page.plans)
    return page.plans


def next_step(qtbot, wizard) -> None:
    click(qtbot, find(wizard, "Next", QPushButton))


def tick(sub_categories: QListWidget, text: str) -> None:
    item = sub_categories.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    item.setCheckState(Qt.CheckState.Checked)


def test_the_plan_wizard_enforces_each_step_and_saves_the_plan(qtbot, services, runtime):
    panel = open_plans(qtbot, services, runtime)
    click(qtbot, find(panel, "New plan", QPushButton))
    wizard = panel.wizard
    next_step(qtbot, wizard)
    assert wizard.currentId() == 0
    assert message(wizard, "Plan name message") == "Plan name is required"
    type_into(qtbot, find(wizard, "Plan name", QLineEdit), "Residential Basic Electricity")
    type_into(qtbot, find(wizard, "Short name", QLineEdit), "ResidentialBasicE")
    type_into(qtbot, find(wizard, "Description", QPlainTextEdit),
              "A simple electricity plan for residential customers")
    choose(find(wizard, "Billing frequency", QComboBox), "Monthly")
    choose(find(wizard, "Tax type", QComboBox), "Percentage")
    type_into(qtbot, find(wizard, "Tax rate", QLineEdit), "5")
    find(wizard, "Start date", QDateEdit).setDate(find(wizard, "Start date", QDateEdit).date().addDays(-1))
    next_step(qtbot, wizard)
    assert wizard.currentId() == 0
    assert message(wizard, "Short name message") == "Short name is limited to 15 characters"
    assert message(wizard, "Start date message") == "Cannot select past date"
    find(wizard, "Short name", QLineEdit).setText("RBE")
    find(wizard, "Start date", QDateEdit).setDate(find(wizard, "Start date", QDateEdit).date().addDays(11))
    next_step(qtbot, wizard)
    assert wizard.currentId() == 1

    next_step(qtbot, wizard)
    assert message(wizard, "Consumer categories message") == "Select at least one consumer category"
    click(qtbot, find(wizard, "Residential", QCheckBox))
    subs = find(wizard, "Sub categories", QListWidget)
    assert [subs.item(i).text() for i in range(subs.count())] == [
        "Residential · Single Family", "Residential · Apartment", "Residential · Standard"]  # filtered
    next_step(qtbot, wizard)
    assert message(wizard, "Sub categories message") == "Select at least one sub category for Residential"
    tick(subs, "Residential · Single Family")
    next_step(qtbot, wizard)
    assert wizard.currentId() == 2

    next_step(qtbot, wizard)
    assert message(wizard, "Utility services message") == "Select at least one utility service"
    click(qtbot, find(wizard, "Electricity", QCheckBox))
    choose(find(wizard, "Electricity rate type", QComboBox), "Slab")
    assert find(wizard, "Electricity rate name", QComboBox).count() == 1  # only "Select…"
    choose(find(wizard, "Electricity rate type", QComboBox), "Flat")
    next_step(qtbot, wizard)
    assert message(wizard, "Electricity service message") == "Select a rate name for Electricity"
    choose(find(wizard, "Electricity rate name", QComboBox), "Standard Residential Electricity")
    assert find(wizard, "Electricity rate", QLabel).text() == "0.1200 per kWh"
    next_step(qtbot, wizard)
    assert wizard.currentId() == 3

    charges = wizard.charges.charges
    click(qtbot, find(wizard, "Add charge", QPushButton))
    click(qtbot, find(wizard, "Save plan", QPushButton))
    assert "Charge name is required" in message(wizard, "Plan save message")
    charges.set_cell(0, 0, "Administrative Fee")
    choose(find(wizard, "Charge type, charge 1", QComboBox), "Fixed")
    charges.set_cell(0, 3, "5.99")
    click(qtbot, find(wizard, "Add charge", QPushButton))
    charges.set_cell(1, 0, "Peak Usage Fee")
    choose(find(wizard, "Applies to, charge 2", QComboBox), "Electricity")
    choose(find(wizard, "Charge type, charge 2", QComboBox), "Variable")
    charges.set_cell(1, 3, "0.15")
    click(qtbot, find(wizard, "Save plan", QPushButton))
    assert not wizard.isVisible()

    row = panel.selected()
    assert (row.name, row.version_label, row.categories) == ("Residential Basic Electricity", "1.0",
                                                            ("Residential",))
    draft = services.plans.details(panel.actor, row.id).draft
    assert (draft.short_name, draft.tax_type, draft.tax_rate) == ("RBE", TaxType.PERCENTAGE, D(5))
    assert draft.categories == (("Residential", "Single Family"),)
    assert [(s.utility, s.rate_type) for s in draft.services] == [(Utility.ELECTRICITY, RateType.FLAT)]
    assert [(c.name, c.scope, c.charge_type, c.amount) for c in draft.charges] == [
        ("Administrative Fee", "Common", ChargeType.FIXED, D("5.99")),
        ("Peak Usage Fee", "electricity", ChargeType.VARIABLE, D("0.15"))]


def test_add_rate_goes_to_the_tariff_wizard_and_back(qtbot, services, runtime):
    panel = open_plans(qtbot, services, runtime)
    wizard = panel.new_plan()
    click(qtbot, find(wizard, "Water", QCheckBox))
    choose(find(wizard, "Water rate type", QComboBox), "Slab")
    click(qtbot, find(wizard, "Add Water rate", QPushButton))
    rate_wizard = wizard.tariff_wizard
    assert rate_wizard is not None and rate_wizard.isVisible()
    assert find(rate_wizard, "Utility", QComboBox).currentText() == "Water"
    assert find(rate_wizard, "Rate type", QComboBox).currentText() == "Slab"
    click(qtbot, find(rate_wizard, "Cancel", QPushButton))
    assert wizard.tariff_wizard is None and wizard.isVisible()  # back on the plan, nothing added

    click(qtbot, find(wizard, "Add Water rate", QPushButton))
    rate_wizard = wizard.tariff_wizard
    type_into(qtbot, find(rate_wizard, "Tariff name", QLineEdit), "Water Saver Slabs")
    click(qtbot, find(rate_wizard, "Next", QPushButton))
    rate_wizard.rates.slabs.set_rows([["0", "100", "0.08"], ["101", "", "0.10"]])
    for _ in range(3):
        click(qtbot, find(rate_wizard, "Next", QPushButton))
    click(qtbot, find(rate_wizard, "Save", QPushButton))
    assert wizard.tariff_wizard is None and wizard.isVisible()
    assert find(wizard, "Water rate name", QComboBox).currentText() == "Water Saver Slabs"
    assert find(wizard, "Water rate", QLabel).text() == "2 slabs, 0.0800–0.1000 per kL"
