"""Bank statement rules: the CSV format, checked row by row, and how lines match payments.

A line matches a payment by reference first (the payment's transaction, receipt or
payment number, or its gateway reference, as the whole reference or one word of
it); a reference match with another amount is a Discrepancy. Lines left over match
a non-cash payment of the same amount paid within WINDOW_DAYS of the booking date,
the nearest first. A payment matches one line at most. Format: docs/reconciliation.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.core.errors import ImportRefused
from app.domain.core.money import Money, MoneyError, minor_digits, to_decimal

WINDOW_DAYS = 2
COLUMNS = ("date", "reference", "amount")
REFERENCE_MAX = 120
MATCHED, UNMATCHED, DISCREPANCY = "Matched", "Unmatched", "Discrepancy"
TOKENS = re.compile(r"[\s,;|/]+")


# parsing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementProblem:
    line: int
    field: str
    rule: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.field}: {self.rule}"


class StatementErrors(ImportRefused):
    """Every bad row of a statement; nothing of it was imported."""

    def __init__(self, problems: list[StatementProblem]) -> None:
        super().__init__("Bank statement", problems)


@dataclass(frozen=True)
class StatementEntry:
    line_no: int
    booked_on: date
    reference: str
    amount: Decimal


def parse_statement(text: str, currency: str, today: date) -> list[StatementEntry]:
    """All rows or none: raises StatementErrors naming each bad row's line, field and rule."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [cell.strip().casefold() for cell in header or []]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise StatementErrors([StatementProblem(1, "header", "must name the columns date, reference, "
                                                             f"amount (missing: {', '.join(missing)})")])
    where = {c: columns.index(c) for c in COLUMNS}
    entries, problems = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(StatementProblem(reader.line_num, "row", f"has {len(row)} fields; the "
                                                                     f"header has {len(columns)}"))
            continue
        entry = _entry(reader.line_num, {c: row[i].strip() for c, i in where.items()}, currency,
                       today, problems)
        if entry is not None:
            entries.append(entry)
    if not entries and not problems:
        problems.append(StatementProblem(2, "statement", "has no lines"))
    if problems:
        raise StatementErrors(problems)
    return entries


def _entry(line: int, cells: dict[str, str], currency: str, today: date,
           problems: list[StatementProblem]) -> StatementEntry | None:
    before = len(problems)
    booked = _date(cells["date"], line, today, problems)
    amount = _amount(cells["amount"], line, currency, problems)
    if len(cells["reference"]) > REFERENCE_MAX:
        problems.append(StatementProblem(line, "reference", f"must be at most {REFERENCE_MAX} characters"))
    if len(problems) > before:
        return None
    return StatementEntry(line, booked, cells["reference"], amount)


def _date(text: str, line: int, today: date, problems: list[StatementProblem]) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        problems.append(StatementProblem(line, "date", "must be a date written YYYY-MM-DD"))
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems.append(StatementProblem(line, "date", "is not a real date"))
        return None
    if day > today:
        problems.append(StatementProblem(line, "date", "cannot be in the future"))
    return day


def _amount(text: str, line: int, currency: str, problems: list[StatementProblem]) -> Decimal | None:
    if not text:
        problems.append(StatementProblem(line, "amount", "is required"))
        return None
    try:
        value = to_decimal(text)
    except MoneyError:
        problems.append(StatementProblem(line, "amount", "must be a number"))
        return None
    if not Money(value, currency).is_exact:
        problems.append(StatementProblem(line, "amount",
                                         f"must have at most {minor_digits(currency)} decimal places"))
    elif value == 0:
        problems.append(StatementProblem(line, "amount", "must not be 0"))
    return value


# matching -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    payment_id: str
    references: frozenset[str]  # casefolded numbers and gateway reference
    amount: Decimal
    paid_on: date  # the utility's local day
    non_cash: bool


@dataclass(frozen=True)
class LineMatch:
    payment_id: str | None
    state: str


def tokens(reference: str) -> set[str]:
    text = reference.strip()
    return {t for t in TOKENS.split(text) if t} | ({text} if text else set())


def match_statement(entries: list[StatementEntry], candidates: list[Candidate],
                    window_days: int = WINDOW_DAYS) -> dict[int, LineMatch]:
    """Line number -> match. A payment matches one line at most; references win over amounts."""
    taken: set[str] = set()
    result: dict[int, LineMatch] = {}
    for entry in entries:
        wanted = {t.casefold() for t in tokens(entry.reference)}
        found = next((c for c in candidates if c.payment_id not in taken and c.references & wanted), None)
        if found:
            taken.add(found.payment_id)
            state = MATCHED if found.amount == entry.amount else DISCREPANCY
            result[entry.line_no] = LineMatch(found.payment_id, state)
    for entry in entries:
        if entry.line_no in result:
            continue
        near = [c for c in candidates if c.payment_id not in taken and c.non_cash
                and c.amount == entry.amount and abs((c.paid_on - entry.booked_on).days) <= window_days]
        if near:
            best = min(near, key=lambda c: (abs((c.paid_on - entry.booked_on).days), c.paid_on))
            taken.add(best.payment_id)
            result[entry.line_no] = LineMatch(best.payment_id, MATCHED)
        else:
            result[entry.line_no] = LineMatch(None, UNMATCHED)
    return result
