"""What a card, cheque or bank-transfer payment must say about itself, and the rules each detail
follows. A method's kind comes from its name (the payment modes are a setting): "... Card",
"Cheque", "... Transfer"; other methods take no details."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.core.errors import ValidationError

STALE_AFTER = timedelta(days=90)  # a cheque older than three months is not accepted


class DetailsKind(StrEnum):
    CARD = "card"
    CHEQUE = "cheque"
    TRANSFER = "transfer"


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    rule: str
    pattern: str  # full match; "" for a date


FIELDS: dict[DetailsKind, tuple[Detail, ...]] = {
    DetailsKind.CARD: (
        Detail("last4", "Card last four digits", "must be the last 4 digits of the card", r"\d{4}"),
        Detail("auth_code", "Authorisation code", "must be 6 letters or digits from the terminal",
               r"[A-Za-z0-9]{6}")),
    DetailsKind.CHEQUE: (
        Detail("cheque_no", "Cheque number", "must be 6 digits", r"\d{6}"),
        Detail("bank", "Bank", "is required (up to 60 characters)", r"\S.{0,59}"),
        Detail("cheque_date", "Cheque date", "", "")),
    DetailsKind.TRANSFER: (
        Detail("reference", "Transfer reference", "must be 6 to 30 letters, digits or -",
               r"[A-Za-z0-9-]{6,30}"),),
}


def details_kind(method: str) -> DetailsKind | None:
    name = method.strip().lower()
    if name.endswith("card"):
        return DetailsKind.CARD
    if "cheque" in name or name == "check":
        return DetailsKind.CHEQUE
    if "transfer" in name:
        return DetailsKind.TRANSFER
    return None


def check_details(method: str, given: Mapping[str, object] | None, today: date) -> dict[str, str]:
    """The details as stored (text; a cheque date as YYYY-MM-DD), or ValidationError naming the
    detail and its rule. Methods without details take none. `given` None: the caller does not
    capture details (a record written before they existed, a bulk import) and none are kept;
    the counter's form always gives them, so there every field is checked."""
    kind = details_kind(method)
    if kind is None or given is None:
        return {}
    checked: dict[str, str] = {}
    for detail in FIELDS[kind]:
        value = given.get(detail.key)
        if detail.key == "cheque_date":
            checked[detail.key] = _cheque_date(value, today).isoformat()
            continue
        text = str(value or "").strip()
        if not re.fullmatch(detail.pattern, text):
            raise ValidationError(detail.label, detail.rule if text else "is required")
        checked[detail.key] = text.upper() if detail.key == "auth_code" else text
    return checked


def _cheque_date(value: object, today: date) -> date:
    if value in (None, ""):
        raise ValidationError("Cheque date", "is required")
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError("Cheque date", "must be a date (YYYY-MM-DD)") from None
    if day > today:
        raise ValidationError("Cheque date", "cannot be after today (a post-dated cheque)")
    if today - day > STALE_AFTER:
        raise ValidationError("Cheque date", "is more than three months ago (a stale cheque)")
    return day


def detail_rows(method: str, stored: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """(label, value) for the receipt and the details view, in the form's order."""
    kind = details_kind(method)
    if kind is None or not stored:
        return []
    rows = [(d.label, stored[d.key]) for d in FIELDS[kind] if stored.get(d.key)]
    return [("Card", f"**** {value}") if label == "Card last four digits" else (label, value)
            for label, value in rows]
