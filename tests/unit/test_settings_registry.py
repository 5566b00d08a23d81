"""The settings registry: declarations, validation messages, JSON round trips, cross rules."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from app.domain.cash.drawer import Denomination
from app.domain.core import settings as registry
from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.numbering import format_number
from app.domain.core.setting_kinds import (
    REGISTRY,
    SECTIONS,
    BooleanKind,
    ChoiceKind,
    DecimalKind,
    IntegerKind,
    MoneyKind,
    StringListKind,
    TextKind,
)
from app.domain.core.settings import (
    Settings,
    default,
    from_json,
    sections,
    specs_in,
    to_json,
    validate,
)
from app.domain.core.settings_catalog import DisconnectionReason, GatewayStatusMapping, SlaTarget

DEFAULTS = Settings.defaults()


def rule_of(key: str, value: object) -> str:
    """The rule broken by value; asserts the error names the setting's visible label."""
    with pytest.raises(ValidationError) as caught:
        validate(key, value)
    assert caught.value.field == REGISTRY[key].label
    return caught.value.rule


def changes_rule(changes: dict[str, object], named: str) -> str:
    with pytest.raises(ValidationError) as caught:
        DEFAULTS.with_changes(changes)
    assert caught.value.field == REGISTRY[named].label
    return caught.value.rule


def json_round_trip(key: str, value: object) -> object:
    return from_json(key, json.loads(json.dumps(to_json(key, value))))


# the registry ------------------------------------------------------------------

