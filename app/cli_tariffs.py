"""`utilitydesk tariff ...`: import, export, template and quote from the command line.

Commands act as the system user (a Utility Administrator) on the data folder's database.
A quote prints JSON: amounts are strings with the currency's minor digits.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from app.cli_args import iso_date
from app.cli_login import add_username, log_in_once_set_up
from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import RateType, TariffStatus, Utility

DataDir = Callable[[argparse.Namespace], Path]


def add_tariff_parser(sub: argparse._SubParsersAction) -> None:
    tariff = sub.add_parser("tariff", help="tariff import, export, template and quotes")
    actions = tariff.add_subparsers(dest="tariff_command", metavar="ACTION", required=True)

    imp = actions.add_parser("import", help="import tariffs from a CSV or XLSX file (all or nothing)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--draft", action="store_true", help="save new versions as drafts, unpublished")
    imp.add_argument("--decimal-comma", action="store_true",
                     help="the file writes decimals with a comma (0,1200); without this a comma "
                          "in a number is refused")
    add_username(imp, "imports (once the data folder has users)")

    exp = actions.add_parser("export", help="export tariffs (optionally filtered) to CSV or XLSX")
    exp.add_argument("--out", required=True, type=Path)
    exp.add_argument("--format", choices=("csv", "xlsx"), default=None,
                     help="default: from the file's extension")
    exp.add_argument("--search", default="", help="words in the name, description or categories")
    exp.add_argument("--utility", choices=[u.value for u in Utility], default=None)
    exp.add_argument("--rate-type", choices=[r.value for r in RateType], default=None)
    exp.add_argument("--status", choices=[s.value for s in TariffStatus], default=None)

    template = actions.add_parser("template", help="write a template with one tariff of each rate type")
    template.add_argument("--out", required=True, type=Path)

    quote = actions.add_parser("quote", help="rate a billing period under a tariff, as JSON")
    quote.add_argument("--tariff", required=True, help="the tariff's name")
    quote.add_argument("--from", dest="period_start", required=True, type=iso_date, metavar="YYYY-MM-DD")
    quote.add_argument("--to", dest="period_end", required=True, type=iso_date, metavar="YYYY-MM-DD")
    consumption = quote.add_mutually_exclusive_group(required=True)
    consumption.add_argument("--units", help="consumption in the tariff's unit")
    consumption.add_argument("--units-by-period", type=_periods,
                             help="time-based tariffs: peak=120,standard=300,off_peak=80")
    quote.add_argument("--load-kw", default=None, help="sanctioned load or demand, for per-kW charges")


def _periods(text: str) -> dict[str, str]:
    """'peak=120,standard=300' -> {'peak': '120', 'standard': '300'} (names as the tariff spells them)."""
    periods = {}
    for part in text.split(","):
        name, separator, units = part.partition("=")
        if not separator or not name.strip():
            raise argparse.ArgumentTypeError(f"'{part}' should be written name=units")
        periods[name.strip()] = units.strip()
    return periods


def cmd_tariff(args: argparse.Namespace, data_dir: DataDir) -> int:
    if args.tariff_command == "quote":
        return _quote(args, data_dir(args))
    # only the tariff service: the app's registry would import every area
    from app.runtime import open_runtime
    from app.services.tariffs.service import TariffsService

    # Every action takes the instance lock: import writes tariffs, export its audit entry and usage
    # event, and quote and template open (and migrate) the database like any other use.
    runtime = open_runtime(data_dir(args), lock=True)
    try:
        tariffs = TariffsService(runtime.app)
        if args.tariff_command == "import":  # publishes tariffs: done as a user who logs in
            return _import(tariffs, args, log_in_once_set_up(runtime, args))
        return _ACTIONS[args.tariff_command](tariffs, args)
    finally:
        runtime.close()


def _import(tariffs, args: argparse.Namespace, actor) -> int:
    bar = ProgressBar(sys.stderr)
    try:
        report = tariffs.transfer.import_file(
            actor, args.file, publish=not args.draft, decimal_comma=args.decimal_comma,
            progress=bar.show)
    finally:
        bar.close()
    print(report.describe())
    return 0 if report.ok else 1


class ProgressBar:
    """'Checking [#####.....] 1,200/2,400 tariffs' on one line of a terminal; silent when the
    output is a file or a pipe, so logs and scripts get the result alone."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.shown = False

    def show(self, stage: str, done: int, total: int) -> None:
        if not self.live:
            return
        filled = self.WIDTH * done // total if total else 0
        bar = "#" * filled + "." * (self.WIDTH - filled)
        count = f" {done:,}/{total:,} tariffs" if total else ""
        self.stream.write(f"\r{stage:<9}[{bar}]{count}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _export(tariffs, args: argparse.Namespace) -> int:
    from app.services.core.context import SYSTEM_ACTOR
    from app.services.tariffs.service import TariffFilter

    flt = TariffFilter(search=args.search, utility=Utility(args.utility) if args.utility else None,
                       rate_type=RateType(args.rate_type) if args.rate_type else None,
                       status=TariffStatus(args.status) if args.status else None)
    rows = tariffs.list_tariffs(SYSTEM_ACTOR, flt)
    result = tariffs.transfer.export(SYSTEM_ACTOR, [row.id for row in rows], args.out,
                                              args.format)
    print(f"Exported {result.tariffs} tariff(s), {result.rows} row(s) to {result.path}")
    return 0


def _template(tariffs, args: argparse.Namespace) -> int:
    path = tariffs.transfer.write_template(args.out)
    print(f"Template written to {path}")
    return 0


def _quote(args: argparse.Namespace, folder: Path) -> int:
    """Read-only and light: no migrations, no ORM (see app.services.tariffs.quotes)."""
    from app.config import Paths
    from app.services.tariffs.quotes import published_in_file, quote_json, quote_versions

    if args.units is None and not args.units_by_period:
        raise ValidationError("units", "Give --units or --units-by-period")
    name, versions = published_in_file(Paths(folder).database, args.tariff)
    quote = quote_versions(name, versions, args.period_start, args.period_end, units=args.units,
                           units_by_period=args.units_by_period, load_kw=args.load_kw)
    print(json.dumps(quote_json(quote), ensure_ascii=False))
    return 0


_ACTIONS = {"export": _export, "template": _template}
