"""Audit entries in words for people: the action as a phrase, the record's own number rather than
its id, a readable summary of what changed, and the moment in the utility's zone and format.
Pure functions over AuditRow, so they are tested without a widget."""

from __future__ import annotations

from datetime import datetime

from app.formatting import Formats
from app.services.core.audit import AuditRow

# The keys that hold a record's human number, most telling first.
NUMBER_KEYS = ("receipt_no", "payment_no", "invoice_no", "credit_note_no", "request_no",
               "order_no", "session_no", "plan_no", "account_no", "number", "username", "name", "key", "code")
# Words that read better than their key.
KEY_WORDS = {"no": "No.", "id": "ID", "gl": "GL", "kw": "kW", "sla": "SLA", "pdf": "PDF",
             "csv": "CSV", "xlsx": "XLSX", "url": "URL"}
PLAIN = Formats()  # the settings' defaults, for a caller without the utility's
SHOWN_VALUE = 60  # characters of one value before it is cut (the tooltip shows all)


def action_words(action: str) -> str:
    """payment_recorded -> "Payment recorded"."""
    words = action.replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def key_words(key: str) -> str:
    words = [KEY_WORDS.get(word, word) for word in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def record_number(row: AuditRow) -> str:
    """The number people use for the record (R-5001, INV-414013), else a short id."""
    for key in NUMBER_KEYS:
        value = row.summary.get(key) if isinstance(row.summary, dict) else None
        if value not in (None, ""):
            return str(value)
    entity_id = str(row.entity_id)
    return entity_id[:8] if len(entity_id) == 36 and entity_id.count("-") == 4 else entity_id


def value_text(value: object, formats: Formats = PLAIN, *, whole: bool = False) -> str:
    """A value of the summary; days and moments (stored as ISO) as the settings say. Cut at
    SHOWN_VALUE characters for the list, unless `whole`."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{key_words(str(k))} {value_text(v, formats, whole=whole)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v, formats, whole=whole) for v in value) or "none"
    text = formats.text(str(value))
    return text if whole or len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE - 1] + "…"


def detail_lines(row: AuditRow, formats: Formats = PLAIN) -> list[str]:
    """The whole summary, one "Key: value" line per fact, for the entry's own dialog."""
    summary = row.summary if isinstance(row.summary, dict) else {"details": row.summary}
    return [f"{key_words(str(key))}: {value_text(value, formats, whole=True)}"
            for key, value in summary.items()] or ["(nothing more recorded)"]


def summary_text(row: AuditRow, formats: Formats = PLAIN) -> str:
    """ "Amount 145.50 · Method Cash · Status: In Settlement → Settled" """
    summary = row.summary if isinstance(row.summary, dict) else {"details": row.summary}
    shown = record_number(row)
    parts = []
    if summary.get("before") is not None:
        parts.append(f"{value_text(summary['before'], formats)} → {value_text(summary.get('after'), formats)}")
    elif summary.get("after") is not None:
        parts.append(f"Now {value_text(summary['after'], formats)}")
    for key, value in summary.items():
        if key in ("before", "after") or str(value) == shown:
            continue
        parts.append(f"{key_words(str(key))} {value_text(value, formats)}")
    return " · ".join(parts)


def moment_text(moment: datetime, formats: Formats) -> str:
    """The utility's date format and zone, with seconds on a 24-hour clock: audit entries are
    read to the second."""
    return f"{formats.day(moment)} {formats.local(moment):%H:%M:%S}"
