"""Issuing human-readable numbers (receipts, invoices, ...) from this device's leased blocks.

Without a central service this device is its own authority and leases the next
block to itself; with one, the sync agent adds blocks the server leased. When
the blocks run out offline a provisional, device-scoped number is issued and
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.numbering import BlockAllocator, NumberFormat
from app.domain.core.numbering import NumberBlock as Block
from app.domain.core.settings import Settings
from app.models.system import NumberBlock

PROVISIONAL = "provisional"


@dataclass(frozen=True)
class IssuedNumber:
    text: str
    seq: int
    provisional: bool


def issue_number(session: Session, settings: Settings, series: str, *, on, device_code: str,
                 self_lease: bool = True) -> IssuedNumber:
    rows = session.execute(
        select(NumberBlock).where(NumberBlock.series == series, NumberBlock.provisional.is_(False))
        .order_by(NumberBlock.first)
    ).scalars().all()
    low_water = settings.get("numbering.low_water_mark")
    if self_lease and _remaining(rows) < max(1, low_water):
        rows.append(_lease_locally(session, settings, series, rows))
    allocator = BlockAllocator(
        [Block(series, row.first, row.last) for row in rows],
        last_used={series: _last_used(rows)},
        last_provisional={series: _last_provisional(session, series)},
    )
    allocation = allocator.next(series)
    template = NumberFormat.parse(settings.number_format(series))
    if allocation.provisional:
        _remember_provisional(session, series, allocation.seq)
        text = template.format_provisional(device_code, allocation.seq, on)
    else:
        for row in rows:
            if row.first <= allocation.seq <= row.last:
                row.next_seq = allocation.seq + 1
        text = template.format(allocation.seq, on)
    session.flush()
    return IssuedNumber(text, allocation.seq, allocation.provisional)


def _last_used(rows: list[NumberBlock]) -> int:
    # A fresh block (next_seq == first) has issued nothing yet: it must not count as used.
    return max((row.next_seq - 1 for row in rows if row.next_seq > row.first), default=0)


def _remaining(rows: list[NumberBlock]) -> int:
    return sum(max(0, row.last - row.next_seq + 1) for row in rows)


def _lease_locally(session: Session, settings: Settings, series: str, rows: list[NumberBlock]) -> NumberBlock:
    size = settings.get("numbering.lease_block_size")
    first = max([row.last + 1 for row in rows] + [settings.number_start(series)])
    block = NumberBlock(series=series, first=first, last=first + size - 1, next_seq=first)
    session.add(block)
    return block


def _last_provisional(session: Session, series: str) -> int:
    value = session.execute(
        select(func.max(NumberBlock.next_seq)).where(NumberBlock.series == series,
                                                     NumberBlock.provisional.is_(True))
    ).scalar()
    return int(value or 0)


def _remember_provisional(session: Session, series: str, seq: int) -> None:
    row = session.execute(
        select(NumberBlock).where(NumberBlock.series == series, NumberBlock.provisional.is_(True))
    ).scalar_one_or_none()
    if row is None:
        session.add(NumberBlock(series=series, first=1, last=seq, next_seq=seq, provisional=True))
    else:
        row.last = row.next_seq = seq


def reserve_through(session: Session, settings: Settings, series: str, last_used: int) -> None:
    """After importing numbered history (the demo), continue numbering after it."""
    size = settings.get("numbering.lease_block_size")
    first = last_used + 1
    session.add(NumberBlock(series=series, first=first, last=first + size - 1, next_seq=first))


def issue_numbers(session: Session, settings: Settings, series: str, count: int, *, on,
                  device_code: str, self_lease: bool = True) -> list[IssuedNumber]:
    """`count` consecutive numbers at once (a bill run's chunk): the same numbers `count`
    calls of issue_number would give, with one read and one write of the blocks."""
    if count <= 0:
        return []
    rows = session.execute(
        select(NumberBlock).where(NumberBlock.series == series, NumberBlock.provisional.is_(False))
        .order_by(NumberBlock.first)
    ).scalars().all()
    low_water = max(1, settings.get("numbering.low_water_mark"))
    while self_lease and _remaining(rows) < count + low_water - 1:
        rows.append(_lease_locally(session, settings, series, rows))
    allocator = BlockAllocator(
        [Block(series, row.first, row.last) for row in rows],
        last_used={series: _last_used(rows)},
        last_provisional={series: _last_provisional(session, series)},
    )
    template = NumberFormat.parse(settings.number_format(series))
    issued = []
    for _ in range(count):
        allocation = allocator.next(series)
        if allocation.provisional:
            _remember_provisional(session, series, allocation.seq)
            issued.append(IssuedNumber(template.format_provisional(device_code, allocation.seq, on),
                                       allocation.seq, True))
            continue
        for row in rows:
            if row.first <= allocation.seq <= row.last:
                row.next_seq = max(row.next_seq, allocation.seq + 1)
        issued.append(IssuedNumber(template.format(allocation.seq, on), allocation.seq, False))
    session.flush()
    return issued
