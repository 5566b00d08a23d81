"""Tariff files on disk: CSV or the `Tariffs` sheet of an XLSX workbook, read and written.

Whatever is wrong with a file as a whole (missing, a folder, not UTF-8 text, not a workbook,
damaged) is one ValidationError naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from app.domain.core.errors import ValidationError
from app.services.tariffs.rows import COLUMN_ALIASES, COLUMNS

FORMATS = ("csv", "xlsx")
SHEET = "Tariffs"
TableRows = list[tuple[int, dict[str, str]]]


def format_of(path: Path, requested: str | None = None) -> str:
    file_format = (requested or path.suffix.lstrip(".") or "csv").lower()
    if file_format not in FORMATS:
        raise ValidationError("format", "Use a .csv or .xlsx file")
    return file_format


def read_rows(path: Path, decimal_comma: bool = False) -> TableRows:
    """(line number, {column: text}) for each non-empty data row."""
    file_format = format_of(path)
    _check_readable(path)
    table = _read_xlsx(path, decimal_comma) if file_format == "xlsx" else _read_csv(path)
    if not table:
        raise ValidationError("file", f"{path.name} is empty: start from the template")
    header = [COLUMN_ALIASES.get(name, name) for name in (cell.strip().lower() for cell in table[0])]
    unknown = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in ("tariff", "item") if name not in header]
    if unknown or missing:
        raise ValidationError("header", "Line 1: " + "; ".join(
            [f"unknown column '{name}'" for name in unknown[:5]]
            + [f"missing column '{name}'" for name in missing]) + " (see the template)")
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        values = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header) if name}
        if any(values.values()):
            rows.append((line, values))
    return rows


def _check_readable(path: Path) -> None:
    if path.is_dir():
        raise ValidationError("file", f"{path} is a folder: give a .csv or .xlsx tariff file")
    if not path.exists():
        raise ValidationError("file", f"{path}: no such file")


def _read_csv(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [row for row in csv.reader(handle)]
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"{path.name} is not UTF-8 text (byte {error.start + 1} "
                                      "cannot be read): save it as CSV UTF-8") from None
    except csv.Error as error:
        raise ValidationError("file", f"{path.name} is not a CSV file ({error})") from None
    except OSError as error:
        raise ValidationError("file", f"{path.name} cannot be read: {error.strerror}") from None


def _read_xlsx(path: Path, decimal_comma: bool) -> list[list[str]]:
    from openpyxl import load_workbook

    damaged = (f"{path.name} is not an XLSX workbook or is damaged: open it in the spreadsheet "
               "and save it again as .xlsx")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise ValidationError("file", damaged) from None
    except Exception as error:  # openpyxl's own InvalidFileException and parse errors
        raise ValidationError("file", f"{damaged} ({type(error).__name__})") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.active
        return [[_cell_text(value, decimal_comma) for value in row]
                for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise ValidationError("file", damaged) from None
    finally:
        book.close()


def _cell_text(value: object, decimal_comma: bool = False) -> str:
    """A spreadsheet cell as the text a user meant: numbers via repr (exact for what was
    typed), written with the file's decimal separator so that they read back as typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = format(Decimal(repr(value)), "f")  # repr: the shortest text that is this float
        if isinstance(value, float) and value.is_integer():
            text = text.removesuffix(".0")
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def write_rows(path: Path, rows: Sequence[dict[str, str]], file_format: str) -> None:
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = SHEET
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row.get(name, "") for name in COLUMNS])
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
