"""Raising a request: the rules of the create form (reason, preferred date and slot, notes).

"Text only" for the additional notes (AC006) means: letters, marks, digits, punctuation,
symbols, spaces and line breaks of any script. Refused are control and format characters
(NUL, escape, zero-width and bidi controls, which can hide or reorder what a reader sees)
and markup tags such as <b> or <script>, since notes are shown and e-mailed as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.core.errors import ValidationError
from app.domain.requests.disconnection import RequestStatus, status_of

PAST_DATE = "Cannot select past date"
NOTES_FIELD = "Additional notes"
_ALLOWED_CATEGORIES = ("L", "M", "N", "P", "S", "Zs")
_LINE_BREAKS = frozenset("\n\r")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")


@dataclass(frozen=True)
class ReasonChoice:
    """A reason from settings as the form offers it."""

    code: str
    reason: str
    priority: str
    description: str
    requires_approval: bool
    approval_threshold: Decimal | None = None


def check_preferred_date(day: date | None, today: date) -> date:
    """AC004: the date is mandatory and never in the past (today is allowed)."""
    if day is None:
        raise ValidationError("Preferred date", "is required")
    if day < today:
        raise ValidationError("Preferred date", PAST_DATE)
    return day


def check_time_slot(slot: str, slots: tuple[str, ...]) -> str:
    """AC005: only an administrator-configured 2-hour slot may be chosen."""
    if not slot:
        raise ValidationError("Time slot", "is required")
    if slot not in slots:
        raise ValidationError("Time slot", f"{slot} is not one of the configured slots")
    return slot


def check_notes(text: str, max_length: int = 250) -> str:
    """AC006: optional, at most max_length characters, text only (see the module's definition)."""
    notes = text.strip()
    if len(notes) > max_length:
        raise ValidationError(NOTES_FIELD, f"must be at most {max_length} characters ({len(notes)} given)")
    for char in notes:
        if char not in _LINE_BREAKS and not unicodedata.category(char).startswith(_ALLOWED_CATEGORIES):
            raise ValidationError(NOTES_FIELD, f"must be text only (remove the control character "
                                               f"U+{ord(char):04X})")
    if _TAG.search(notes):
        raise ValidationError(NOTES_FIELD, "must be text only (remove the markup tag)")
    return notes


def is_text_only(text: str) -> bool:
    try:
        check_notes(text, max_length=len(text) + 1)
    except ValidationError:
        return False
    return True


def check_reason(code: str, reasons: tuple[ReasonChoice, ...]) -> ReasonChoice:
    if not code:
        raise ValidationError("Reason", "is required")
    found = next((r for r in reasons if r.code == code), None)
    if found is None:
        raise ValidationError("Reason", f"{code} is not one of the configured reasons")
    return found


def needs_approval(reason: ReasonChoice, outstanding: Decimal) -> bool:
    """A reason that requires approval does so always, or only above its threshold of dues."""
    if not reason.requires_approval:
        return False
    return reason.approval_threshold is None or outstanding > reason.approval_threshold


def action_button_label(status: str) -> str | None:
    """AC010/AC011: the one status button: Acknowledge, then Put on Hold / Resume."""
    return {RequestStatus.PENDING: "Acknowledge", RequestStatus.IN_PROGRESS: "Put on Hold",
            RequestStatus.ON_HOLD: "Resume"}.get(status_of(status))
