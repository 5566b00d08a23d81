"""Each Payments KPI card says how it changed against the month before (Received Today: against
yesterday), coloured by the dashboard's one good/bad rule: more collected is good news, a longer
collection time bad news."""

from __future__ import annotations

from decimal import Decimal

from app.views.dashboard.cards import GREEN, GREY, RED
from app.views.payments.kpi_cards import KpiCard


def shown(card: KpiCard) -> tuple[str, str]:
    return card.change.text(), card.change.styleSheet()


def test_the_change_and_its_colour_follow_which_way_is_good(qtbot):
    card = KpiCard("Avg Collection Time")
    qtbot.addWidget(card)
    assert card.change.accessibleName() == "Avg Collection Time change"
    card.show_change("avg_collection_time", Decimal("12.7"), Decimal("10.0"), "March 2025")
    assert shown(card) == ("▲ +27.0% vs March 2025", f"color: {RED};")  # slower: bad news
    card.show_change("avg_collection_time", Decimal("8.0"), Decimal("10.0"), "March 2025")
    assert shown(card) == ("▼ -20.0% vs March 2025", f"color: {GREEN};")
    card.show_change("total_collected", Decimal("90.00"), Decimal("100.00"), "March 2025")
    assert shown(card) == ("▼ -10.0% vs March 2025", f"color: {RED};")  # less collected
    card.show_change("received_today", Decimal("5.00"), Decimal("5.00"), "yesterday")
    assert shown(card) == ("■ 0.0% vs yesterday", f"color: {GREY};")
    card.show_change("collection_rate", Decimal("82.3"), Decimal("80.0"), "March 2025")
    assert shown(card) == ("▲ +2.30% vs March 2025", f"color: {GREEN};")  # points, for a rate
    card.show_change("collection_rate", None, Decimal("80.0"), "March 2025")
    assert shown(card) == ("No figure for March 2025 to compare with", f"color: {GREY};")
