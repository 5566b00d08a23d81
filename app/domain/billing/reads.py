"""Meter reads: what a new read must satisfy, and the consumption between reads.

A read may not go below the meter's previous read unless the read records why: a meter
change (the register restarts; enter the old meter's final read first, the change read's
own interval counts nothing) or a rollover (the dials passed their maximum and restarted
at zero). A read may not be dated in the future or before the previous read, and the meter
must be linked to the account the read is entered for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError

ZERO = Decimal(0)
QUANTITY_PLACES = 3


class ReadType(StrEnum):
    ACTUAL = "Actual"
    ESTIMATED = "Estimated"


class ReadReason(StrEnum):
    NONE = ""
    METER_CHANGE = "Meter change"
    ROLLOVER = "Rollover"


@dataclass(frozen=True, slots=True)
class Reading:
    """One register's read on one day."""

    read_on: date
    reading: Decimal
    read_type: ReadType = ReadType.ACTUAL
    reason: ReadReason = ReadReason.NONE
    register: str = "total"


@dataclass(frozen=True, slots=True)
class MeterFacts:
    """What the rules need to know of the meter a read is entered against."""

    meter_no: str
    account_no: str | None  # the service account it is installed on, if any
    registers: tuple[str, ...] = ("total",)
    dial_digits: int = 6


def check_read(new: Reading, meter: MeterFacts, account_no: str, previous: Reading | None,
               today: date) -> None:
    """Raises ValidationError naming the field and the rule the read breaks."""
    if meter.account_no != account_no:
        raise ValidationError("meter_no", "Meter not linked to this account")
    if new.register not in meter.registers:
        raise ValidationError("register", f"Meter {meter.meter_no} has no register "
                                          f"'{new.register}' (it has {', '.join(meter.registers)})")
    if new.read_on > today:
        raise ValidationError("read_on", "Cannot select future date")
    if new.reading < 0:
        raise ValidationError("reading", "A reading must not be negative")
    if new.reading != new.reading.quantize(Decimal(1).scaleb(-QUANTITY_PLACES)):
        raise ValidationError("reading", f"A reading has at most {QUANTITY_PLACES} decimal places")
    if new.reading >= Decimal(10) ** meter.dial_digits:
        raise ValidationError("reading", f"Meter {meter.meter_no} shows at most "
                                         f"{meter.dial_digits} digits")
    if previous is None:
        return
    if new.read_on < previous.read_on:
        raise ValidationError("read_on", f"Must not be before the previous read "
                                         f"({previous.read_on.isoformat()})")
    if new.reading < previous.reading and new.reason is ReadReason.NONE:
        raise ValidationError("reading", f"Below the previous read ({previous.reading}); "
                                         "record a meter change or a rollover")
    if new.reason is ReadReason.ROLLOVER and new.reading >= previous.reading:
        raise ValidationError("reason", "A rollover read is below the previous read")


def interval_units(previous: Reading, current: Reading, dial_digits: int = 6) -> Decimal:
    """Units consumed between two consecutive reads of one register."""
    if current.reason is ReadReason.METER_CHANGE:
        return ZERO
    if current.reason is ReadReason.ROLLOVER:
        return Decimal(10) ** dial_digits - previous.reading + current.reading
    return current.reading - previous.reading


def units_between(reads: Sequence[Reading], dial_digits: int = 6) -> Decimal:
    """Units over consecutive reads of one register (oldest first): the sum of the intervals."""
    return sum((interval_units(a, b, dial_digits) for a, b in zip(reads, reads[1:], strict=False)),
               ZERO)
