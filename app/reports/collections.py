"""The daily collections summary: per service centre, what was collected on one local day.

Figures come from SQL aggregates (COUNT/SUM grouped by centre and method or
channel), never from loading payments. A payment belongs to the centre of its
consumer's zone, so online payments (no counter) are counted too.

- Posted: payments received on the day (paid_at) and still Posted.
- Voided: payments voided on the day (voided_at), whenever they were received.

Amounts are summed in SQL as the stored integer minor units and turned into
Money once per figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import BigInteger, and_, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.payments.rules import PaymentStatus
from app.formatting import Formats, format_money
from app.models.base import MoneyAmount
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.models.reference import ServiceCentre, Zone

MONEY_SCALE = MoneyAmount.scale
ALL_CENTRES_LABEL = "All centres"

# Core tables of the models; sums are read as raw integers (minor units), see _minor().
_payments = Payment.__table__
_consumers = Consumer.__table__
_zones = Zone.__table__
_centres = ServiceCentre.__table__


@dataclass(frozen=True)
class Line:
    """One method or channel: how many payments and how much."""

    label: str
    count: int
    total: Money


@dataclass(frozen=True)
class Figures:
    posted_count: int
    posted_total: Money
    by_method: tuple[Line, ...]
    by_channel: tuple[Line, ...]
    voided_count: int
    voided_total: Money


@dataclass(frozen=True)
class CentreCollections:
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class CollectionsSummary:
    day: date
    currency: str
    time_zone: str
    centre_code: str | None
    """The centre asked for; None for all centres."""
    centres: tuple[CentreCollections, ...]
    totals: Figures

    @property
    def scope(self) -> str:
        return ALL_CENTRES_LABEL if self.centre_code is None else self.centre_code

    @property
    def unknown_centre(self) -> bool:
        return self.centre_code is not None and not self.centres


# the query --------------------------------------------------------------------

def daily_collections(session: Session, day: date, centre_code: str | None, currency: str,
                      tz: tzinfo) -> CollectionsSummary:
    """The summary of `day` (midnight to midnight in `tz`) for one centre or, with None, all."""
    start, end = _utc_bounds(day, tz)
    centre_rows = session.execute(_centres_query(centre_code)).all()
    ids = [row.id for row in centre_rows]
    by_method = _grouped(session, _payments.c.method, ids, start, end)
    by_channel = _grouped(session, _payments.c.channel, ids, start, end)
    voids = {row.centre_id: (int(row.n), int(row.minor))
             for row in session.execute(_voids_query(ids, start, end))}
    centres = tuple(
        CentreCollections(row.code, row.name, _figures(
            by_method.get(row.id, {}), by_channel.get(row.id, {}), voids.get(row.id, (0, 0)),
            currency))
        for row in centre_rows)
    totals = _figures(_merged(by_method.values()), _merged(by_channel.values()),
                      (sum(c for c, _ in voids.values()), sum(t for _, t in voids.values())),
                      currency)
    return CollectionsSummary(day, currency, getattr(tz, "key", str(tz)), centre_code, centres,
                              totals)


def _utc_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    # UTC on both sides: SQLite stores the UTC wall time without its zone.
    start = datetime.combine(day, time(), tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)
    return start, end


def _centres_query(centre_code: str | None):
    query = (select(_centres.c.id, _centres.c.code, _centres.c.name)
             .where(_centres.c.deleted.is_(False)).order_by(_centres.c.code))
    if centre_code is not None:
        query = query.where(func.upper(_centres.c.code) == centre_code.strip().upper())
    return query


def _joined():
    return (_payments.join(_consumers, _consumers.c.id == _payments.c.consumer_id)
            .join(_zones, _zones.c.id == _consumers.c.zone_id))


def _grouped(session: Session, key, centre_ids: list[str], start: datetime,
             end: datetime) -> dict[str, dict[str, tuple[int, int]]]:
    """centre id -> label -> (count, total in minor units) of posted payments."""
    rows = session.execute(
        select(_zones.c.centre_id, key.label("label"), func.count().label("n"),
               func.coalesce(func.sum(type_coerce(_payments.c.amount, BigInteger)), 0).label("minor"))
        .select_from(_joined())
        .where(_zones.c.centre_id.in_(centre_ids),
               _payments.c.status == PaymentStatus.POSTED.value,
               _payments.c.deleted.is_(False),
               _payments.c.paid_at >= start, _payments.c.paid_at < end)
        .group_by(_zones.c.centre_id, key))
    grouped: dict[str, dict[str, tuple[int, int]]] = {}
    for row in rows:
        grouped.setdefault(row.centre_id, {})[row.label] = (int(row.n), int(row.minor))
    return grouped


def _voids_query(centre_ids: list[str], start: datetime, end: datetime):
    voided_at = func.coalesce(_payments.c.voided_at, _payments.c.paid_at)
    return (select(_zones.c.centre_id, func.count().label("n"),
                   func.coalesce(func.sum(type_coerce(_payments.c.amount, BigInteger)), 0).label("minor"))
            .select_from(_joined())
            .where(and_(_zones.c.centre_id.in_(centre_ids),
                        _payments.c.status == PaymentStatus.VOIDED.value,
                        _payments.c.deleted.is_(False), voided_at >= start, voided_at < end))
            .group_by(_zones.c.centre_id))


def _merged(groups: Iterable[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    merged: dict[str, tuple[int, int]] = {}
    for group in groups:
        for label, (count, total) in group.items():
            before = merged.get(label, (0, 0))
            merged[label] = (before[0] + count, before[1] + total)
    return merged


def _money(minor: int, currency: str) -> Money:
    return Money(Decimal(int(minor)).scaleb(-MONEY_SCALE), currency)


def _lines(group: dict[str, tuple[int, int]], currency: str) -> tuple[Line, ...]:
    ordered = sorted(group.items(), key=lambda item: (-item[1][1], item[0]))
    return tuple(Line(label, count, _money(total, currency)) for label, (count, total) in ordered)


def _figures(by_method: dict[str, tuple[int, int]], by_channel: dict[str, tuple[int, int]],
             voids: tuple[int, int], currency: str) -> Figures:
    return Figures(
        posted_count=sum(count for count, _ in by_method.values()),
        posted_total=_money(sum(total for _, total in by_method.values()), currency),
        by_method=_lines(by_method, currency), by_channel=_lines(by_channel, currency),
        voided_count=int(voids[0]), voided_total=_money(voids[1], currency))


# renderings ---------------------------------------------------------------------

def render_text(summary: CollectionsSummary, formats: Formats | None = None) -> str:
    """A plain-text e-mail body: totals first, then one block per centre."""
    formats = formats or Formats(time_zone=summary.time_zone)
    locale = formats.locale
    out = [f"Daily collections summary for {formats.day(summary.day)} ({summary.time_zone})",
           f"Service centres: {summary.scope}", ""]
    if summary.unknown_centre:
        out.append(f"No service centre has the code {summary.centre_code}: "
                   "check the scheduled report's settings.")
        return "\n".join(out) + "\n"
    blocks = [(f"{centre.code} {centre.name}", centre.figures) for centre in summary.centres]
    if summary.centre_code is None:
        blocks.insert(0, (f"Total, {ALL_CENTRES_LABEL.lower()}", summary.totals))
    for title, figures in blocks:
        out += [title, *_figure_lines(figures, locale), ""]
    return "\n".join(out)


def _figure_lines(figures: Figures, locale: str) -> list[str]:
    def amount(money: Money) -> str:
        return format_money(money, locale)

    lines = [f"  Posted payments: {figures.posted_count}, {amount(figures.posted_total)}"]
    for title, group in (("By method", figures.by_method), ("By channel", figures.by_channel)):
        if group:
            lines.append(f"  {title}:")
            width = max(len(line.label) for line in group)
            lines += [f"    {line.label:<{width}}  {line.count:>5}  {amount(line.total):>16}"
                      for line in group]
    lines.append(f"  Voided payments: {figures.voided_count}, {amount(figures.voided_total)}")
    return lines


CSV_HEADER = ("day", "centre_code", "centre_name", "figure", "item", "count", "amount", "currency")


def render_csv(summary: CollectionsSummary) -> str:
    """One row per figure: posted, each method, each channel, voided; all-centre totals first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = [(c.code, c.name, c.figures) for c in summary.centres]
    if summary.centre_code is None:
        rows.insert(0, ("", ALL_CENTRES_LABEL, summary.totals))
    for code, name, figures in rows:
        for figure, item, count, total in _csv_figures(figures):
            writer.writerow((summary.day.isoformat(), code, name, figure, item, count,
                             f"{total.rounded().amount}", summary.currency))
    return buffer.getvalue()


def _csv_figures(figures: Figures) -> list[tuple[str, str, int, Money]]:
    rows = [("posted", "", figures.posted_count, figures.posted_total)]
    rows += [("method", line.label, line.count, line.total) for line in figures.by_method]
    rows += [("channel", line.label, line.count, line.total) for line in figures.by_channel]
    rows.append(("voided", "", figures.voided_count, figures.voided_total))
    return rows
