"""Payment inquiries and disputes at the counter: the kinds, the outcomes and how a resolution is judged."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.core.errors import ValidationError

INQUIRY_TYPES = ("Payment not reflected", "Wrong amount", "Duplicate charge", "Receipt request",
                 "Other")
SATISFACTION = ("Satisfied", "Neutral", "Dissatisfied")
OPEN, RESOLVED = "Open", "Resolved"
NOTES_MAX = 1000


def check_inquiry(inquiry_type: str, notes: str) -> tuple[str, str]:
    """The type as listed and the notes trimmed; "Other" needs a note saying what it is."""
    if inquiry_type not in INQUIRY_TYPES:
        raise ValidationError("Inquiry type", f"choose one of {', '.join(INQUIRY_TYPES)}")
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError("Notes", f"at most {NOTES_MAX} characters")
    if inquiry_type == "Other" and not notes:
        raise ValidationError("Notes", "say what the inquiry is about when the type is Other")
    return inquiry_type, notes


def check_resolution(outcome: str, satisfaction: str) -> tuple[str, str]:
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError("Outcome", "is required: say how the inquiry was resolved")
    if len(outcome) > NOTES_MAX:
        raise ValidationError("Outcome", f"at most {NOTES_MAX} characters")
    if satisfaction not in SATISFACTION:
        raise ValidationError("Customer satisfaction", f"choose one of {', '.join(SATISFACTION)}")
    return outcome, satisfaction


def resolution_minutes(opened_at: datetime, resolved_at: datetime) -> int:
    """Whole minutes from opening to resolving, never negative (a clock set back counts as 0)."""
    return max(0, (resolved_at - opened_at) // timedelta(minutes=1))
