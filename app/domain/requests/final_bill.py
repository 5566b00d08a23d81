"""The final bill of a disconnection: its final reads checked, its period, and its figures.

Final Amount Due = (Billed Amount + Outstanding Amount) - Security Deposit Applied. The deposit
applied is never more than the deposit held, and never more than is owed: a deposit larger
than the final bill and the dues settles them to $0.00, and the rest is refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.requests.execution import LinkedMeter, meter_by_number


@dataclass(frozen=True)
class FinalRead:
    meter_no: str
    reading: Decimal
    read_on: date


@dataclass(frozen=True)
class CheckedRead:
    meter: LinkedMeter  # AC016: its device number and type come with it
    reading: Decimal
    read_on: date


def parse_reading(text: str, utility: str = "") -> Decimal:
    """A final reading as typed: a plain non-negative number."""
    field = f"{utility} last reading".strip().capitalize()
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(field, f"'{text.strip()}' is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValidationError(field, "must be a number of zero or more")
    return value


def check_final_reads(reads: tuple[FinalRead, ...], linked: tuple[LinkedMeter, ...],
                      today: date) -> tuple[CheckedRead, ...]:
    """AC015: every meter is one of the account's; one read per linked meter (per utility);
    no reading date in the future. Not below the previous read is the meter-read rule's."""
    checked = []
    for read in reads:
        meter = meter_by_number(read.meter_no, linked)
        if read.read_on > today:
            raise ValidationError(f"{meter.utility} reading date", "Cannot select future date")
        checked.append(CheckedRead(meter, read.reading, read.read_on))
    seen = [c.meter.meter_id for c in checked]
    if len(set(seen)) != len(seen):
        raise ValidationError("Meter number", "each meter is read once")
    unread = [m for m in linked if m.meter_id not in seen]
    if unread:
        raise ValidationError(f"{unread[0].utility} meter number",
                              f"enter the final read of meter {unread[0].meter_no}")
    return tuple(checked)


def final_period(last_billed_to: date | None, connected_on: date, disconnection_on: date
                 ) -> tuple[date, date]:
    """From the day after the last bill (or the connection) to the disconnection date."""
    start = connected_on if last_billed_to is None else last_billed_to.fromordinal(
        last_billed_to.toordinal() + 1)
    return start, max(start, disconnection_on)


def period_text(start: date, end: date) -> str:
    """The spec's "Month Year – Month Year"."""
    return f"{start:%B %Y} – {end:%B %Y}"


@dataclass(frozen=True)
class FinalFigures:
    billed: Money
    outstanding: Money  # unpaid dues before this bill, from the ledger
    deposit_held: Money
    use_in_bill: bool

    @property
    def deposit_applied(self) -> Money:
        if not self.use_in_bill:
            return Money.zero(self.billed.currency)
        owed = self.billed + self.outstanding
        owed_amount = owed.amount if owed.amount > 0 else Decimal(0)
        return Money(min(self.deposit_held.amount, owed_amount), self.billed.currency)

    @property
    def amount_due(self) -> Money:
        return self.billed + self.outstanding - self.deposit_applied

    @property
    def deposit_refund(self) -> Money:
        """What is left of the deposit for the consumer after the final bill."""
        return self.deposit_held - self.deposit_applied

    @property
    def payment_required(self) -> bool:
        return self.amount_due.amount > 0
