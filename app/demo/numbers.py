"""Document numbers for the demo history, in the utility's formats, continued by the app after it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.domain.core.numbering import NumberFormat
from app.domain.core.settings import Settings
from app.models.central import NumberSeries
from app.services.core.numbering import reserve_through

_PROBE = 987_654_321_987  # a sequence number no format's literal text contains


class DemoNumbers:
    """Hands out each series' numbers in order; the specs' sample numbers are taken as they are."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._formats = {series: NumberFormat.parse(settings.number_format(series))
                         for series in settings.number_formats}
        self._last = {series: settings.number_start(series) - 1 for series in self._formats}
        self._used: set[str] = set()
        self._renders: dict[tuple[str, int, int], tuple[str, int, str]] = {}

    def next(self, series: str, on: date) -> str:
        seq = self._last[series] + 1
        self._last[series] = seq
        self._used.add(series)
        render = self._renders.get((series, on.year, on.month))
        if render is None:
            render = self._render(series, on)
            if self._text(render, seq) != self._formats[series].format(seq, on):
                raise AssertionError(f"number format {series} rendered differently")
        return self._text(render, seq)

    @staticmethod
    def _text(render: tuple[str, int, str], seq: int) -> str:
        prefix, width, suffix = render
        return f"{prefix}{str(seq).zfill(width)}{suffix}"

    def _render(self, series: str, on: date) -> tuple[str, int, str]:
        """The format's text around {seq} for one month (millions of numbers use it)."""
        number_format = self._formats[series]
        probe = number_format.format(_PROBE, on)
        prefix, _, suffix = probe.partition(str(_PROBE))
        width = len(number_format.format(1, on)) - len(prefix) - len(suffix)
        self._renders[(series, on.year, on.month)] = render = (prefix, width, suffix)
        return render

    def take(self, series: str, text: str) -> str:
        """A sample's own number: later numbers of its series continue after it.

        A sample number outside the series' format (INV-2025-001234 under INV-{seq}) is
        kept literally and does not move the series.
        """
        seq = self._formats[series].match(text)
        if seq is not None:
            self._last[series] = max(self._last[series], seq)
            self._used.add(series)
        return text

    def last_used(self, series: str) -> int:
        return self._last[series]

    def reserve(self, session: Session) -> dict[str, int]:
        """Number blocks that start after the demo's last number of every series it used."""
        reserved = {}
        for series in sorted(self._used):
            reserve_through(session, self.settings, series, self._last[series])
            reserved[series] = self._last[series]
            self._continue_central_series(session, series)
        return reserved

    def _continue_central_series(self, session: Session, series: str) -> None:
        """Built on a central database (`demo --database-url`), the server leases from its
        number series: start them after the demo's numbers and the block reserved above."""
        after = self._last[series] + self.settings.get("numbering.lease_block_size") + 1
        row = session.get(NumberSeries, series)
        if row is None:
            session.add(NumberSeries(series=series, next_first=after))
        else:
            row.next_first = max(row.next_first, after)
