"""The dashboard as a file: every overview figure with both comparisons, the reconciliation
and the revenue trend, refused when the figures did not load completely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.formatting import Formats, format_money
from app.printing.pdf.dashboard_pdf import write_dashboard_pdf
from app.reports.dashboard_export import HEADER, change_text, metric_value, write_table
from app.services.dashboard.panels import TrendPoint
from app.services.dashboard.service import Overview

FORMATS = ("csv", "xlsx", "pdf")


@dataclass(frozen=True)
class DashboardSnapshot:
    """What the screen (or the command line) loaded; `complete` is False after a failed or
    partial load, and an export then refuses to run."""

    overview: Overview | None
    trend: tuple[TrendPoint, ...] = ()
    complete: bool = True


def rows(snapshot: DashboardSnapshot, locale: str) -> list[tuple[str, ...]]:
    check_complete(snapshot)
    overview = snapshot.overview
    assert overview is not None
    current, previous, last_year = overview.scopes
    out: list[tuple[str, ...]] = [("Scope", current, f"previous: {previous or '—'}",
                                   f"last year: {last_year or '—'}")]
    out.append(HEADER)
    for metric in overview.metrics.metrics:
        pair = metric.trends
        out.append((metric.section, metric.label,
                    metric_value(metric, metric.current, overview.currency, locale),
                    metric_value(metric, metric.previous_cycle, overview.currency, locale),
                    change_text(pair.vs_previous_cycle),
                    metric_value(metric, metric.last_year, overview.currency, locale),
                    change_text(pair.vs_last_year),
                    (pair.vs_previous_cycle and pair.vs_previous_cycle.highlight) or "",
                    (pair.vs_last_year and pair.vs_last_year.highlight) or ""))
    out.append(("Reconciliation", "OK" if overview.reconciliation.ok else "MISMATCH"))
    out += [("Reconciliation", check.describe()) for check in overview.reconciliation.checks]
    if snapshot.trend:
        out.append(("Revenue trend", "Month", "Billed", "Consumption", "Bills"))
        out += [("Revenue trend", point.month, format_money(Money(point.billed, overview.currency), locale),
                 format_decimal(point.consumption, locale=locale), str(point.bills))
                for point in snapshot.trend]
    return out


def check_complete(snapshot: DashboardSnapshot) -> None:
    if snapshot.overview is None or not snapshot.complete:
        raise ValidationError("Export", "the dashboard's figures did not load completely; refresh "
                                        "and export again once they have")


def export(snapshot: DashboardSnapshot, path: Path, fmt: str, formats: Formats) -> Path:
    if fmt not in FORMATS:
        raise ValidationError("Format", f"must be one of {', '.join(FORMATS)}")
    table = rows(snapshot, formats.locale)  # refuses incomplete data before a file is touched
    if fmt != "pdf":
        return write_table(table, path, fmt)
    overview = snapshot.overview
    metric_rows = [row[:7] for row in table[2:] if len(row) >= 7 and row[0] not in ("Revenue trend",)]
    notes = [f"Compared: {table[0][1]}; {table[0][2]}; {table[0][3]}."]
    notes += [f"Reconciliation: {row[1]}" for row in table if row[0] == "Reconciliation"]
    # the chart's coordinates are display-only floats; every figure printed stays Decimal text
    trend = [(point.month, float(point.billed)) for point in snapshot.trend]
    return write_dashboard_pdf(path, f"Billing dashboard: {overview.scopes[0]}", HEADER[:7], metric_rows,
                               notes, trend, overview.loaded_at, formats)
