"""The Plans & Tariffs screens driven by accessible name: the tariff wizard, the list, the
history and comparison, the overview; checked against what the screen shows and what is stored."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)

from app.domain.tariffs.validation import TariffStatus
from app.views.common.operations import wait_for_background
from app.views.tariffs.module_page import TariffsModulePage
from tests.factories import PASSWORD
from tests.gui.helpers import click, find, type_into
from tests.tariff_fixtures import (
    actor,
    commercial_water,
    consumer_on,
    dollar_utility,
    standard_residential,
    winter_discount,
)


class Answers:
    """Answers the screen's questions as a user would."""

    def __init__(self, reason: str = "Replaced by a new tariff", confirm: bool = True) -> None:
        self.reason_text, self.confirm_answer, self.asked = reason, confirm, []

    def reason(self, title: str, prompt: str) -> str:
        self.asked.append(title)
        return self.reason_text

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.confirm_answer


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered by {combo.accessibleName()}"
    combo.setCurrentIndex(index)


def message(root, name: str) -> str:
    label = find(root, name, QLabel)
    return label.text() if label.isVisibleTo(root) else ""


def open_page(qtbot, services, runtime, username: str = "manager") -> TariffsModulePage:
    dollar_utility(services, runtime)
    user = services.auth.login(username, PASSWORD)
    page = TariffsModulePage(services, user)
    qtbot.addWidget(page)
    page.show()
    return page


