"""The Reconciliation tab: import a statement through the file picker, read the three lists,
resolve a discrepancy with a note; a bad statement lists its problems; gateway events import."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel, QListWidget, QPlainTextEdit, QPushButton
from sqlalchemy import select

from app.models.system import AuditEntry
from app.views.payments import gateway_import, reconciliation_tab
from tests.gui.helpers import click, find, type_into
from tests.gui.payments_helpers import open_payments, pay
from tests.payment_fixtures import actor, build_sample

STATEMENT = """date,reference,amount
2025-04-20,TXN-2025-000001,145.50
2025-04-19,R-5002 JOHN DOE,70.00
2025-04-18,NEFT 99812,999.00
"""


@pytest.fixture
def tab(qtbot, services, runtime):
    sample = build_sample(runtime, services)
    cashier = actor(runtime, "cashier")
    pay(services, cashier, sample, method="Credit Card")
    pay(services, cashier, sample, payment_type="Service", item_id=sample.reconnection,
        method="Bank Transfer", amount=Decimal("75.00"))
    _window, page = open_payments(qtbot, services, actor(runtime, "recovery"))
    page.landing.tabs.setCurrentWidget(page.landing.reconciliation)
    return page.landing.reconciliation


def pick(monkeypatch, module, path) -> None:
    monkeypatch.setattr(module.QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(path), "")))


def test_import_a_statement_and_resolve_a_discrepancy(qtbot, runtime, tab, tmp_path, monkeypatch):
    statement = tmp_path / "april.csv"
    statement.write_text(STATEMENT)
    pick(monkeypatch, reconciliation_tab, statement)
    click(qtbot, find(tab, "Import statement…", QPushButton))
    qtbot.waitUntil(lambda: tab.discrepancies.rowCount() == 1, timeout=3000)
    assert find(tab, "Reconciliation notice", QLabel).text().endswith(
        "3 lines imported · 1 matched · 1 unmatched · 1 discrepancy")
    assert tab.matched.texts(4) == ["R-5001"] and tab.unmatched.texts(2) == ["NEFT 99812"]
    assert [tab.lists.tabText(i) for i in range(3)] == [
        "Matched (1)", "Unmatched (1 open)", "Discrepancies (1 open)"]
    assert tab.lists.currentIndex() == 2
    assert tab.discrepancies.texts(3) == ["$70.00"] and tab.discrepancies.texts(6) == ["$75.00"]
    assert tab.discrepancies.texts(7) == ["-$5.00"]

    tab.discrepancies_table.selectRow(0)
    click(qtbot, find(tab, "Resolve discrepancy…", QPushButton))
    dialog = tab.dialog
    resolve = find(dialog, "Resolve", QPushButton)
    assert not resolve.isEnabled()
    type_into(qtbot, find(dialog, "Resolution note", QPlainTextEdit), "Bank fee deducted")
    click(qtbot, resolve)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: tab.discrepancies.texts(8) == ["Resolved"], timeout=3000)
    assert tab.discrepancies.texts(9) == ["Bank fee deducted"]
    assert tab.lists.tabText(2) == "Discrepancies (0 open)"
    with runtime.app.sessions() as session:
        [note] = session.execute(select(AuditEntry.summary).where(
            AuditEntry.action == "reconciliation_resolved")).scalars().all()
    assert note["note"] == "Bank fee deducted"


def test_a_bad_statement_lists_every_problem(qtbot, tab, tmp_path, monkeypatch):
    statement = tmp_path / "bad.csv"
    statement.write_text("date,reference,amount\n2025-13-01,X,1.00\n2025-04-19,Y,ten\n")
    pick(monkeypatch, reconciliation_tab, statement)
    click(qtbot, find(tab, "Import statement…", QPushButton))
    qtbot.waitUntil(lambda: tab.dialog is not None, timeout=3000)
    problems = find(tab.dialog, "Problems", QListWidget)
    assert [problems.item(i).text() for i in range(problems.count())] == [
        "Line 2, date: is not a real date", "Line 3, amount: must be a number"]
    assert tab.statement.count() == 0


def test_import_gateway_events_shows_a_summary(qtbot, tab, tmp_path, monkeypatch):
    events = tmp_path / "events.json"
    events.write_text(json.dumps([{
        "id": "evt_1", "type": "payment_intent.succeeded", "created": 1744885800,
        "data": {"object": {"id": "pi_1", "amount": 15225, "currency": "usd",
                            "metadata": {"account_no": "WU-10001",
                                         "invoice_no": "INV-2025-001567"}}}}]))
    pick(monkeypatch, gateway_import, events)
    click(qtbot, find(tab, "Import gateway events…", QPushButton))
    qtbot.waitUntil(lambda: tab.gateway.dialog is not None, timeout=3000)
    result = find(tab.gateway.dialog, "Import result", QLabel).text()
    assert "1 created · 0 updated · 0 unchanged · 0 ignored" in result
    assert tab.gateway.dialog.outcomes.texts(4) == ["Posted / In Settlement / In Progress"]
