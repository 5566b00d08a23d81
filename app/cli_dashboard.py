"""`utilitydesk dashboard show | export`: the billing dashboard's overview from the command line.

Commands read the data folder's database as the system user (a Utility Administrator); each
run is audited like the screen's. Money in --json is a string with the currency's minor digits.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from app.domain.core.money import round_half_up

DataDir = Callable[[argparse.Namespace], Path]


def add_dashboard_parser(sub: argparse._SubParsersAction) -> None:
    dashboard = sub.add_parser("dashboard", help="the billing dashboard's figures")
    actions = dashboard.add_subparsers(dest="dashboard_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every overview figure with its comparisons")
    show.add_argument("--cycle", default=None, help='a billing cycle\'s name, e.g. "North Zone - May 2026" '
                                                   "(default: this month, every zone)")
    show.add_argument("--json", action="store_true", help="JSON instead of a table")
    export = actions.add_parser("export", help="write the overview as CSV, XLSX or PDF (with the chart)")
    export.add_argument("--format", required=True, choices=("csv", "xlsx", "pdf"))
    export.add_argument("--out", required=True, type=Path)
    export.add_argument("--cycle", default=None, help="a billing cycle's name (default: this month)")


def _filter(services, name: str | None):
    from app.services.dashboard import DashboardFilter

    if not name:
        return DashboardFilter()
    return DashboardFilter(cycle_id=services.dashboard.find_cycle(_system(), name))


def _as_json(overview, currency_digits: int) -> dict:
    def text(metric, value: Decimal | None) -> str | None:
        if value is None:
            return None
        places = currency_digits if metric.is_money else 2 if metric.key == "success_rate" else None
        return str(value if places is None else round_half_up(value, places))

    def change(trend) -> dict | None:
        return None if trend is None else {
            "percent": None if trend.percent is None else str(round_half_up(trend.percent, 2)),
            "arrow": trend.arrow, "highlight": trend.highlight}

    return {"scope": overview.scopes[0], "previous": overview.scopes[1], "last_year": overview.scopes[2],
            "currency": overview.currency, "loaded_at": overview.loaded_at.isoformat(),
            "metrics": [{"key": m.key, "label": m.label, "section": m.section,
                         "current": text(m, m.current), "previous_cycle": text(m, m.previous_cycle),
                         "last_year": text(m, m.last_year),
                         "vs_previous_cycle": change(m.trends.vs_previous_cycle),
                         "vs_last_year": change(m.trends.vs_last_year)} for m in overview.metrics.metrics],
            "reconciliation": {"ok": overview.reconciliation.ok,
                               "checks": [c.describe() for c in overview.reconciliation.checks]}}


def cmd_dashboard(args: argparse.Namespace, data_dir: DataDir) -> int:
    from app.domain.core.money import minor_digits
    from app.formatting import Formats
    from app.runtime import open_runtime
    from app.services.dashboard.export import DashboardSnapshot, export, rows
    from app.services.registry import Services

    runtime = open_runtime(data_dir(args), lock=False, existing=True)
    try:
        services = Services(runtime.app)
        settings = services.settings.current()
        flt = _filter(services, args.cycle)
        overview = services.dashboard.overview(_system(), flt)
        if args.dashboard_command == "export":
            trend = tuple(services.dashboard.revenue_trend(_system(), flt))
            path = export(DashboardSnapshot(overview, trend), args.out, args.format, Formats.of(settings))
            services.dashboard.record(_system(), "dashboard_exported", overview.scopes[0], "Report_Export",
                                      format=args.format, file=str(path), source="command line")
            print(f"Dashboard for {overview.scopes[0]} written to {path}")
            return 0
        services.dashboard.record(_system(), "dashboard_viewed", overview.scopes[0], "Dashboard_View",
                                  source="command line")
        if args.json:
            print(json.dumps(_as_json(overview, minor_digits(overview.currency)), indent=2))
            return 0
        table = rows(DashboardSnapshot(overview), settings.locale)
        widths = [max(len(row[i]) for row in table if len(row) >= 7) for i in range(7)]
        print(" · ".join(table[0]))
        for row in table[1:]:
            print("  ".join(cell.ljust(widths[i]) if i < 7 else cell for i, cell in enumerate(row[:7])).rstrip())
        return 0 if overview.reconciliation.ok else 1
    finally:
        runtime.close()


def _system():
    """The actor the command line reads as (the service layer loads only when a command runs)."""
    from app.services.core.context import SYSTEM_ACTOR

    return SYSTEM_ACTOR
