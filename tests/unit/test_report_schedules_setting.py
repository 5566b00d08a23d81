"""The reports.schedules setting: its default, its validation messages and its JSON form."""

from __future__ import annotations

from datetime import time

import pytest

from app.domain.core import settings as registry
from app.domain.core.errors import ValidationError
from app.domain.core.settings import Settings, specs_in
from app.domain.core.settings_catalog import ALL_CENTRES, ReportSchedule, parse_clock_time

KEY = "reports.schedules"


def row(**changes: object) -> dict[str, object]:
    return {"name": "Daily collections", "report": "Daily collections summary",
            "centre": ALL_CENTRES, "recipients": ["billing.manager@example.com"],
            "send_at": "07:00", "enabled": True} | changes


def rule_of(*rows: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as caught:
        registry.validate(KEY, list(rows))
    assert caught.value.field == "Scheduled reports"
    return caught.value.rule


def test_default_is_a_daily_collections_summary_for_all_centres_at_seven():
    (schedule,) = Settings.defaults().get(KEY)
    assert schedule == ReportSchedule("Daily collections summary", "Daily collections summary",
                                      ALL_CENTRES, ("billing.manager@example.com",), "07:00", True)
    assert schedule.centre_code is None and schedule.send_time == time(7, 0)
    assert [spec.key for spec in specs_in("Reports")] == [KEY]


def test_valid_rows_round_trip_through_json():
    value = registry.validate(KEY, [row(centre="NSC", recipients=["a@example.com", "b@x.org"],
                                        send_at="18:30", enabled=False)])
    assert value[0].centre_code == "NSC" and value[0].recipients == ("a@example.com", "b@x.org")
    assert registry.from_json(KEY, registry.to_json(KEY, value)) == value
    assert registry.validate(KEY, []) == ()  # no scheduled reports at all is allowed


@pytest.mark.parametrize("address", ["billing.manager", "a@b", "a b@example.com", "@example.com",
                                     "a@example.com; b@example.com"])
def test_a_bad_e_mail_address_is_refused(address):
    assert rule_of(row(recipients=["ok@example.com", address])) == (
        f'row 1, Recipients: "{address}" is not an e-mail address, '
        "e.g. billing.manager@example.com")


def test_recipients_must_not_be_empty_or_repeated():
    assert rule_of(row(recipients=[])) == "row 1, Recipients: must have at least one entry"
    assert "listed twice" in rule_of(row(recipients=["a@example.com", "A@example.com"]))


@pytest.mark.parametrize(("text", "broken"), [
    ("7:00", "must be written HH:MM, e.g. 07:00"),
    ("07.00", "must be written HH:MM, e.g. 07:00"),
    ("24:00", "must be a time from 00:00 to 23:59"),
    ("07:60", "must be a time from 00:00 to 23:59"),
])
def test_a_bad_send_time_is_refused(text, broken):
    assert rule_of(row(send_at=text)) == f"row 1, Send at (HH:MM): {broken}"
    with pytest.raises(ValueError):
        parse_clock_time(text)


def test_other_fields_are_checked():
    assert rule_of(row(centre="all centres")) == (
        "row 1, Service centre: must be a service centre code, e.g. CSC, or All centres")
    assert rule_of(row(report="Weekly")).startswith("row 1, Report: must be one of")
    assert rule_of(row(), row()) == '"Daily collections" is listed twice'
    assert rule_of(row(enabled="yes")) == "row 1, Enabled: must be yes or no"