def test_every_section_in_display_order_and_every_spec_declared_properly():
    assert sections() == list(SECTIONS)
    assert [s.key for section in sections() for s in specs_in(section)] == sorted(
        REGISTRY, key=lambda k: (SECTIONS.index(REGISTRY[k].section), list(REGISTRY).index(k)))
    labels = [spec.label for spec in REGISTRY.values()]
    assert len(labels) == len(set(labels)), "labels are accessible names: unique"
    for key, spec in REGISTRY.items():
        assert key == spec.key and "." in key and spec.help.strip()
    assert dataclasses.is_dataclass(REGISTRY["general.currency"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["general.currency"].default = "USD"  # type: ignore[misc]


def test_defaults_validate_unchanged_and_are_consistent():
    for key, spec in REGISTRY.items():
        assert validate(key, spec.default) == spec.default == default(key)
    registry.check_consistency(DEFAULTS.values)


def test_spec_examples_are_the_defaults():
    assert DEFAULTS.utility_name == "Sunrise Utilities"
    assert (DEFAULTS.currency, DEFAULTS.locale) == ("INR", "en_IN")
    assert DEFAULTS.channels[0] == DEFAULTS.default_channel == "Walk-in"
    assert "Online Banking" in DEFAULTS.payment_modes
    assert DEFAULTS.overpayment_threshold == Money("500.00", "INR")
    assert DEFAULTS.credit_note_expiry_days == 365
    assert DEFAULTS.number_start("receipt") == 5001
    assert DEFAULTS.number_start("credit_note") == 46129
    assert DEFAULTS.number_start("invoice") == 414013
    assert DEFAULTS.get("numbering.lease_block_size") == 100
    assert DEFAULTS.get("numbering.low_water_mark") == 20
    assert DEFAULTS.disconnection_reasons[0] == DisconnectionReason(
        "NP-001", "Non-payment of bills", "High",
        "Customer has outstanding balance exceeding 90 days", True, None)
    assert DEFAULTS.sla_target("Disconnection") == SlaTarget(
        "Disconnection", Decimal(2), Decimal(4), Decimal(24))
    assert DEFAULTS.business_hours == (time(8), time(18))
    assert [DEFAULTS.escalation_hours(s) for s in ("Critical", "High", "Medium", "Low")] == [
        4, 24, 72, 168]
    assert len(DEFAULTS.closure_checklist) == DEFAULTS.checklist_minimum == 6
    assert DEFAULTS.get("consumption.high_percent") == Decimal(150)
    assert DEFAULTS.denominations()[0] == Denomination(Decimal(500), "note")
    assert DEFAULTS.denominations("USD")[-1] == Denomination(Decimal("0.01"), "coin")


def test_stripe_status_mappings_follow_the_spec_table():
    assert DEFAULTS.get("payments.stripe_payment_statuses") == (
        GatewayStatusMapping("Succeeded", "In Settlement", "In Progress"),
        GatewayStatusMapping("Failed", "Failed", "N/A"),
        GatewayStatusMapping("Pending", "Not Confirmed", "N/A"))
    assert DEFAULTS.get("payments.stripe_settlement_statuses") == (
        GatewayStatusMapping("Created", "In Settlement", "In Progress"),
        GatewayStatusMapping("Paid", "Settled", "Success"),
        GatewayStatusMapping("Failed", "Keep previous", "Failed"))


# JSON --------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_default_round_trips_through_json_exactly(key):
    value = default(key)
    back = json_round_trip(key, value)
    assert back == value and type(back) is type(value)
    assert to_json(key, back) == to_json(key, value)


def test_json_forms_are_json_safe_strings_for_decimals():
    assert to_json("payments.overpayment_threshold", Decimal("500.00")) == "500.00"
    assert to_json("sla.targets", DEFAULTS.get("sla.targets"))[0]["resolution_hours"] == "24"
    reasons = to_json("disconnections.reasons", DEFAULTS.disconnection_reasons)
    assert reasons[0]["approval_threshold"] is None and reasons[0]["requires_approval"] is True


def _strategy(kind):
    text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    if isinstance(kind, IntegerKind):
        return st.integers(kind.minimum, kind.maximum)
    if isinstance(kind, DecimalKind):
        low, high = kind.minimum or kind.above or 0, kind.maximum or kind.below or 10**6
        return st.decimals(low, high, places=kind.places)
    if isinstance(kind, MoneyKind):
        return st.integers(0, 3).flatmap(lambda places: st.decimals(0, 10**9, places=places))
    if isinstance(kind, BooleanKind):
        return st.booleans()
    if isinstance(kind, ChoiceKind):
        return st.sampled_from(kind.options)
    if isinstance(kind, TextKind) and kind.rule is None:
        return text
    if isinstance(kind, StringListKind) and not (kind.item_rule or kind.list_rule):
        return st.lists(text, min_size=kind.min_items, max_size=min(kind.max_items, 6))
    return None


GENERATED = [(key, s) for key, spec in REGISTRY.items() if (s := _strategy(spec.kind)) is not None]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_valid_value_round_trips_through_json_exactly(data):
    key, strategy = data.draw(st.sampled_from(GENERATED))
    try:
        value = validate(key, data.draw(strategy))
    except ValidationError:
        assume(False)
    back = json_round_trip(key, value)
    assert back == value and to_json(key, back) == to_json(key, value)


def test_settings_store_and_load_exactly_and_ignore_unknown_keys():
    changed = DEFAULTS.with_changes({"general.currency": "USD", "general.locale": "en_US",
                                     "payments.overpayment_threshold": "25.50"})
    stored = json.loads(json.dumps(changed.to_stored()))
    assert Settings.from_stored(stored | {"retired.setting": 1}) == changed
    assert changed.overpayment_threshold == Money("25.50", "USD")
    with pytest.raises(TypeError):
        changed.values["general.currency"] = "INR"  # type: ignore[index]


# validation of each kind --------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "rule"), [
    ("general.utility_name", "   ", "must not be empty"),
    ("general.utility_name", "x" * 81, "must be at most 80 characters"),
    ("general.utility_name", 12, "must be text"),
    ("general.time_zone", "Kolkata time", "must be a time zone name"),
    ("payments.notes_max_length", 0, "must be at least 1"),
    ("payments.notes_max_length", True, "must be a whole number"),
    ("credit_notes.expiry_days", 3651, "must be at most 3650"),
    ("billing.completed_cycle_retention_months", 12, "must be at least 18"),
    ("dashboard.trend_highlight_percent", "100.5", "must be at most 100"),
    ("dashboard.trend_highlight_percent", "5.125", "must have at most 2 decimal places"),
    ("dashboard.trend_highlight_percent", 5.0, "must be a number"),
    ("payments.overpayment_threshold", "-0.01", "must not be negative"),
    ("payments.overpayment_threshold", 500.0, "must be an amount"),
    ("payments.overpayment_threshold", "five", "must be an amount"),
    ("printing.cut_paper", "yes", "must be yes or no"),
    ("general.currency", "XYZ", "must be one of: AED"),
    ("printing.paper_width_mm", 70, "must be one of: 58, 80"),
    ("payments.modes", [], "must have at least one entry"),
    ("payments.modes", "Cash", "must be a list"),
    ("payments.modes", ["Cash", " cash "], '"cash" is listed twice'),
    ("payments.modes", ["Cash", "  "], "entry 2 must not be empty"),
    ("payments.modes", ["Cash", "Ca\tsh"], "entry 2 must not contain a tab or other control character"),
    ("credit_notes.reasons", ["Billing Error"], "must include Overpayment"),
    ("consumption.low_percent", 100, "must be less than 100"),
    ("consumption.low_percent", 0, "must be more than 0"),
    ("consumption.high_percent", 100, "must be more than 100"),
    ("printing.printer_url", "http://printer", "must start with tcp://, usb://"),
    ("printing.printer_url", "tcp://10.0.0.5", "must be tcp://host:port"),
    ("printing.printer_url", "usb://04b8", "must be usb://VID:PID"),
    ("printing.printer_url", "serial:///dev/ttyUSB0?baud=1234", "must be serial://"),
    ("printing.printer_url", "file://relative", "must be file:///path"),
])
def test_each_kind_names_its_label_and_rule(key, value, rule):
    assert rule in rule_of(key, value)


