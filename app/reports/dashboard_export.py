"""Dashboard figures as text and as files (CSV or XLSX): values formatted at the edge, tables
written; what goes into them is assembled by app/services/dashboard/export.py."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.dashboard.metrics import Metric
from app.domain.dashboard.trends import ChangeKind, Trend, rounded
from app.formatting import format_money

FORMATS = ("csv", "xlsx")
HEADER = ("Section", "Metric", "Current", "Previous cycle", "% change", "Same period last year",
          "YoY % change", "Highlight vs previous", "Highlight vs last year")


def metric_value(metric: Metric, value: Decimal | None, currency: str, locale: str) -> str:
    if value is None:
        return "—"
    if metric.is_money:
        return format_money(Money(value, currency), locale)
    if metric.key == "success_rate":
        return f"{rounded(value, 2)}%"
    places = 0 if value == value.to_integral_value() else 3
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=locale)


def change_text(change: Trend | None) -> str:
    if change is None:
        return "—"
    if change.percent is None:
        return "new" if change.current else "—"
    value = rounded(change.percent, 2 if change.change is ChangeKind.POINTS else 1)
    return f"{'+' if value > 0 else ''}{value}%"


def write_table(table: Sequence[Sequence[str]], path: Path, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise ValidationError("Format", f"must be one of {', '.join(FORMATS)}")
    (_write_csv if fmt == "csv" else _write_xlsx)(table, path)
    return path


def _write_csv(table: Sequence[Sequence[str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)


def _write_xlsx(table: Sequence[Sequence[str]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Dashboard"
    for row in table:
        sheet.append(list(row))
    for column in ("A", "B"):
        sheet.column_dimensions[column].width = 28
    book.save(path)


def write_rows(header: Sequence[str], body, path: Path, fmt: str) -> int:
    """A drill-down or search result (rows of text) as CSV or XLSX; returns the row count."""
    if fmt not in FORMATS:
        raise ValidationError("Format", f"must be one of {', '.join(FORMATS)}")
    table = [tuple(header)]
    table += [tuple(row) for row in body]
    (_write_csv if fmt == "csv" else _write_xlsx)(table, path)
    return len(table) - 1
