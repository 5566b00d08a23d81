"""Formatting at the edge (screens, receipts, PDFs, exports): money, numbers and dates via babel.

Dates and times are written one way everywhere: `Formats.of(settings)` holds the utility's date
format (Settings > General > Date format), time zone and locale, and every screen, printout and
export that shows a day or a moment goes through it. A moment is shown in the utility's zone,
never in UTC: "11/22/2026 4:30 PM" for MM/dd/yyyy in America/Chicago.

A text a service stores for people (a plan's revision, a request's timeline, a notice, an e-mail
body, a billing exception) must not freeze the settings of the day it was written. It writes its
facts in a neutral form (a day as ISO "2026-11-22", a moment as ISO with its offset
"2026-11-22T22:30+00:00", an amount as Money writes itself, "145.50 USD") and whoever shows it
(a screen, a printout, the mailer when it sends) passes it through `Formats.text`, which writes
each fact as the settings say now. Texts stored before this rule keep their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from app.domain.core.money import Money, minor_digits

if TYPE_CHECKING:
    from app.domain.core.settings import Settings

# The neutral facts of a stored text (see the module's doc), the longest form first.
STORED_FACT = re.compile(
    r"(?<![\w.:-])(?:"
    r"(?P<moment>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))"
    r"|(?P<day>\d{4}-\d{2}-\d{2})(?![\w:-])"
    r"|(?P<amount>-?\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})\b)")


def format_money(money: Money, locale: str = "en_IN", symbol: str | None = None) -> str:
    """"₹1,45,000.00" in en_IN, "$145.50" in en_US; `symbol` replaces the sign (receipts: "Rs.")."""
    amount = money.rounded().amount
    text = format_currency(amount, money.currency, locale=locale, currency_digits=True)
    if symbol is not None:
        text = text.replace(get_currency_symbol(money.currency, locale=locale), symbol, 1)
    return text


def format_quantity(value: Decimal, locale: str = "en_IN", places: int = 2) -> str:
    return format_decimal(value, format=f"#,##0.{'0' * places}" if places else "#,##0", locale=locale)


def money_digits(currency: str) -> int:
    return minor_digits(currency)


@dataclass(frozen=True)
class Formats:
    """How this utility writes days, moments and money: the settings' date format (a Qt/CLDR
    pattern such as "MM/dd/yyyy", which babel and QDateEdit both read), time zone, locale and
    currency. Build it with `Formats.of(settings)`; the defaults are the settings' defaults."""

    date_format: str = "dd/MM/yyyy"
    time_zone: str = "Asia/Kolkata"
    locale: str = "en_IN"
    currency: str = "INR"

    @classmethod
    def of(cls, settings: Settings) -> Formats:
        return cls(settings.date_format, settings.time_zone, settings.locale, settings.currency)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def qt_date_format(self) -> str:
        """For QDateEdit.setDisplayFormat: the setting's pattern is already Qt's."""
        return self.date_format

    def local(self, moment: datetime) -> datetime:
        """The moment on the utility's clock (a naive moment is taken as UTC)."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return aware.astimezone(self.zone)

    def day(self, day: date | datetime | None) -> str:
        """"11/22/2026": a calendar day in the setting's format (a moment: its day in the zone)."""
        if day is None:
            return ""
        if isinstance(day, datetime):
            day = self.local(day).date()
        return _babel_date(day, format=self.date_format, locale=self.locale)

    def time(self, moment: datetime | None, *, seconds: bool = False) -> str:
        """"4:30 PM" in the utility's zone (the locale's short time; with seconds for the audit)."""
        if moment is None:
            return ""
        return _babel_time(self.local(moment), format="medium" if seconds else "short", locale=self.locale)

    def moment(self, moment: datetime | None, *, seconds: bool = False) -> str:
        """"11/22/2026 4:30 PM": the day in the setting's format, the time, in the utility's zone."""
        if moment is None:
            return ""
        return f"{self.day(moment)} {self.time(moment, seconds=seconds)}"

    def span(self, first: date | None, last: date | None, open_end: str = "Ongoing") -> str:
        """"11/01/2026 – 11/30/2026"; a missing end reads `open_end`."""
        return f"{self.day(first)} – {self.day(last) if last is not None else open_end}"

    def month(self, month: date, *, short: bool = False) -> str:
        """"November 2026" ("Nov 2026" short, for a chart's axis)."""
        return _babel_date(month, format="MMM yyyy" if short else "MMMM yyyy", locale=self.locale)

    @property
    def currency_symbol(self) -> str:
        """"$" for USD in en_US, "₹" for INR in en_IN."""
        return get_currency_symbol(self.currency, locale=self.locale)

    def money(self, money: Money | None) -> str:
        return "" if money is None else format_money(money, self.locale)

    def text(self, stored: str | None) -> str:
        """A stored text for people with its days, moments and amounts written as the settings
        say now: "due 2026-11-22, 45.50 USD" -> "due 11/22/2026, $45.50"."""
        return STORED_FACT.sub(self._fact, stored or "")

    def _fact(self, match: re.Match[str]) -> str:
        try:
            if match["moment"]:
                return self.moment(datetime.fromisoformat(match["moment"].replace("Z", "+00:00")))
            if match["day"]:
                return self.day(date.fromisoformat(match["day"]))
        except ValueError:  # "2026-13-45" is not a day: leave it as written
            return match[0]
        if match["currency"] != self.currency:
            return match[0]
        return self.money(Money(Decimal(match["amount"]), self.currency))

    def zero(self) -> Money:
        return Money.zero(self.currency)

