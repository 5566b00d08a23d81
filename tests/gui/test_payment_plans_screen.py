"""The Payment plans tab as a recovery executive uses it: create a plan by typing and watch the
installments, modify it with a reason, and check compliance."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox

from app.services.payments.payment_plans import PaymentPlansService
from tests.gui.helpers import click, find, type_into
from tests.gui.payments_helpers import open_payments
from tests.payment_fixtures import actor, build_sample


def tab_titles(page) -> list[str]:
    tabs = page.landing.tabs
    return [tabs.tabText(i) for i in range(tabs.count())]


def plans_tab(qtbot, services, runtime):
    _window, page = open_payments(qtbot, services, actor(runtime, "recovery"))
    tab = page.landing.plans
    page.landing.tabs.setCurrentWidget(tab)
    return page, tab


def test_only_permitted_roles_see_the_tabs(qtbot, services, runtime):
    build_sample(runtime, services)
    _w, recovery = open_payments(qtbot, services, actor(runtime, "recovery"))
    _w, supervisor = open_payments(qtbot, services, actor(runtime, "supervisor"))
    _w, cashier = open_payments(qtbot, services, actor(runtime, "cashier"))
    assert tab_titles(recovery)[2:] == ["Payment plans", "Reconciliation"]
    assert tab_titles(supervisor)[2:] == ["Reconciliation"]
    assert tab_titles(cashier) == ["All Payments", "Credit Notes"]


def test_create_a_plan_by_typing_and_see_its_installments(qtbot, services, runtime):
    build_sample(runtime, services)
    _page, tab = plans_tab(qtbot, services, runtime)
    click(qtbot, find(tab, "New payment plan…", QPushButton))
    dialog = tab.dialog
    search = find(dialog, "Find consumer", QLineEdit)
    type_into(qtbot, search, "WU-10002")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    outstanding = find(dialog, "Outstanding balance", QLabel)
    qtbot.waitUntil(lambda: outstanding.text() == "$80.00", timeout=3000)
    total, create = find(dialog, "Total amount", QLineEdit), find(dialog, "Create plan", QPushButton)
    assert total.text() == "80.00" and create.isEnabled()

    total.selectAll()
    type_into(qtbot, total, "90")
    assert find(dialog, "Plan terms error", QLabel).text() == (
        "Total amount: cannot exceed the outstanding balance (80.00)")
    assert not create.isEnabled() and dialog.preview.rowCount() == 0
    total.selectAll()
    type_into(qtbot, total, "80")
    type_into(qtbot, find(dialog, "Down payment", QLineEdit), "10")
    count = find(dialog, "Number of installments", QSpinBox)
    count.lineEdit().selectAll()
    type_into(qtbot, count, "3")
    find(dialog, "Frequency", QComboBox).setCurrentText("Weekly")
    assert dialog.preview.texts(0) == ["Down payment", "#1", "#2", "#3"]
    assert dialog.preview.texts(1) == ["20/04/2025", "20/04/2025", "27/04/2025", "04/05/2025"]
    assert dialog.preview.texts(2) == ["$10.00", "$23.33", "$23.33", "$23.34"]
    assert find(dialog, "Plan summary", QLabel).text() == "4 payments, $80.00 in all"

    click(qtbot, create)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: tab.details.details is not None
                    and tab.details.details.plan_no == "PP-2025-0001", timeout=3000)
    assert tab.details.installments.texts(5) == ["Upcoming"] * 4
    assert find(tab, "Plan title", QLabel).text() == "PP-2025-0001 · Mary Major (WU-10002)"
    plan_numbers = [tab.model.row_at(r).plan_no for r in range(tab.model.rowCount())]
    assert "PP-2025-0001" in plan_numbers


def test_modify_with_a_reason_then_check_compliance(qtbot, services, runtime):
    build_sample(runtime, services)
    john_plan = PaymentPlansService(runtime.app).list_plans(actor(runtime, "recovery"))[0]
    _page, tab = plans_tab(qtbot, services, runtime)
    tab.load(john_plan.plan_id)
    qtbot.waitUntil(lambda: tab.modify_button.isEnabled(), timeout=3000)
    click(qtbot, find(tab, "Modify plan…", QPushButton))
    dialog = tab.dialog
    save = find(dialog, "Save changes", QPushButton)
    assert not save.isEnabled()  # the reason is required
    type_into(qtbot, find(dialog, "Reason (required)", QPlainTextEdit), "Customer lost job")
    count = find(dialog, "Number of installments", QSpinBox)
    count.lineEdit().selectAll()
    type_into(qtbot, count, "5")
    assert dialog.preview.texts(0) == ["#4", "#5", "#6", "#7", "#8"]
    assert dialog.preview.texts(2) == ["$40.50"] * 5
    click(qtbot, save)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: tab.details.revisions.rowCount() == 1, timeout=3000)  # the sample's
    # plan was written without a "Plan created" revision; the newest revision is first
    assert "Reason: Customer lost job" in tab.details.revisions.texts(2)[0]

    assert tab.details.installments.texts(1)[0] == "15/05/2025"  # the next due date was kept
    runtime.app.clock.advance(timedelta(days=40))  # May 30: #4 is past its grace period
    click(qtbot, find(tab, "Check compliance", QPushButton))
    qtbot.waitUntil(lambda: tab.dialog is not dialog and tab.dialog is not None, timeout=3000)
    alerts = tab.dialog.alerts
    assert alerts.texts(0) == [john_plan.plan_no] and alerts.texts(2) == ["1"]
    assert alerts.texts(1) == ["John Doe (WU-10001)"]
