"""Formatting at the edge (screens, receipts, PDFs, exports): money, numbers and dates via babel."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from app.domain.core.money import Money, minor_digits


def format_money(money: Money, locale: str = "en_IN", symbol: str | None = None) -> str:
    """"₹1,45,000.00" in en_IN, "$145.50" in en_US; `symbol` replaces the sign (receipts: "Rs.")."""
    amount = money.rounded().amount
    text = format_currency(amount, money.currency, locale=locale, currency_digits=True)
    if symbol is not None:
        text = text.replace(get_currency_symbol(money.currency, locale=locale), symbol, 1)
    return text


def format_quantity(value: Decimal, locale: str = "en_IN", places: int = 2) -> str:
    return format_decimal(value, format=f"#,##0.{'0' * places}" if places else "#,##0", locale=locale)


def format_day(day: date, locale: str = "en_IN") -> str:
    return _babel_date(day, format="medium", locale=locale)


def format_moment(moment: datetime, locale: str = "en_IN") -> str:
    return _babel_datetime(moment, format="medium", locale=locale)


def money_digits(currency: str) -> int:
    return minor_digits(currency)
