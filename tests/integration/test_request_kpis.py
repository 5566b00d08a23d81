"""The landing page's KPI cards for a chosen month, with the month before beside them."""

from __future__ import annotations

from datetime import date, timedelta

from app.services.requests import RequestDraft
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)


def raise_on(runtime, services, consumer_id, reason, day):
    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, consumer_id)
    return services.requests.create_request(cashier, RequestDraft(consumer_id, reason, day, "10:00-12:00"))


def test_a_chosen_month_and_the_month_before(runtime, services):
    world = build_requests_world(runtime, services)
    raise_on(runtime, services, world.smith, "NP-001", date(2025, 4, 21))  # the clock: April 20
    runtime.app.clock.advance(timedelta(days=15))
    raise_on(runtime, services, world.inactive, "RC-001", date(2025, 5, 6))
    recovery = actor(runtime, "recovery")
    may = services.requests.month_kpis(recovery, MAY)
    assert may.current.month == MAY and may.previous.month == APRIL
    assert (may.current.pending_disconnections, may.current.pending_reconnections) == (0, 1)
    assert (may.previous.pending_disconnections, may.previous.pending_reconnections) == (1, 0)
    assert services.requests.month_kpis(recovery).current == may.current  # this month by default
    april = services.requests.month_kpis(recovery, date(2025, 4, 17))  # any day names its month
    assert april.current == may.previous and april.previous.month == date(2025, 3, 1)
    assert april.previous.pending_disconnections == 0
    january = services.requests.month_kpis(recovery, date(2025, 1, 9))
    assert january.previous.month == date(2024, 12, 1)  # across the year
