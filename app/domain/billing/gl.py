"""The GL journal of bills, late-payment charges and receipts: debits equal credits to the cent.

A bill debits Receivable by its total and credits each line's revenue or tax code; a late
payment charge debits Receivable and credits Late payment; a receipt debits Cash and credits
Receivable; a bill's correcting credit reverses the bill. Amounts are in minor units, so the
journal balances exactly or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.billing.compose import LineGroup

RECEIVABLE, TAX, LATE, SERVICE = "Receivable", "Tax", "Late payment", "Service charges"
CASH, OTHER_RECEIPTS = "Cash receipts", "Other receipts"


def posting_for(group: str, utility: str) -> str:
    """The posting (gl.postings) a bill line goes to."""
    if group == LineGroup.TAX:
        return TAX
    if group == LineGroup.CONSUMPTION and utility:
        return f"{utility.strip().capitalize()} charges"
    return SERVICE


def code_for(postings: Mapping[str, str], posting: str) -> str:
    return postings.get(posting) or postings[SERVICE]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    code: str
    description: str
    debit_minor: int
    credit_minor: int


@dataclass(frozen=True, slots=True)
class Posting:
    """One side of one document: minor units to a GL code (positive debit, negative credit)."""

    code: str
    minor: int


def journal(postings: Iterable[Posting], descriptions: Mapping[str, str]) -> list[JournalEntry]:
    """Postings summed per GL code: its debits and its credits, each side kept whole."""
    debit: dict[str, int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    for posting in postings:
        if posting.minor >= 0:
            debit[posting.code] += posting.minor
        else:
            credit[posting.code] -= posting.minor
    codes = sorted(set(debit) | set(credit))
    return [JournalEntry(code, descriptions.get(code, ""), debit[code], credit[code])
            for code in codes]


def balanced(entries: Iterable[JournalEntry]) -> bool:
    rows = list(entries)
    return sum(e.debit_minor for e in rows) == sum(e.credit_minor for e in rows)
