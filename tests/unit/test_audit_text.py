"""Audit entries in words: action phrases, human numbers, readable summaries."""

from __future__ import annotations

from datetime import UTC, datetime

from app.formatting import Formats
from app.services.core.audit import AuditRow
from app.views.audit.audit_text import (
    action_words,
    detail_lines,
    moment_text,
    record_number,
    summary_text,
)

AT = datetime(2025, 4, 20, 10, 30, tzinfo=UTC)


def _row(summary: dict, entity_id: str = "020aa12f-6f34-4deb-906b-d3445d41d9d1") -> AuditRow:
    return AuditRow(1, AT, "cashier", "DEV", "payment_recorded", "payment", entity_id, summary)


def test_actions_and_keys_in_words():
    assert action_words("payment_recorded") == "Payment recorded"
    assert action_words("tariff_version_published") == "Tariff version published"


def test_the_record_is_named_by_its_number_else_a_short_id():
    assert record_number(_row({"payment_no": "PAY-1", "receipt_no": "R-5001"})) == "R-5001"
    assert record_number(_row({"amount": "1.00"})) == "020aa12f"
    assert record_number(_row({}, entity_id="general.currency")) == "general.currency"


def test_a_summary_says_what_changed_without_json():
    text = summary_text(_row({"receipt_no": "R-5001", "amount": "145.50", "method": "Cash",
                              "before": "In Settlement", "after": "Settled", "kept": False}))
    assert text == "In Settlement → Settled · Amount 145.50 · Method Cash · Kept no"
    assert "R-5001" not in text  # already in the Number column
    assert summary_text(_row({"before": None, "after": "Posted"})) == "Now Posted"


def test_moments_in_the_utility_zone_and_format():
    assert moment_text(AT, Formats("dd/MM/yyyy", "Asia/Kolkata", "en_IN")) == "20/04/2025 16:00:00"
    assert moment_text(AT, Formats("MM/dd/yyyy", "America/Chicago", "en_US")) == "04/20/2025 05:30:00"


def test_the_entry_dialog_lists_every_fact_whole_and_in_the_settings():
    formats = Formats("MM/dd/yyyy", "America/Chicago", "en_US", "USD")
    long_detail = "Online payment PAY-2026-004612 (pi_demo_WU-10008) of 502.93 USD was refused " * 2
    row = _row({"plan_no": "PP-1", "due_date": "2026-12-01", "detail": long_detail, "paid": True})
    lines = detail_lines(row, formats)
    assert lines == ["Plan No.: PP-1", "Due date: 12/01/2026", f"Detail: {formats.text(long_detail)}",
                     "Paid: yes"]
    assert "$502.93" in lines[2] and "…" not in lines[2] and len(lines[2]) > 120