def table_texts(table: QTableWidget, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_the_tariff_wizard_checks_each_step_and_publishes_a_flat_tariff(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    panel = page.show_tariffs()
    click(qtbot, find(panel, "New tariff", QPushButton))
    wizard = panel.wizard
    type_into(qtbot, find(wizard, "Tariff name", QLineEdit), "Standard Residential Electricity")
    choose(find(wizard, "Utility", QComboBox), "Electricity")
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 0  # refused: no rate type yet
    assert message(wizard, "Rate type message") == "Select exactly one rate type"
    choose(find(wizard, "Rate type", QComboBox), "Flat")
    assert "One unit rate applies to all consumption" in find(wizard, "Tip", QLabel).text()
    click(qtbot, find(wizard, "Show benefits", QPushButton))
    assert "Simple to explain" in message(wizard, "Benefits")
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 1
    type_into(qtbot, find(wizard, "Unit rate", QLineEdit), "-0.12")
    assert message(wizard, "Unit rate message") == "Unit rate must not be negative"
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 1
    find(wizard, "Unit rate", QLineEdit).clear()
    type_into(qtbot, find(wizard, "Unit rate", QLineEdit), "0.1234567")
    assert message(wizard, "Unit rate message") == "Unit rate supports up to 6 decimal places"
    find(wizard, "Unit rate", QLineEdit).clear()
    type_into(qtbot, find(wizard, "Unit rate", QLineEdit), "0.1200")
    assert message(wizard, "Unit rate message") == ""
    click(qtbot, find(wizard, "Next", QPushButton))
    samples = find(wizard, "Sample calculations", QTableWidget)
    assert table_texts(samples, 1) == ["$12.00", "$24.00", "$60.00"]
    assert len(find(wizard, "Bill vs consumption chart", QChartView).chart().series()) == 1
    click(qtbot, find(wizard, "Next", QPushButton))
    assert find(wizard, "Change summary", QPlainTextEdit).toPlainText() == "Initial tariff creation"
    assert "0.1200" in find(wizard, "Tariff preview", QLabel).text()
    click(qtbot, find(wizard, "Save", QPushButton))
    assert not wizard.isVisible()
    row = services.tariffs.list_tariffs(panel.actor)[0]
    assert (row.name, row.version_label, row.status) == ("Standard Residential Electricity", "v1",
                                                         TariffStatus.ACTIVE)
    assert services.tariffs.get(panel.actor, row.id).version.unit_rate == D("0.1200")
    assert find(panel, "Tariff list message", QLabel).text() == "Saved v1 (published)."
    assert panel.selected().id == row.id


def test_slab_rows_are_checked_row_by_row(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    panel = page.show_tariffs()
    wizard = panel.new_tariff()
    type_into(qtbot, find(wizard, "Tariff name", QLineEdit), "Commercial Water Basic")
    choose(find(wizard, "Utility", QComboBox), "Water")
    choose(find(wizard, "Rate type", QComboBox), "Slab")
    click(qtbot, find(wizard, "Next", QPushButton))
    slabs = wizard.rates.slabs
    slabs.set_rows([["0", "100", "0.08"], ["102", "500", "0.10"], ["501", "", "0.12"]])
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 1
    assert message(wizard, "Slabs message") == "Row 2: Slabs must not overlap or leave gaps"
    slabs.set_cell(1, 0, "101")
    assert message(wizard, "Slabs message") == ""
    click(qtbot, find(wizard, "Next", QPushButton))
    assert table_texts(find(wizard, "Sample calculations", QTableWidget), 1) == ["$8.00", "$18.00", "$48.00"]
    click(qtbot, find(wizard, "Next", QPushButton))
    click(qtbot, find(wizard, "Save", QPushButton))
    stored = services.tariffs.get(panel.actor, panel.selected().id).version
    assert [(s.upper, s.rate) for s in stored.slabs] == [(D(100), D("0.08")), (D(500), D("0.10")),
                                                         (None, D("0.12"))]


def test_an_overlap_is_named_beside_the_dates(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    services.tariffs.create(page.tariffs.actor, standard_residential())
    wizard = page.tariffs.new_tariff()
    choose(find(wizard, "Start from", QComboBox), "Template: Flat (Standard Residential Electricity)")
    assert message(wizard, "Tariff name message") == "A tariff named 'Standard Residential Electricity' already exists"
    find(wizard, "Tariff name", QLineEdit).setText("Second Residential Flat")
    assert message(wizard, "Valid from message") == "Validity overlaps with tariff 'Standard Residential Electricity'"
    wizard.reject()


def test_a_new_version_is_compared_with_the_old_one(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    saved = services.tariffs.create(page.tariffs.actor, standard_residential())
    panel = page.show_tariffs()
    panel.refresh()
    panel.select(saved.tariff_id)
    click(qtbot, find(panel, "New version", QPushButton))
    wizard = panel.wizard
    assert not find(wizard, "Rate type", QComboBox).isEnabled()  # a version keeps its rate type
    click(qtbot, find(wizard, "Next", QPushButton))
    rate = find(wizard, "Unit rate", QLineEdit)
    rate.clear()
    type_into(qtbot, rate, "0.1500")
    click(qtbot, find(wizard, "Next", QPushButton))
    click(qtbot, find(wizard, "Next", QPushButton))
    summary = find(wizard, "Change summary", QPlainTextEdit).toPlainText()
    assert summary == "Unit rate updated from 0.1200 to 0.1500"
    click(qtbot, find(wizard, "Save", QPushButton))
    assert panel.selected().version_label == "v2"
    click(qtbot, find(panel, "Compare", QPushButton))
    dialog = panel.dialog
    fields = find(dialog, "Field changes", QTableWidget)
    assert [(fields.item(r, 0).text(), fields.item(r, 1).text(), fields.item(r, 2).text())
            for r in range(fields.rowCount())] == [("Unit rate", "0.1200", "0.1500")]
    assert table_texts(find(dialog, "Sample bill comparison", QTableWidget), 3) == ["+$3.00", "+$6.00", "+$15.00"]
    history = find(dialog, "Version history table", QTableWidget)
    assert table_texts(history, 2) == ["Initial tariff creation", "Unit rate updated from 0.1200 to 0.1500"]
    dialog.reject()


def test_actions_follow_the_role(qtbot, services, runtime):
    specialist = open_page(qtbot, services, runtime, "specialist").tariffs
    assert {"New tariff", "New version", "Delete", "Deactivate", "Import"}.isdisjoint(specialist.buttons)
    assert {"History", "Compare", "Export"} <= set(specialist.buttons)
    admin = TariffsModulePage(services, services.auth.login("admin", PASSWORD)).tariffs
    qtbot.addWidget(admin)
    assert {"New tariff", "Delete", "Deactivate", "Import", "Export"} <= set(admin.buttons)


def test_overview_status_badges_lead_to_the_filtered_list(qtbot, services, runtime):
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    services.tariffs.create(manager, standard_residential())
    services.tariffs.create(manager, winter_discount())
    page = open_page(qtbot, services, runtime)
    assert find(page, "Total tariffs", QLabel).text() == "2"
    assert find(page, "Expired: 1 tariffs", QPushButton).text() == "Expired: 1"
    click(qtbot, find(page, "Expired: 1 tariffs", QPushButton))
    assert page.currentWidget() is page.tariffs
    assert [row.name for row in page.tariffs.model.rows()] == ["Winter Discount"]
    click(qtbot, find(page.tariffs, "Clear filters", QPushButton))
    type_into(qtbot, find(page.tariffs, "Search tariffs", QLineEdit), "residential")
    qtbot.waitUntil(lambda: len(page.tariffs.model.rows()) == 1, timeout=2000)


def test_overview_shows_growth_and_the_latest_changes_first(qtbot, services, runtime):
    from datetime import date, timedelta

    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    names = ["First", "Second", "Third", "Fourth"]
    for index, name in enumerate(names):
        services.tariffs.create(manager, replace(standard_residential(), name=name,
                                                 valid_from=date(2001 + index, 1, 1),
                                                 valid_to=date(2001 + index, 12, 31)))
        runtime.app.clock.advance(timedelta(days=1 if index < 3 else 35))
    services.tariffs.create(manager, replace(standard_residential(), name="Fifth",
                                             valid_from=date(2010, 1, 1), valid_to=date(2010, 12, 31)))
    page = open_page(qtbot, services, runtime)
    assert find(page, "Total tariffs", QLabel).text() == "5"
    assert find(page, "Total tariffs growth", QLabel).text() == "▲ +25.0% from last month"  # 4 -> 5
    recent = find(page, "Recently updated tariffs", QTableWidget)
    assert table_texts(recent, 0) == ["Fifth", "Fourth", "Third", "Second", "First"]


def test_deactivating_a_tariff_in_use_asks_first(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    saved = services.tariffs.create(page.tariffs.actor, commercial_water())
    consumer_on(runtime, saved.tariff_id)
    panel = page.show_tariffs()
    panel.refresh()
    panel.ask = Answers(confirm=False)
    panel.select(saved.tariff_id)
    click(qtbot, find(panel, "Deactivate", QPushButton))
    assert "in use by 1 service account" in panel.ask.asked[-1]
    assert panel.selected().status is TariffStatus.ACTIVE  # the user said no
    panel.ask = Answers(confirm=True)
    click(qtbot, find(panel, "Deactivate", QPushButton))
    assert panel.selected().status is TariffStatus.INACTIVE
    assert find(panel, "Activate", QPushButton).isEnabled()


@pytest.mark.parametrize("suffix", ["csv"])
def test_import_reports_bad_rows_and_export_writes_the_list(qtbot, services, runtime, tmp_path, suffix):
    page = open_page(qtbot, services, runtime)
    panel = page.show_tariffs()
    template = services.tariffs.transfer.write_template(tmp_path / f"template.{suffix}")
    bad = tmp_path / "bad.csv"
    bad.write_text(template.read_text(encoding="utf-8").replace("0.0800", "-1"), encoding="utf-8")
    panel.import_from(bad)
    qtbot.waitUntil(lambda: getattr(panel, "report", None) is not None, timeout=5000)
    wait_for_background()
    problems = find(panel.report, "Import problems", QPlainTextEdit).toPlainText()
    assert problems.splitlines() == ["Line 3, rate: Slab rate must not be negative",
                                     "Line 9, rate: Period rate must not be negative"]
    assert panel.model.rows() == []
    panel.report = None
    panel.import_from(template)
    qtbot.waitUntil(lambda: len(panel.model.rows()) == 5, timeout=5000)
    out = tmp_path / "out.xlsx"
    panel.export_to(out)
    qtbot.waitUntil(lambda: "Exported 5 tariff(s)" in panel.message.text(), timeout=5000)
    assert out.exists()


def test_editing_a_stale_copy_says_who_changed_it(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime)
    saved = services.tariffs.create(page.tariffs.actor, standard_residential())
    panel = page.show_tariffs()
    panel.refresh()
    panel.select(saved.tariff_id)
    wizard = panel.new_version()
    services.tariffs.new_version(actor(runtime, "admin"), saved.tariff_id,
                                 replace(standard_residential(), unit_rate=D("0.13")),
                                 change_summary="Meanwhile", base_version=saved.base_version)
    click(qtbot, find(wizard, "Next", QPushButton))
    rate = find(wizard, "Unit rate", QLineEdit)
    rate.clear()
    type_into(qtbot, rate, "0.1400")
    for _ in range(2):
        click(qtbot, find(wizard, "Next", QPushButton))
    click(qtbot, find(wizard, "Save", QPushButton))
    assert "was changed by admin" in message(wizard, "Save message")
    assert wizard.isVisible()
    wizard.reject()


def test_the_wizard_prices_gas_per_kwh_at_six_decimals_with_its_period_factor(qtbot, services, runtime):
    page = open_page(qtbot, services, runtime, "admin")
    panel = page.show_tariffs()
    wizard = panel.new_tariff()
    type_into(qtbot, find(wizard, "Tariff name", QLineEdit), "Gas per kWh")
    choose(find(wizard, "Utility", QComboBox), "Gas")
    choose(find(wizard, "Unit", QComboBox), "m3")
    choose(find(wizard, "Priced in", QComboBox), "kWh")
    choose(find(wizard, "Rate type", QComboBox), "Flat")
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 0  # m3 to kWh needs the utility's factor
    assert message(wizard, "Conversion factor message").startswith("Give how many kWh one m3 makes")
    type_into(qtbot, find(wizard, "Conversion factor", QLineEdit), "11.2")
    choose(find(wizard, "Period factor", QComboBox), "Each calendar month: its days / its length")
    choose(find(wizard, "Slab limit rounding", QComboBox), "Down to a whole unit")
    click(qtbot, find(wizard, "Next", QPushButton))
    assert wizard.currentId() == 1
    find(wizard, "Unit rate", QLineEdit).clear()
    type_into(qtbot, find(wizard, "Unit rate", QLineEdit), "0.061234")
    click(qtbot, find(wizard, "Next", QPushButton))
    samples = find(wizard, "Sample calculations", QTableWidget)
    assert table_texts(samples, 0)[0] == "100 m3 = 1120.0 kWh"
    assert table_texts(samples, 1)[0] == "$68.58"  # 1,120 kWh x 0.061234 = 68.582
    click(qtbot, find(wizard, "Next", QPushButton))
    click(qtbot, find(wizard, "Save", QPushButton))
    row = services.tariffs.list_tariffs(panel.actor)[0]
    version = services.tariffs.get(panel.actor, row.id).version
    assert (version.unit_rate, version.price_unit, version.conversion) == (D("0.061234"), "kWh", D("11.2"))
    assert (version.period_factor, version.limit_rounding) == ("calendar_months", "down")


def test_a_long_import_shows_its_stage_and_a_bar(qtbot):
    import threading

    from PySide6.QtWidgets import QProgressDialog, QWidget

    from app.views.common.operations import Operation

    parent = QWidget()
    qtbot.addWidget(parent)
    release, results = threading.Event(), []

    def work(progress):
        progress("Writing", 3, 10)
        release.wait(5)
        return "done"

    (Operation(parent, work, writes=True, label="Importing tariffs…", reports_progress=True)
     .success(results.append).run_in_background())
    qtbot.waitUntil(lambda: bool(parent.findChildren(QProgressDialog)), timeout=3000)
    dialog = find(parent, "Progress", QProgressDialog)
    qtbot.waitUntil(lambda: dialog.labelText() == "Importing tariffs… Writing 3 of 10", timeout=3000)
    assert (dialog.value(), dialog.maximum()) == (3, 10)
    release.set()
    qtbot.waitUntil(lambda: results == ["done"], timeout=3000)


def test_an_import_refused_for_a_decimal_comma_can_be_read_with_one(qtbot, services, runtime, tmp_path):
    import csv

    from app.services.tariffs.rows import COLUMNS

    page = open_page(qtbot, services, runtime, "admin")
    panel = page.show_tariffs()
    path = tmp_path / "komma.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow({"tariff": "Komma Flat", "utility": "electricity", "rate_type": "flat",
                         "valid_from": "2025-01-01", "item": "rate", "rate": "0,1200"})
    panel.import_from(path)
    qtbot.waitUntil(lambda: getattr(panel, "report", None) is not None, timeout=5000)
    problems = find(panel.report, "Import problems", QPlainTextEdit).toPlainText()
    assert problems.startswith("Line 2, rate: '0,1200' is ambiguous")
    first = panel.report
    click(qtbot, find(first, "Read decimals with a comma", QPushButton))
    qtbot.waitUntil(lambda: panel.report is not first, timeout=5000)
    wait_for_background()
    assert find(panel.report, "Import summary", QLabel).text().startswith("Imported 1 row(s): 1 new")
    assert not panel.report.findChildren(QPushButton, "Read decimals with a comma")
    row = services.tariffs.list_tariffs(panel.actor)[0]
    assert services.tariffs.get(panel.actor, row.id).version.unit_rate == D("0.12")
