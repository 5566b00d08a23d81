"""The disconnection story's rules: SLA with an injected clock, settlement, the create form,
meters, service orders and the closure checklist."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.requests.execution import (
    METER_NOT_LINKED,
    SO_NOT_APPLICABLE,
    Checklist,
    LinkedMeter,
    OrderFacts,
    can_execute,
    check_service_order,
    meter_by_device,
    meter_by_number,
)
from app.domain.requests.form import (
    PAST_DATE,
    ReasonChoice,
    action_button_label,
    check_notes,
    check_preferred_date,
    check_reason,
    check_time_slot,
    is_text_only,
    needs_approval,
)
from app.domain.requests.settlement import (
    CLEARED,
    PAYABLE,
    REFUND_DUE,
    outstanding_of,
    settle,
    use_in_bill_by_default,
)
from app.domain.requests.sla import BREACHED, ON_TRACK, SlaHours, due_at, remaining_text, sla_status

USD = "USD"
TARGETS = SlaHours(Decimal(2), Decimal(4), Decimal(24))
CREATED = datetime(2024, 12, 10, 14, 30, tzinfo=UTC)  # 09:30 AM in Springfield (UTC-5)


def usd(text: str) -> Money:
    return Money.of(text, USD)


# SLA (AC008, AC009) -------------------------------------------------------------------------

def test_the_spec_sample_sla_is_on_track_with_18_hours_45_minutes_left():
    sla = sla_status(TARGETS, created_at=CREATED, now=CREATED + timedelta(hours=5, minutes=15),
                     acknowledged_at=CREATED + timedelta(hours=1, minutes=30))
    assert sla.due_at == datetime(2024, 12, 11, 14, 30, tzinfo=UTC)  # Dec 11 09:30 AM local
    assert sla.status == ON_TRACK
    assert sla.remaining_text == "18 hours 45 minutes"
    ack, response, resolution = sla.metrics
    assert ack.achieved_hours == Decimal("1.50") and ack.achieved_text == "1.50 hours"
    assert response.achieved_text == "Pending" and resolution.achieved_text == "Pending"


def test_due_is_creation_plus_the_resolution_target_even_with_fractions():
    assert due_at(CREATED, SlaHours(Decimal(1), Decimal(2), Decimal("36.5"))) == \
        CREATED + timedelta(hours=36, minutes=30)


def test_a_late_acknowledgement_breaches_before_the_due_time():
    sla = sla_status(TARGETS, created_at=CREATED, now=CREATED + timedelta(hours=3),
                     acknowledged_at=CREATED + timedelta(hours=2, minutes=1))
    assert sla.status == BREACHED and sla.time_remaining == timedelta(hours=21)


def test_an_unacknowledged_request_breaches_once_the_acknowledgement_target_passes():
    assert sla_status(TARGETS, created_at=CREATED, now=CREATED + timedelta(hours=2)).status == ON_TRACK
    assert sla_status(TARGETS, created_at=CREATED,
                      now=CREATED + timedelta(hours=2, seconds=36)).status == BREACHED


def test_past_due_is_breached_and_says_overdue():
    sla = sla_status(TARGETS, created_at=CREATED, now=CREATED + timedelta(hours=26, minutes=5),
                     acknowledged_at=CREATED + timedelta(hours=1),
                     responded_at=CREATED + timedelta(hours=3))
    assert sla.status == BREACHED
    assert sla.remaining_text == "Overdue by 2 hours 5 minutes"


def test_the_clock_stops_at_resolution_and_on_hold_time_is_not_paused():
    resolved = CREATED + timedelta(hours=20)
    sla = sla_status(TARGETS, created_at=CREATED, now=CREATED + timedelta(days=10),
                     acknowledged_at=CREATED + timedelta(hours=1),
                     responded_at=CREATED + timedelta(hours=3), resolved_at=resolved)
    assert sla.status == ON_TRACK and sla.time_remaining == timedelta(hours=4)
    assert sla.metrics[2].achieved_hours == Decimal("20.00")


@given(st.integers(min_value=0, max_value=100 * 3600))
def test_remaining_plus_elapsed_is_always_the_resolution_target(seconds):
    now = CREATED + timedelta(seconds=seconds)
    sla = sla_status(TARGETS, created_at=CREATED, now=now, acknowledged_at=CREATED,
                     responded_at=CREATED)
    assert sla.time_remaining + (now - CREATED) == timedelta(hours=24)
    assert (sla.status == BREACHED) == (seconds > 24 * 3600)


def test_remaining_text_singular():
    assert remaining_text(timedelta(hours=1, minutes=1)) == "1 hour 1 minute"


def test_a_long_overdue_request_says_days_not_thousands_of_hours():
    assert remaining_text(-timedelta(hours=17071)) == "Overdue by 711 days 7 hours"
    assert remaining_text(timedelta(hours=47, minutes=59)) == "47 hours 59 minutes"
    assert remaining_text(-timedelta(days=2)) == "Overdue by 2 days 0 hours"
    assert remaining_text(timedelta(days=3, hours=1)) == "3 days 1 hour"


# settlement (AC012, AC013) -------------------------------------------------------------------

def test_the_spec_sample_settlement():
    outstanding = outstanding_of(usd("906.78"), usd("450.00"))
    assert outstanding == usd("456.78")
    settlement = settle(outstanding, usd("200.00"))
    assert settlement.use_in_bill is True
    assert settlement.deposit_applied == usd("200.00")
    assert settlement.net == usd("256.78") and settlement.status == PAYABLE


def test_off_leaves_the_deposit_untouched_and_a_larger_deposit_is_a_refund():
    assert settle(usd("456.78"), usd("200.00"), use_in_bill=False).net == usd("456.78")
    refund = settle(usd("120.00"), usd("200.00"))
    assert refund.net == usd("-80.00") and refund.status == REFUND_DUE


def test_nothing_outstanding_is_cleared_and_the_toggle_starts_off():
    settlement = settle(usd("0.00"), usd("200.00"))
    assert settlement.use_in_bill is False and settlement.outstanding_status == CLEARED
    assert settlement.net == usd("0.00")
    assert settlement.toggled(True).net == usd("-200.00")


@given(st.decimals(min_value=-1000, max_value=10**6, places=2),
       st.decimals(min_value=0, max_value=10**5, places=2), st.booleans())
def test_net_is_outstanding_minus_what_is_applied(outstanding, deposit, on):
    s = settle(usd(str(outstanding)), usd(str(deposit)), on)
    assert s.net + s.deposit_applied == s.outstanding
    assert s.deposit_applied.amount in (Decimal(0), deposit)
    assert use_in_bill_by_default(usd(str(outstanding))) == (outstanding > 0)


# the create form (AC004, AC005, AC006) -------------------------------------------------------

def test_past_dates_are_refused_in_the_spec_words_and_today_is_allowed():
    today = date(2024, 12, 10)
    with pytest.raises(ValidationError) as refused:
        check_preferred_date(date(2024, 12, 9), today)
    assert refused.value.field == "Preferred date" and refused.value.rule == PAST_DATE
    assert check_preferred_date(today, today) == today
    with pytest.raises(ValidationError, match="is required"):
        check_preferred_date(None, today)


def test_only_configured_slots():
    slots = ("08:00-10:00", "10:00-12:00")
    assert check_time_slot("10:00-12:00", slots) == "10:00-12:00"
    with pytest.raises(ValidationError, match="09:00-11:00 is not one of the configured slots"):
        check_time_slot("09:00-11:00", slots)


def test_notes_at_most_250_characters():
    assert check_notes("x" * 250) == "x" * 250
    with pytest.raises(ValidationError, match="at most 250 characters \\(251 given\\)"):
        check_notes("x" * 251)


@pytest.mark.parametrize("text", ["Customer requested morning slot due to work schedule",
                                  "Flat 4B, call (555) 123-4567 → ask for Ravi; ₹ dues",
                                  "Line one\nLine two", "मीटर बाहर है"])
def test_text_only_accepts_any_script_punctuation_and_line_breaks(text):
    assert is_text_only(text)


@pytest.mark.parametrize("text", ["bell\x07", "zero\u200bwidth", "bidi\u202eevil", "<b>bold</b>",
                                  "<script>alert(1)</script>"])
def test_text_only_refuses_control_characters_and_markup(text):
    with pytest.raises(ValidationError, match="must be text only"):
        check_notes(text)


REASONS = (ReasonChoice("NP-001", "Non-payment of bills", "High", "90 days", True, Decimal("100")),
           ReasonChoice("CR-001", "Customer request", "Medium", "asked", False))


def test_reasons_come_from_settings_and_approval_follows_the_threshold():
    assert check_reason("NP-001", REASONS).priority == "High"
    with pytest.raises(ValidationError, match="Reason: XX-1 is not one of the configured reasons"):
        check_reason("XX-1", REASONS)
    assert needs_approval(REASONS[0], Decimal("456.78"))
    assert not needs_approval(REASONS[0], Decimal("99.99"))
    assert not needs_approval(REASONS[1], Decimal("10000"))


@pytest.mark.parametrize(("status", "label"), [("Pending", "Acknowledge"), ("In progress", "Put on Hold"),
                                               ("In Progress", "Put on Hold"), ("On hold", "Resume"),
                                               ("Completed", None), ("Closed", None)])
def test_the_status_button_toggles(status, label):
    assert action_button_label(status) == label


# meters, service orders and the checklist (AC015, AC016, AC017) -------------------------------

METERS = (LinkedMeter("m1", "EM-1001", "DEV-9001", "Single-phase", "Electricity"),
          LinkedMeter("m2", "WM-2001", "DEV-9002", "Water 15mm", "Water"))


def test_meter_numbers_are_checked_against_the_account_and_fill_the_device():
    assert meter_by_number("em-1001", METERS).device_no == "DEV-9001"
    assert meter_by_device("DEV-9002", METERS).meter_no == "WM-2001"
    for lookup, value in ((meter_by_number, "EM-9999"), (meter_by_device, "DEV-0000")):
        with pytest.raises(ValidationError) as refused:
            lookup(value, METERS)
        assert refused.value.rule == METER_NOT_LINKED


def _order(**changes) -> OrderFacts:
    facts = {"so_no": "SO-2024-005678", "order_type": "Disconnection", "status": "Assigned",
             "consumer_id": "c1", "assigned_to": "Mike Thompson", "approved_by": "Karen Miller",
             "completed_at": None, "scheduled_date": date(2024, 12, 15)}
    return OrderFacts(**(facts | changes))


@pytest.mark.parametrize("order", [_order(consumer_id="c2"), _order(order_type="Reconnection"),
                                   _order(status="Completed"), _order(so_no="SO-1")])
def test_a_service_order_must_be_an_open_disconnection_order_of_this_consumer(order):
    with pytest.raises(ValidationError) as refused:
        check_service_order("SO-2024-005678", "c1", "Disconnection", (order,))
    assert (refused.value.field, refused.value.rule) == ("SO ID", SO_NOT_APPLICABLE)


def test_execute_needs_a_valid_order_and_the_checklist_minimum():
    items = tuple(f"item {n}" for n in range(6))
    checklist = Checklist(items, 6)
    assert checklist.counter_text == "Completion: 0/6 items"
    order = check_service_order("so-2024-005678", "c1", "Disconnection", (_order(),))
    for n, item in enumerate(items):
        assert not can_execute(True, checklist)
        checklist = checklist.with_item(item, True)
        assert checklist.counter_text == f"Completion: {n + 1}/6 items"
    assert can_execute(order is not None, checklist)
    assert not can_execute(False, checklist)
    assert not can_execute(True, checklist.with_item("item 0", False))
    assert Checklist(items, 4, frozenset(items[:4])).complete
