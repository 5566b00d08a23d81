"""Texts a service stores for people keep their facts neutral (ISO days and moments, "45.50 USD")
and are written as the settings say when they are shown (`Formats.text`)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.formatting import Formats

CHICAGO = Formats("MM/dd/yyyy", "America/Chicago", "en_US", "USD")
DAY_FIRST = Formats("dd/MM/yyyy", "America/Chicago", "en_US", "USD")


def test_days_amounts_and_moments_follow_the_settings():
    stored = ("Plan created: 3 monthly installments of 45.50 USD from 2026-12-01; "
              "down payment 10.00 USD due 2026-11-22")
    assert CHICAGO.text(stored) == ("Plan created: 3 monthly installments of $45.50 from 12/01/2026; "
                                    "down payment $10.00 due 11/22/2026")
    assert DAY_FIRST.text(stored).endswith("from 01/12/2026; down payment $10.00 due 22/11/2026")
    # a moment with its offset is shown on the utility's clock, not in UTC
    assert CHICAGO.text("2026-11-22T22:30+00:00 jsmith: Assign") == "11/22/2026 4:30\u202fPM jsmith: Assign"


def test_what_is_not_a_neutral_fact_is_left_as_written():
    for text in ("INV-2026-000123", "PP-2025-0034", "2026-13-45", "12 INR", "Apr 15, 2025", "v1.0",
                 "WU-10002", "SO-2026-11-0007", ""):
        assert CHICAGO.text(text) == text
    # a preferred day with its time slot: the day follows the setting, the slot stays
    assert CHICAGO.text("2026-11-24 09:00-12:00") == "11/24/2026 09:00-12:00"
    assert CHICAGO.text(None) == ""


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_iso_day_is_written_in_the_setting(day):
    assert DAY_FIRST.text(f"due {day.isoformat()}.") == f"due {day:%d/%m/%Y}."
