"""Leasing blocks of human-readable numbers: unique across the utility, never reused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.core.settings_catalog import SERIES
from app.models.central import NumberLease, NumberSeries
from app.services.core.settings import load_settings
from sync.protocol import LeasedBlock
from sync.server.errors import ApiError
from sync.server.stored_numbers import any_stored, highest_stored


def lease_blocks(session: Session, series: str, blocks: int, device_id: str | None,
                 now: datetime, size: int | None = None) -> list[LeasedBlock]:
    if series not in SERIES:
        raise ApiError(404, "unknown_series", f"No number series {series!r}")
    settings = load_settings(session)
    size = size or settings.get("numbering.lease_block_size")
    _ensure_series(session, settings, series)
    return [_lease_clear(session, settings, series, size, device_id, now) for _ in range(blocks)]


def _ensure_series(session: Session, settings, series: str) -> None:
    """A new series starts after its first number and after every number already stored
    (a seeded or imported history), whichever is later."""
    if session.get(NumberSeries, series) is not None:
        return
    start = max(settings.number_start(series), highest_stored(session, settings, series) + 1)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(NumberSeries).values(series=series, next_first=start)
                    .on_conflict_do_nothing(index_elements=["series"]))


def _lease_clear(session: Session, settings, series: str, size: int, device_id: str | None,
                 now: datetime) -> LeasedBlock:
    """A block none of whose numbers is stored yet: a block that collides (numbers stored after
    the series was created) is skipped, and the series moves past the highest stored number."""
    first = _advance(session, series, size)
    if any_stored(session, settings, series, first, first + size - 1, now.date()):
        past = highest_stored(session, settings, series) + 1
        session.execute(update(NumberSeries).where(NumberSeries.series == series,
                                                   NumberSeries.next_first < past).values(next_first=past))
        first = _advance(session, series, size)
    last = first + size - 1
    # UNIQUE (series, first) is the backstop should anything ever bypass the row lock.
    session.add(NumberLease(series=series, first=first, last=last, device_id=device_id, leased_at=now))
    session.flush()
    return LeasedBlock(first=first, last=last)


def _advance(session: Session, series: str, size: int) -> int:
    # UPDATE ... RETURNING takes the series row lock: concurrent leases queue, never overlap.
    return session.execute(
        update(NumberSeries).where(NumberSeries.series == series)
        .values(next_first=NumberSeries.next_first + size)
        .returning(NumberSeries.next_first - size)
    ).scalar_one()


def leases_of(session: Session, device_id: str) -> list[NumberLease]:
    return list(session.execute(select(NumberLease).where(NumberLease.device_id == device_id)
                                .order_by(NumberLease.series, NumberLease.first)).scalars())
