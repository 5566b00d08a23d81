"""A Payments KPI card drills down by method and by day or week; Enter on a slice shows its
payments in the list; closing records metric_drilldown with the depth reached and time spent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.models.system import UsageEvent
from app.views.payments.drilldown import MetricDrilldownDialog
from tests.gui.helpers import find
from tests.gui.payments_helpers import drain, open_payments, pay
from tests.payment_fixtures import actor


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "nothing has the focus"
    qtbot.keyClick(target, key, modifier)


def _events(runtime) -> list[dict]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(UsageEvent.properties).where(
            UsageEvent.event == "metric_drilldown").order_by(UsageEvent.id)).scalars())


def _open(qtbot, page, title: str) -> MetricDrilldownDialog:
    button = find(page, f"Details: {title}")
    button.setFocus()
    _press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.findChild(MetricDrilldownDialog) is not None)
    dialog = page.findChild(MetricDrilldownDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: dialog.breakdown is not None)
    return dialog


def test_drill_from_total_collected_to_the_cash_payments(qtbot, runtime, services, sample, cashier):
    pay(services, cashier, sample)
    pay(services, cashier, sample, item_id=sample.bill_mary, consumer_id=sample.mary,
        amount=Decimal("80.00"), method="Cheque", method_details={"cheque_no": "000123",
                                                                  "bank": "First Bank",
                                                                  "cheque_date": "2025-04-20"})
    manager = actor(runtime, "manager")
    _window, page = open_payments(qtbot, services, manager)
    dialog = _open(qtbot, page, "Total Collected")
    assert "$225.50 from 2 payments, 01/04/2025 – 20/04/2025" in dialog.heading.text()
    methods = [[dialog.methods.item(r, c).text() for c in range(3)] for r in range(dialog.methods.rowCount())]
    assert methods == [["Cash", "1", "$145.50"], ["Cheque", "1", "$80.00"]]
    assert dialog.periods.rowCount() == 20  # April 1 to today, the 20th
    dialog.period.setCurrentText("Week")
    qtbot.waitUntil(lambda: dialog.periods.rowCount() == 3)  # from Tuesday 1-6, 7-13, 14-20
    assert dialog.periods.item(0, 0).text() == "01/04/2025 – 06/04/2025"
    runtime.app.clock.advance(timedelta(seconds=42))
    assert QApplication.focusWidget() is dialog.period
    _press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.methods
    _press(qtbot, Qt.Key.Key_Return)  # the first method, Cash: its payments in the list
    qtbot.waitUntil(lambda: not dialog.isVisible())
    tab = page.landing.payments
    assert (tab.filter.method, tab.filter.date_from, tab.filter.date_to) == (
        "Cash", date(2025, 4, 1), date(2025, 4, 20))
    qtbot.waitUntil(lambda: tab.count_label.text() == "1 payment")
    drain()
    qtbot.waitUntil(lambda: len(_events(runtime)) == 1)
    assert _events(runtime) == [{"source_metric": "total_collected", "target_detail": "method:Cash",
                                 "analysis_depth": 2, "time_spent": 42}]


def test_closing_at_the_breakdown_records_depth_one(qtbot, runtime, services, sample, cashier):
    pay(services, cashier, sample)
    _window, page = open_payments(qtbot, services, cashier)
    dialog = _open(qtbot, page, "Received Today")
    assert dialog.periods.rowCount() == 1
    _press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    drain()
    qtbot.waitUntil(lambda: len(_events(runtime)) == 1)
    assert _events(runtime)[0] == {"source_metric": "received_today", "target_detail": "breakdown",
                                   "analysis_depth": 1, "time_spent": 0}


def test_a_channel_slice_filters_the_list_by_channel_until_cleared(qtbot, runtime, services, sample,
                                                                   cashier):
    pay(services, cashier, sample)
    _window, page = open_payments(qtbot, services, actor(runtime, "manager"))
    dialog = _open(qtbot, page, "Total Collected")
    assert [dialog.channels.item(0, c).text() for c in range(3)] == ["Walk-in", "1", "$145.50"]
    dialog.channels.setFocus()
    dialog.channels.setCurrentCell(0, 0)
    _press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    tab = page.landing.payments
    assert tab.filter.channel == "Walk-in" and tab.channel_note.text() == "Channel: Walk-in"
    qtbot.waitUntil(lambda: tab.count_label.text() == "1 payment")
    assert services.payments.count_payments(cashier, replace(tab.filter, channel="Online")) == 0
    tab.clear.click()
    assert tab.filter.channel is None and not tab.channel_note.isVisible()
    drain()
    qtbot.waitUntil(lambda: len(_events(runtime)) == 1)
    assert _events(runtime)[0]["target_detail"] == "channel:Walk-in"
