"""Assigning a plan from the Plans tab: one consumer found with the consumer picker, then every
Residential account after a confirmation that says how many change; checked in the database."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QRadioButton, QTableWidget
from sqlalchemy import select

from app.models.consumers import ServiceAccount
from app.models.tariffs import PlanAssignment
from app.views.common.operations import wait_for_background
from app.views.tariffs.plan_list_panel import PlanListPanel
from tests.gui.helpers import click, find, type_into
from tests.plan_fixtures import green_world
from tests.tariff_fixtures import actor

READS = {"electricity": [(date(2025, 3, 16), "100"), (date(2025, 4, 16), "200")]}


class Answers:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return True


def plans_of(runtime):
    with runtime.app.sessions() as session:
        return dict(session.execute(select(ServiceAccount.account_no, ServiceAccount.plan_id)).all())


def test_assign_one_consumer_then_a_category_by_accessible_names(qtbot, services, runtime):
    world = green_world(runtime, services)
    ann = world.consumer("Annabel Plan", meters=READS, plan=False)
    bob = world.consumer("Bob Other", meters=READS)
    world.consumer("Gas Only", utility="gas")
    panel = PlanListPanel(services, actor(runtime, "manager"))
    qtbot.addWidget(panel)
    panel.ask = Answers()
    panel.show()
    table = find(panel, "Plan list", QTableWidget)
    table.selectRow([table.item(r, 0).text() for r in range(table.rowCount())].index("Green Saver"))
    click(qtbot, find(panel, "Assign plan", QPushButton))
    dialog = panel.assigning
    type_into(qtbot, find(dialog, "Find consumer", QLineEdit), "Annabel")
    find(dialog, "Find consumer", QLineEdit).returnPressed.emit()
    account = find(dialog, "Service account", QComboBox)
    qtbot.waitUntil(lambda: account.count() == 1, timeout=5000)
    wait_for_background()
    assert account.currentText() == f"{ann} · electricity · no plan"
    click(qtbot, find(dialog, "Assign", QPushButton))
    assert plans_of(runtime)[ann] == world.green_id
    history = find(dialog, "Plan history", QTableWidget)
    assert [history.item(0, c).text() for c in (1, 2, 3, 5)] == ["(none)", "Green Saver", "manager",
                                                                 "Consumer"]
    assert find(dialog, "Assign message").text().startswith(f"{ann} is on plan 'Green Saver'")

    find(dialog, "Every account of a category", QRadioButton).setChecked(True)
    assert find(dialog, "Consumer category", QComboBox).currentText() == "Residential"
    click(qtbot, find(dialog, "Assign", QPushButton))
    [confirmation] = panel.ask.asked
    assert confirmation.startswith("1 Residential account(s) will change to plan 'Green Saver'")
    assert "1 × Plan 'Green Saver' has no gas service" in confirmation
    assert plans_of(runtime)[bob] == world.green_id
    with runtime.app.sessions() as session:
        assert session.execute(select(PlanAssignment.source).order_by(PlanAssignment.assigned_at)
                               ).scalars().all() == ["Consumer", "Bulk: Residential"]
    dialog.resize(1280, 800)
    dialog.grab().save("/tmp/tariffs_assign_plan.png")
