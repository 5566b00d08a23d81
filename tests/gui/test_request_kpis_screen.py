"""The landing's KPI month picker: the cards follow the chosen month, the month before beside."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QLabel

from app.services.requests import RequestDraft
from tests.gui.helpers import find
from tests.gui.test_disconnections_screens import WAIT_MS, open_disconnections
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world


def test_picking_a_month_shows_its_cards_and_the_month_before(qtbot, runtime, services):
    world = build_requests_world(runtime, services)
    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, world.smith)
    services.requests.create_request(cashier, RequestDraft(world.smith, "NP-001", date(2025, 4, 21),
                                                           "10:00-12:00"))
    runtime.app.clock.advance(timedelta(days=15))  # May 5
    _, page = open_disconnections(qtbot, services, actor(runtime, "recovery"))
    landing = page.landing
    value = find(landing, "Pending disconnections value", QLabel)
    detail = find(landing, "Pending disconnections detail", QLabel)
    qtbot.waitUntil(lambda: detail.text() == "May 2025 · April 2025: 1", timeout=WAIT_MS)
    assert value.text() == "0"
    picker = find(landing, "KPI month", QComboBox)
    assert [picker.itemText(i) for i in range(3)] == ["May 2025", "April 2025", "March 2025"]
    picker.setCurrentIndex(1)
    qtbot.waitUntil(lambda: detail.text() == "April 2025 · March 2025: 0", timeout=WAIT_MS)
    assert value.text() == "1" and landing.kpis.month == date(2025, 4, 1)
