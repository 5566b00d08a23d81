"""The payments list as a file: CSV (plain amounts, ISO dates, for other programs) or XLSX
(amounts as numbers in the currency's format, dates as dates), one row per payment."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from app.domain.core.errors import ValidationError

FORMATS = ("csv", "xlsx")
HEADER = ("Receipt No", "Paid at", "Consumer", "Account No", "Payment type", "Method", "Amount",
          "Currency", "Status")
Row = tuple[str, datetime, str, str, str, str, Decimal, str, str]


def check_format(fmt: str) -> str:
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError("Format", f"must be one of {', '.join(FORMATS)}")
    return fmt


def write_payments(rows: Iterable[Row], path: Path, fmt: str) -> int:
    """Writes the header and the rows; returns how many payments were written."""
    fmt = check_format(fmt)
    return (_csv if fmt == "csv" else _xlsx)(rows, path)


def _csv(rows: Iterable[Row], path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for row in rows:
            out.writerow((*row[:1], row[1].isoformat(timespec="minutes"), *row[2:6],
                          f"{row[6]:f}", *row[7:]))
            count += 1
    return count


def _xlsx(rows: Iterable[Row], path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Payments")
    for column, width in zip("ABCDEFGHI", (14, 18, 28, 14, 13, 14, 12, 9, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(list(HEADER))
    count = 0
    for row in rows:
        when = WriteOnlyCell(sheet, row[1].replace(tzinfo=None))  # Excel has no time zones
        when.number_format = "yyyy-mm-dd hh:mm"
        amount = WriteOnlyCell(sheet, row[6])
        amount.number_format = "#,##0.00" if row[6] == round(row[6], 2) else "#,##0.000"
        sheet.append([row[0], when, *row[2:6], amount, *row[7:]])
        count += 1
    book.save(path)
    return count