def test_values_are_normalised():
    assert validate("payments.modes", [" Cash ", "UPI"]) == ("Cash", "UPI")
    assert validate("payments.overpayment_threshold", "1E+2") == Decimal(100)
    assert str(validate("payments.overpayment_threshold", "1E+2")) == "100"
    assert validate("payments.notes_max_length", " 300 ") == 300
    assert validate("general.utility_name", "  Bright Water  ") == "Bright Water"


@pytest.mark.parametrize("url", [
    "", "tcp://192.168.1.50:9100", "usb://04b8:0202", "serial:///dev/ttyUSB0?baud=19200",
    "serial://COM3", "file:///tmp/receipts.bin",
])
def test_printer_addresses_the_counter_uses(url):
    assert validate("printing.printer_url", url) == url


def test_record_lists_name_the_row_and_field():
    reason = {"code": "NP-002", "reason": "Unpaid", "priority": "High",
              "description": "Dues", "requires_approval": False}
    key = "disconnections.reasons"
    assert validate(key, [reason])[0].approval_threshold is None
    assert rule_of(key, [reason | {"code": ""}]) == "row 1, Code: must not be empty"
    assert rule_of(key, [reason | {"code": "np 2"}]).startswith("row 1, Code: must be capital")
    assert rule_of(key, [reason | {"priority": "Urgent"}]).startswith("row 1, Priority: must be one of")
    assert rule_of(key, [reason, reason]) == '"NP-002" is listed twice'
    assert rule_of(key, [reason | {"approval_threshold": "1000"}]) == (
        "row 1: an approval threshold needs Requires approval")
    assert rule_of(key, [reason | {"colour": "red"}]) == "row 1 has unknown fields: colour"
    assert rule_of(key, [reason | {"requires_approval": "no"}]) == (
        "row 1, Requires approval: must be yes or no")
    approved = validate(key, [reason | {"requires_approval": True, "approval_threshold": "1000"}])
    assert approved[0].approval_threshold == Decimal(1000)


# rules the specs and the brief single out --------------------------------------------

def test_default_channel_must_be_one_of_the_channels():
    assert DEFAULTS.with_changes({"payments.default_channel": "Kiosk"}).default_channel == "Kiosk"
    assert changes_rule({"payments.default_channel": "Drive-through"},
                        "payments.default_channel") == "must be one of the payment channels"
    assert changes_rule({"payments.channels": ["Online Portal", "Kiosk"]},
                        "payments.default_channel") == "must be one of the payment channels"


@pytest.mark.parametrize(("series", "on", "seq", "number"), [
    ("receipt", date(2025, 4, 20), 5001, "R-5001"),
    ("payment", date(2025, 4, 20), 4521, "PAY-2025-004521"),
    ("transaction", date(2025, 4, 20), 8934, "TXN-2025-008934"),
    ("credit_note", date(2025, 4, 20), 46129, "CN-46129"),
    ("invoice", date(2024, 12, 15), 414013, "INV-414013"),
    ("disconnection_request", date(2024, 12, 10), 1234, "DIS-2024-001234"),
    ("service_order", date(2024, 12, 10), 5678, "SO-2024-005678"),
    ("payment_plan", date(2025, 4, 15), 34, "PP-2025-0034"),
])
def test_number_formats_give_the_spec_numbers(series, on, seq, number):
    assert format_number(DEFAULTS.number_format(series), seq, on) == number
    assert set(DEFAULTS.number_formats) == set(registry._catalog.SERIES)


@pytest.mark.parametrize(("template", "rule"), [
    ("R-", "must contain {seq}"),
    ("R-{seq}-{seq}", "must contain {seq}"),
    ("R-{branch}-{seq}", "{branch}"),
    ("R-{seq:x}", "{seq:06}"),
    ("R-{yyyy:04}-{seq}", "{yyyy} takes no format"),
    ("R-{seq", "braces"),
])
def test_number_format_rules(template, rule):
    assert rule in rule_of("numbering.receipt.format", template)
    assert validate("numbering.receipt.format", "RCPT/{yy}{mm}/{seq:05}") == "RCPT/{yy}{mm}/{seq:05}"


