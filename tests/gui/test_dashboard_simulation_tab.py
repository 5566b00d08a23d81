"""The Simulations tab driven by accessible name: a tariff and a rate change in, the last cycle
re-rated off the GUI thread, the revenue delta, histogram, accounts and segments out."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget
from sqlalchemy import select

from app.models.system import AuditEntry
from app.views.dashboard.dashboard_page import DashboardPage
from tests.gui.helpers import click, find, type_into
from tests.integration.test_dashboard_simulation import world  # noqa: F401 - the fixture
from tests.tariff_fixtures import actor


def test_a_rate_change_is_simulated_on_the_last_cycle(qtbot, services, runtime, world, tmp_path):  # noqa: F811
    page = DashboardPage(services, actor(runtime, "manager"))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.tabs.setCurrentWidget(page.simulations)
    tariff = find(page, "Tariff", QComboBox)
    qtbot.waitUntil(lambda: tariff.count() == 2, timeout=5000)
    tariff.setCurrentIndex(tariff.findText("Home Electricity"))
    assert find(page, "Draft version", QComboBox).currentText() == "None: use the rate change"
    click(qtbot, find(page, "Simulate", QPushButton))
    assert "Rate change (%): enter a number" in find(page, "Simulation result", QLabel).text()
    type_into(qtbot, find(page, "Rate change (%)", QLineEdit), "10")
    click(qtbot, find(page, "Simulate", QPushButton))
    summary = find(page, "Simulation result", QLabel)
    qtbot.waitUntil(lambda: "Revenue" in summary.text(), timeout=15000)
    assert "Home Electricity, energy rates +10%" in summary.text() and "4 account(s) affected" in summary.text()
    assert "energy charges $56.40 → $62.04" in summary.text()
    accounts = find(page, "Most affected accounts", QTableWidget)
    assert accounts.rowCount() == 4 and accounts.item(0, 1).text() == "Consumer 3"
    segments = find(page, "By segment", QTableWidget)
    assert segments.rowCount() == 1 and segments.item(0, 0).text() == "Residential"
    [series] = page.simulations.chart.series()
    assert sum(series.barSets()[0].at(i) for i in range(series.barSets()[0].count())) == 4
    page.grab().save(str(tmp_path / "simulations.png"))
    page.grab().save("/tmp/dash_sim.png")
    with runtime.app.sessions() as session:
        assert session.execute(select(AuditEntry.entity_id).where(
            AuditEntry.action == "dashboard_simulated")).scalars().all() == ["Home Electricity"]
