"""Reading the cells of a tariff file: numbers (never guessing a decimal comma), dates,
days of the year, hours, lists and choices. A bad cell raises BadCell with its column."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain.tariffs.validation import RateType, SlabRow, Utility

NO_LIMIT = ("", "no limit", "none")
AMBIGUOUS_COMMA = "is ambiguous: a comma"  # how a refused decimal comma reads, for the screen
LIST_SEPARATOR = "|"
_RATE_TYPE_WORDS = {"time-based": RateType.TIME_OF_USE, "time based": RateType.TIME_OF_USE,
                    "tou": RateType.TIME_OF_USE}
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?\d{1,3}(\.\d{3})*(,\d+)?|[+-]?\d+(,\d+)?|[+-]?,\d+")
_GROUPING_SPACES = str.maketrans("", "", " \u00a0\u202f")


class BadCell(Exception):
    def __init__(self, column: str, rule: str) -> None:
        super().__init__(rule)
        self.column, self.rule = column, rule


def required(row: dict[str, str], column: str, rule: str) -> str:
    text = row.get(column, "").strip()
    if not text:
        raise BadCell(column, rule)
    return text


def number(text: str, column: str, decimal_comma: bool = False) -> Decimal:
    """A number as written: '.' is the decimal point and nothing groups thousands, unless the
    file is read with a decimal comma (then '.' or a space may group: 1.234,5). A comma in a
    file read with a decimal point is refused, never guessed: 0,1200 is not 1200."""
    text = text.strip()
    if not text:
        raise BadCell(column, "A number is required")
    if decimal_comma:
        grouped = text.translate(_GROUPING_SPACES)
        if not _COMMA_NUMBER.fullmatch(grouped):
            raise BadCell(column, f"'{text}' is not a number written with a decimal comma")
        text = grouped.replace(".", "").replace(",", ".")
    elif "," in text:
        raise BadCell(column, f"'{text}' {AMBIGUOUS_COMMA} may be a decimal or a thousands "
                              "separator. Write the decimal point as '.' without grouping, or "
                              "import the file with a decimal comma")
    elif not _PLAIN_NUMBER.fullmatch(text):
        raise BadCell(column, f"'{text}' is not a number")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BadCell(column, f"'{text}' is not a number") from None


def slab_row(row: dict[str, str], decimal_comma: bool = False) -> SlabRow:
    end = row.get("to", "").strip()
    return SlabRow(number(row.get("from", ""), "from", decimal_comma),
                   None if end.lower() in NO_LIMIT else number(end, "to", decimal_comma),
                   number(row.get("rate", ""), "rate", decimal_comma))


def date_cell(text: str, column: str, required: bool = False) -> date | None:
    text = text.strip()
    if not text or text.lower() == "ongoing":
        if required:
            raise BadCell(column, "Start date is required")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadCell(column, f"'{text}' is not a date: write YYYY-MM-DD") from None


def month_day(text: str, column: str) -> tuple[int, int]:
    found = re.fullmatch(r"(?:\d{4}-)?(\d{1,2})-(\d{1,2})", text.strip())
    if not found:
        raise BadCell(column, f"'{text}' is not a day of the year: write MM-DD, e.g. 11-01")
    return int(found.group(1)), int(found.group(2))


def hour(text: str, column: str) -> int:
    if not re.fullmatch(r"\d{1,2}", text.strip()):
        raise BadCell(column, f"'{text}' is not an hour: write 0 to 24")
    return int(text)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def choice(kind: type, text: str, column: str):
    folded = text.strip().casefold()
    for member in kind:  # type: ignore[attr-defined]
        if folded in (member.value.casefold(), member.name.casefold()):
            return member
    choices = ", ".join(member.value for member in kind)  # type: ignore[attr-defined]
    raise BadCell(column, f"'{text}' is not one of: {choices}")


def utility_of(text: str) -> Utility:
    for utility in Utility:
        if text.strip().casefold() in (utility.value, utility.label.casefold()):
            return utility
    raise BadCell("utility", f"'{text}' is not a utility: use electricity, water, gas, sewer or waste")


def rate_type(text: str) -> RateType:
    folded = text.strip().casefold()
    if folded in _RATE_TYPE_WORDS:
        return _RATE_TYPE_WORDS[folded]
    return choice(RateType, text, "rate_type")
