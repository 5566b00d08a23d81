"""Quotes: a billing period rated under a tariff's published versions, by the bill engine.

The command line answers `tariff quote` from here without the ORM or migrations (a quote
used to take 4 s, nearly all of it imports): the published versions are read with sqlite3
from the data folder's database, whose tariff tables and documents every schema revision
can read (format 1 documents included), and rated by the same domain functions as bills.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.money import Money, minor_digits
from app.domain.tariffs.document import from_document
from app.domain.tariffs.model import TariffVersion
from app.domain.tariffs.rating import RatedBill, rate_period
from app.domain.tariffs.versions import chained

_PUBLISHED = """
    SELECT t.name, v.state, v.document FROM tariffs AS t
    LEFT JOIN tariff_versions AS v ON v.tariff_id = t.id AND v.state = 'Published'
    WHERE lower(t.name) = lower(?) AND t.deleted = 0
"""


@dataclass(frozen=True)
class Quote:
    tariff: str
    version: int  # the version in force on the period's last day
    bill: RatedBill


def quote_versions(name: str, versions: Sequence[TariffVersion], period_start: date,
                   period_end: date, units: object = None,
                   units_by_period: Mapping[str, object] | None = None,
                   load_kw: object = None) -> Quote:
    """`versions` are the tariff's versions in force (chained), as TariffState.in_force()."""
    if not versions:
        raise ValidationError("tariff", f"'{name}' has no published version")
    if units_by_period is not None:
        units_by_period = _period_names(versions, units_by_period)
    bill = rate_period(versions, period_start, period_end, units, units_by_period, load_kw)
    last = next((v for v in reversed(versions) if v.valid_from <= period_end), versions[0])
    return Quote(name, last.version, bill)


def published_in_file(database: Path, name: str) -> tuple[str, list[TariffVersion]]:
    """The tariff's name as stored and its versions in force, read from a data folder's
    database file; NotFound when there is no such tariff (or no database yet)."""
    if not database.is_file():
        raise NotFound(f"No tariff named '{name}'")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA query_only = ON")
        rows = connection.execute(_PUBLISHED, (name.strip(),)).fetchall()
    except sqlite3.Error as error:
        raise NotFound(f"No tariff named '{name}' (the database cannot be read: {error})") from None
    finally:
        connection.close()
    if not rows:
        raise NotFound(f"No tariff named '{name}'")
    documents = [json.loads(document) for _, state, document in rows if state is not None]
    return rows[0][0], chained([from_document(document) for document in documents])


def _period_names(versions: Sequence[TariffVersion],
                  units_by_period: Mapping[str, object]) -> dict[str, object]:
    """'off_peak' finds the period 'Off-Peak': names match ignoring case, spaces, - and _."""
    known = {_folded(p.name): p.name for version in versions for p in version.tou_periods}
    return {known.get(_folded(name), name): units for name, units in units_by_period.items()}


def _folded(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def quote_json(quote) -> dict[str, object]:
    """{"tariff", "version", "factor", "metered", "billed", "basis", "lines": [{description,
    quantity, rate, amount}], "total"}."""
    bill = quote.bill
    return {
        "tariff": quote.tariff,
        "version": quote.version,
        "factor": _number(bill.factor),
        "metered": {"quantity": _number(bill.metered), "unit": bill.meter_unit},
        "billed": {"quantity": _number(bill.billed), "unit": bill.billed_unit},
        "basis": bill.basis,
        "lines": [{"description": line.description, "quantity": _number(line.quantity),
                   "rate": None if line.rate is None else _number(line.rate),
                   "amount": _money(line.amount)} for line in quote.bill.lines],
        "total": _money(quote.bill.total),
    }


def _number(value: Decimal) -> str:
    """A quantity, rate or factor as text: exact, or to 6 decimals where it does not end."""
    if value.as_tuple().exponent < -6:  # type: ignore[operator]
        value = value.quantize(Decimal("0.000001"))
    return str(value)


def _money(money: Money) -> str:
    return f"{money.amount:.{minor_digits(money.currency)}f}"
