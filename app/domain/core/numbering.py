"""Human-readable document numbers: format templates and leased number blocks.

A template such as "PAY-{yyyy}-{seq:06}" holds exactly one {seq} (optionally
zero-padded to a width) and may hold {yyyy}, {yy} and {mm} from the document
date. The sequence of a series never restarts (not even each year): numbers
come from blocks the server leases to each device, so the sequence alone
identifies a document and the year is decoration.

Provisional numbers: a device that runs out of leased numbers while offline
puts "<device code>-P<n>" where {seq} goes, n counting from 1 per device and
series, at least 4 digits: "R-{seq}" gives "R-D3-P0001" on device D3, and
"PAY-{yyyy}-{seq:06}" gives "PAY-2025-D3-P0001". A leased number has only
digits in its fields, so a provisional number (which adds letters) can never
equal one; device codes are unique, so provisional numbers of two devices
never collide either.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.domain.core.errors import ValidationError

FORMAT_FIELD = "Number format"
DATE_FIELDS = ("yyyy", "yy", "mm")
PROVISIONAL_WIDTH = 4
_PAD_SPEC = re.compile(r"0([1-9]\d?)")
_DEVICE_CODE = re.compile(r"[A-Z][A-Z0-9]{0,7}")


@dataclass(frozen=True, slots=True)
class _Part:
    kind: str  # "text", "seq" or one of DATE_FIELDS
    text: str = ""
    width: int = 0


def _digits(width: int, name: str | None = None) -> str:
    """Digits as format_number writes them: zero-padded to width, no extra leading zero."""
    body = r"[1-9]\d*" if width == 0 else rf"\d{{{width}}}|[1-9]\d{{{width},}}"
    return f"(?P<{name}>{body})" if name else f"(?:{body})"


def _parse_field(name: str, spec: str, conversion: str | None) -> _Part:
    if conversion is not None:
        raise ValidationError(FORMAT_FIELD, f"{{{name}!{conversion}}} is not allowed")
    if name == "seq":
        padding = _PAD_SPEC.fullmatch(spec)
        if spec and padding is None:
            raise ValidationError(FORMAT_FIELD, "{seq} takes only a zero-padding width, like {seq:06}")
        return _Part("seq", width=int(padding.group(1)) if padding else 0)
    if name in DATE_FIELDS:
        if spec:
            raise ValidationError(FORMAT_FIELD, f"{{{name}}} takes no format")
        return _Part(name)
    allowed = "{seq}, {yyyy}, {yy} and {mm}"
    raise ValidationError(FORMAT_FIELD, f"{{{name}}} is not a known field; use {allowed}")


def _split(template: str) -> tuple[_Part, ...]:
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValidationError(FORMAT_FIELD, f"unbalanced braces ({error})") from None
    parts: list[_Part] = []
    for literal, name, spec, conversion in pieces:
        if literal:
            parts.append(_Part("text", literal))
        if name is not None:
            parts.append(_parse_field(name, spec or "", conversion))
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """A validated template; make it with NumberFormat.parse."""

    template: str
    parts: tuple[_Part, ...]

    @classmethod
    def parse(cls, template: str) -> NumberFormat:
        parts = _split(template.strip())
        seq_count = sum(part.kind == "seq" for part in parts)
        if seq_count != 1:
            raise ValidationError(FORMAT_FIELD, "must contain {seq} exactly once")
        return cls(template.strip(), parts)

    def format(self, seq: int, on: date) -> str:
        _check_seq(seq)
        return self._render(str(seq).zfill(self._seq_width), on)

    def format_provisional(self, device_code: str, n: int, on: date) -> str:
        if not _DEVICE_CODE.fullmatch(device_code):
            raise ValidationError("Device code", "1-8 capital letters and digits, starting with a letter")
        _check_seq(n)
        return self._render(f"{device_code}-P{n:0{PROVISIONAL_WIDTH}d}", on)

    def render(self, allocation: Allocation, on: date, device_code: str) -> str:
        if allocation.provisional:
            return self.format_provisional(device_code, allocation.seq, on)
        return self.format(allocation.seq, on)

    def match(self, text: str) -> int | None:
        """The sequence inside a number written in this format, or None."""
        found = self._pattern(_digits(self._seq_width, "seq")).fullmatch(text.strip())
        seq = int(found.group("seq")) if found else 0
        return seq if seq >= 1 else None  # all zeros is padding, never a number

    def match_provisional(self, text: str) -> tuple[str, int] | None:
        """(device code, n) of a provisional number in this format, or None."""
        seq = rf"(?P<device>[A-Z][A-Z0-9]{{0,7}})-P{_digits(PROVISIONAL_WIDTH, 'n')}"
        found = self._pattern(seq).fullmatch(text.strip())
        return (found.group("device").upper(), int(found.group("n"))) if found else None

    @property
    def _seq_width(self) -> int:
        return next(part.width for part in self.parts if part.kind == "seq")

    def _render(self, seq_text: str, on: date) -> str:
        values = {"seq": seq_text, "yyyy": f"{on.year:04d}", "yy": f"{on.year % 100:02d}",
                  "mm": f"{on.month:02d}"}
        return "".join(part.text if part.kind == "text" else values[part.kind] for part in self.parts)

    def _pattern(self, seq_pattern: str) -> re.Pattern[str]:
        # Case-insensitive: people type "r-5001" into a search box.
        patterns = {"seq": seq_pattern, "yyyy": r"\d{4}", "yy": r"\d{2}", "mm": r"(?:0[1-9]|1[0-2])"}
        return re.compile("".join(
            re.escape(part.text) if part.kind == "text" else patterns[part.kind]
            for part in self.parts
        ), re.IGNORECASE)


def _check_seq(seq: int) -> None:
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValidationError("Number", "a sequence number is a whole number, 1 or more")


def format_number(template: str, seq: int, on: date) -> str:
    return NumberFormat.parse(template).format(seq, on)


def parse_number(template: str, text: str) -> int | None:
    """The inverse of format_number, for search: None when text is not such a number."""
    return NumberFormat.parse(template).match(text)


# leased blocks ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NumberBlock:
    """Sequence numbers start..end (both included) leased to one device for one series."""

    series: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not self.series:
            raise ValidationError("Number block", "names its series")
        if self.start < 1 or self.end < self.start:
            raise ValidationError("Number block", "runs from 1 or more up to an end not below its start")

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    def overlaps(self, other: NumberBlock) -> bool:
        return self.series == other.series and self.start <= other.end and other.start <= self.end


class Allocation(NamedTuple):
    """A sequence number handed out; provisional ones count on their own from 1."""

    seq: int
    provisional: bool


class BlockAllocator:
    """Hands out a device's leased numbers in order, never twice; no I/O.

    The caller loads the blocks and the last numbers used, calls next(), and
    stores last_used() and last_provisional() in the same transaction as the
    document that took the number. Leases only move upwards: a number at or
    below the last one used is never handed out again.
    """

    def __init__(
        self,
        blocks: Iterable[NumberBlock] = (),
        last_used: Mapping[str, int] | None = None,
        last_provisional: Mapping[str, int] | None = None,
    ) -> None:
        self._blocks: list[NumberBlock] = []
        self._last_used = dict(last_used or {})
        self._last_provisional = dict(last_provisional or {})
        for block in blocks:
            self._keep(block)

    def add_block(self, block: NumberBlock) -> None:
        """A refill from the server; it must lie above every number already used."""
        if block.start <= self.last_used(block.series):
            raise ValidationError("Number block", "starts at or below a number already used")
        self._keep(block)

    def next(self, series: str) -> Allocation:
        seq = self._first_free(series)
        if seq is None:
            seq = self.last_provisional(series) + 1
            self._last_provisional[series] = seq
            return Allocation(seq, True)
        self._last_used[series] = seq
        return Allocation(seq, False)

    def remaining(self, series: str) -> int:
        after = self.last_used(series)
        return sum(max(0, block.end - max(block.start, after + 1) + 1)
                   for block in self.blocks(series))

    def needs_refill(self, series: str, low_water: int) -> bool:
        if low_water < 0:
            raise ValidationError("Low-water mark", "must be zero or more")
        return self.remaining(series) < low_water

    def last_used(self, series: str) -> int:
        return self._last_used.get(series, 0)

    def last_provisional(self, series: str) -> int:
        return self._last_provisional.get(series, 0)

    def blocks(self, series: str) -> tuple[NumberBlock, ...]:
        return tuple(block for block in self._blocks if block.series == series)

    def _keep(self, block: NumberBlock) -> None:
        if any(block.overlaps(held) for held in self._blocks):
            raise ValidationError("Number block", f"{block.start}-{block.end} overlaps a block held")
        self._blocks.append(block)
        self._blocks.sort(key=lambda held: (held.series, held.start))

    def _first_free(self, series: str) -> int | None:
        after = self.last_used(series)
        for block in self.blocks(series):
            candidate = max(block.start, after + 1)
            if candidate <= block.end:
                return candidate
        return None


RATE_WINDOW = 0.25  # seconds: the shortest time a use of leased numbers is averaged over


def usage_rate(then: tuple[float, int] | None, now: float, remaining: int) -> float:
    """Numbers a second a counter used since `then` (when, numbers left), for its lease refill.
    Over at least RATE_WINDOW: a quick round (a fifth of a second) that saw 8 numbers go has seen
    a counter at 40 a second, not 8; a few numbers too many leased is cheap, a counter run dry
    issues provisional numbers."""
    if then is None:
        return 0.0
    since, before = then
    return max(0, before - remaining) / max(now - since, RATE_WINDOW)