def test_low_water_mark_must_be_below_the_block_size():
    assert changes_rule(
        {"numbering.low_water_mark": 100}, "numbering.low_water_mark") == "must be less than the number block size (100)"


def test_time_slots_are_two_hour_blocks_in_a_day_without_overlap():
    key = "disconnections.time_slots"
    assert validate(key, ["14:00-16:00", "08:00-10:00"]) == ("08:00-10:00", "14:00-16:00")
    assert rule_of(key, ["08:00-09:00"]) == '"08:00-09:00" must be 2 hours long, e.g. 08:00-10:00'
    assert rule_of(key, ["08:00-10:00", "09:00-11:00"]) == "08:00-10:00 and 09:00-11:00 overlap"
    assert "must end after it starts" in rule_of(key, ["23:00-01:00"])
    assert "must be written HH:MM-HH:MM" in rule_of(key, ["8-10"])
    assert "from 00:00 to 23:59" in rule_of(key, ["24:00-26:00"])
    assert "must end after it starts" in rule_of("dashboard.business_hours", "18:00-08:00")


def test_checklist_minimum_is_between_one_and_the_number_of_items():
    named = "disconnections.checklist_minimum"
    assert rule_of(named, 0) == "must be at least 1"
    assert changes_rule({named: 7}, named) == "must be at most the number of checklist items (6)"
    four = list(DEFAULTS.closure_checklist[:4])
    assert "(4)" in changes_rule({"disconnections.closure_checklist": four}, named)
    assert DEFAULTS.with_changes({"disconnections.closure_checklist": four, named: 4})


def test_sla_targets_are_ordered_and_cover_both_request_types():
    key = "sla.targets"
    row = {"request_type": "Disconnection", "acknowledgement_hours": "2",
           "response_hours": "4", "resolution_hours": "24"}
    other = row | {"request_type": "Reconnection"}
    assert validate(key, [row, other | {"acknowledgement_hours": "1.5"}])[1].acknowledgement_hours \
        == Decimal("1.5")
    assert rule_of(key, [row | {"acknowledgement_hours": "5"}, other]) == (
        "row 1: acknowledgement must not take longer than response")
    assert rule_of(key, [row, other | {"resolution_hours": "3"}]) == (
        "row 2: response must not take longer than resolution")
    assert rule_of(key, [row | {"response_hours": "0"}, other]) == (
        "row 1, Response (hours): must be more than 0")
    assert rule_of(key, [row]) == "must have a row for Reconnection"


def test_escalation_hours_increase_as_severity_decreases():
    key = "exceptions.escalation_hours"
    rows = [{"severity": s, "hours": h} for s, h in
            (("Critical", 4), ("High", 24), ("Medium", 24), ("Low", 168))]
    assert rule_of(key, rows) == "Medium must allow more hours than High"
    assert rule_of(key, rows[:3]).startswith("must have one row for each of Critical")


def test_money_settings_fit_the_currency():
    assert DEFAULTS.with_changes({"general.currency": "USD"}).currency == "USD"
    assert DEFAULTS.with_changes({"general.currency": "KWD",
                                  "counter.denominations": [{"currency": "KWD", "value": "0.005",
                                                             "kind": "coin"}]})
    assert changes_rule({"payments.overpayment_threshold": "500.50", "general.currency": "JPY"},
                        "payments.overpayment_threshold") == (
        "500.50 has more decimal places than JPY allows")
    assert rule_of("counter.denominations", [{"currency": "INR", "value": "0.005",
                                              "kind": "coin"}]).startswith("row 1: 0.005")


def test_cash_rules_across_settings():
    assert changes_rule({"general.currency": "EUR"}, "counter.denominations") == (
        "must list the notes and coins of EUR")
    assert changes_rule({"counter.variance_supervisor_threshold": "0.50"},
                        "counter.variance_supervisor_threshold") == (
        "must be at least the cash variance needing a reason")


def test_service_order_templates_use_known_consumer_categories():
    assert changes_rule({"general.consumer_categories": ["Residential", "Commercial"]},
                        "service_orders.templates") == (
        '"Industrial" is not one of the consumer categories')


def test_catalog_imports_first_and_the_domain_stays_pure():
    code = ("import sys, app.domain.core.settings_catalog as c, app.domain.core.settings as s;"
            "assert len(s.REGISTRY) > 60;"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'sqlalchemy', 'httpx', 'babel')];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
