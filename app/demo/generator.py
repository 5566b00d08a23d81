"""Builds a demo utility: reference data, tariffs and plans, consumers and months of history.

The same seed and `today` give the same rows. History is written as it would arrive from the
central service: in bulk, with no outbox rows and no audit entries except one "demo_built".
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.consumers import generate_consumers
from app.demo.cycles import make_cycles, months_of_history
from app.demo.history import HistoryRun
from app.demo.live import record_live_activity
from app.demo.numbers import DemoNumbers
from app.demo.plans import write_plans
from app.demo.recovery import Recovery
from app.demo.reference import DEMO_PASSWORD, users_of, write_reference
from app.demo.regions import BY_CURRENCY
from app.demo.samples import Samples
from app.demo.tariffs import HISTORY_COVERED_FROM, write_tariffs
from app.domain.core.errors import UtilityDeskError
from app.domain.core.settings import Settings
from app.domain.core.settings import to_json as registry_to_json
from app.models.consumers import Consumer
from app.models.reference import Setting
from app.services.core.context import SYSTEM_ACTOR, AppContext
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work

Progress = Callable[[str, str], None]
SAMPLE_CONSUMERS = 2  # John Doe and John Michael Smith


class DemoAlreadyBuilt(UtilityDeskError):
    """The data folder already holds a utility; the demo never writes over one."""


@dataclass(frozen=True)
class DemoOptions:
    consumers: int = 400
    months: int = 14
    seed: int = 7
    today: date | None = None
    if_missing: bool = False
    database_url: str | None = None
    currency: str = "USD"


# The specs' sample figures are dollars ($145.50 bills, $0.12 a unit), so the demo is a
# dollar utility by default; --currency INR builds the same utility billing in rupees.
UTILITY_SETTINGS: dict[str, dict[str, str]] = {
    "USD": {"general.currency": "USD", "general.locale": "en_US",
            "general.time_zone": "America/Chicago", "general.date_format": "MM/dd/yyyy"},
    "INR": {"general.currency": "INR", "general.locale": "en_IN",
            "general.time_zone": "Asia/Kolkata", "general.date_format": "dd/MM/yyyy"},
}


def write_utility_settings(session: Session, currency: str) -> None:
    """The demo utility's own settings, validated by the registry like any other change."""
    if currency not in UTILITY_SETTINGS:
        raise UtilityDeskError(f"The demo can bill in {', '.join(UTILITY_SETTINGS)}, not {currency}")
    changes = {**UTILITY_SETTINGS[currency], "payments.modes": list(BY_CURRENCY[currency].payment_modes)}
    Settings.defaults().with_changes(changes)  # raises ValidationError naming the setting
    for key, value in changes.items():
        session.add(Setting(key=key, value=registry_to_json(key, value), changed_by="demo"))


@dataclass(frozen=True)
class DemoSummary:
    built: bool
    seconds: float = 0.0
    today: date | None = None
    months: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    database: str = ""
    size_mb: float | None = None
    logins: tuple[tuple[str, str, str], ...] = ()  # username, full name, role
    password: str = DEMO_PASSWORD
    note: str = ""

    def count(self, table: str) -> int:
        return self.rows.get(table, 0)

    def describe(self) -> str:
        if not self.built:
            return self.note or "The database already holds a utility: nothing was done."
        lines = [
            f"Demo utility built in {self.seconds:.1f} s ({self.months} months of history up to "
            f"{self.today:%d %b %Y}).",
            f"Database: {self.database}" + (f" ({self.size_mb:,.1f} MB)" if self.size_mb is not None else ""),
            "",
            f"  consumers {self.count('consumers'):>12,}   service accounts {self.count('service_accounts'):>10,}",
            f"  bills     {self.count('bills'):>12,}   bill lines       {self.count('bill_lines'):>10,}",
            f"  payments  {self.count('payments'):>12,}   ledger entries   {self.count('ledger_entries'):>10,}",
            f"  meter reads {self.count('meter_reads'):>10,}   billing cycles   {self.count('billing_cycles'):>10,}",
            f"  {sum(self.rows.values()):,} rows in all",
            "",
            f"Logins (password {self.password}):",
        ]
        lines += [f"  {username:<15} {full_name:<15} {role}" for username, full_name, role in self.logins]
        return "\n".join(lines)


def stderr_progress() -> Progress:
    """Progress lines on stderr, with the seconds since the build started."""
    started = time.perf_counter()

    def report(phase: str, detail: str) -> None:
        print(f"[demo {time.perf_counter() - started:6.1f}s] {phase}: {detail}", file=sys.stderr, flush=True)

    return report


_DEFAULT = object()


def build_demo_in(data_dir: Path, options: DemoOptions, progress: Progress | None | object = _DEFAULT
                  ) -> DemoSummary:
    """Opens the data folder (taking its lock), builds the demo and closes it again.

    Progress goes to stderr unless another reporter (or None, for silence) is given.
    """
    from app.runtime import open_runtime

    runtime = open_runtime(data_dir, lock=True, database_url=options.database_url)
    try:
        report = stderr_progress() if progress is _DEFAULT else progress
        return build_demo(runtime.app, options, report)  # type: ignore[arg-type]
    finally:
        runtime.close()


def build_demo(app: AppContext, options: DemoOptions, progress: Progress | None = None) -> DemoSummary:
    report = progress or (lambda phase, detail: None)
    engine: Engine = app.sessions.kw["bind"]
    with app.sessions() as session:
        has_consumers = session.execute(select(Consumer.id).limit(1)).first() is not None
    if has_consumers:
        if options.if_missing:
            return DemoSummary(False, note="The database already holds a utility: nothing was done.")
        raise DemoAlreadyBuilt("The data folder already holds a utility; use an empty folder "
                               "(or --if-missing to leave it as it is).")
    with app.sessions() as session, session.begin():
        write_utility_settings(session, options.currency)
    with app.sessions() as session:
        settings = load_settings(session)
    started = time.perf_counter()
    zone = ZoneInfo(settings.time_zone)
    today = options.today or app.clock.today(zone)
    now = app.clock.now()
    if today != app.clock.today(zone):  # built for another day: that day is over
        now = datetime(today.year, today.month, today.day, 23, 59, 59, tzinfo=zone)
    builder = _Builder(engine, settings, options, today, now, report)
    rows, months = builder.build()
    with unit_of_work(app, SYSTEM_ACTOR) as work:
        builder.numbers.reserve(work.session)
        work.audit("demo_built", "utility", settings.utility_name, consumers=rows.get("consumers", 0),
                   months=months, seed=options.seed, today=today.isoformat(),
                   bills=rows.get("bills", 0), payments=rows.get("payments", 0))
    live = record_live_activity(app, today, app.clock.now(), BY_CURRENCY[options.currency])
    rows["live counter payments"] = live.counter_payments
    rows["live online payments"] = live.online_payments
    report("live", f"{live.counter_payments} counter and {live.online_payments} online payments "
                   "recorded through the payment services")
    _checkpoint(engine)
    seconds = time.perf_counter() - started
    database, size = _database_file(engine)
    report("done", f"{sum(rows.values()):,} rows in {seconds:.1f} s")
    return DemoSummary(True, seconds, today, months, dict(sorted(rows.items())), database, size,
                       tuple((u.username, u.full_name, u.role.value)
                             for u in users_of(BY_CURRENCY[options.currency])))


def _checkpoint(engine: Engine) -> None:
    """Moves the build out of SQLite's write-ahead log into the database file."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _database_file(engine: Engine) -> tuple[str, float | None]:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
        return str(path), size / 1_000_000
    return url.render_as_string(hide_password=True), None


class _Builder:
    """The phases, each in its own transaction on one connection."""

    def __init__(self, engine: Engine, settings, options: DemoOptions, today: date, now: datetime,
                 report: Progress) -> None:
        self.engine, self.settings, self.options, self.today, self.report = engine, settings, options, today, report
        self.ids = DemoIds(options.seed)
        self.local = LocalTime(settings.time_zone, now)
        self.numbers = DemoNumbers(settings)
        self.built_at = self.local.at(today, 0, 0)

    def build(self) -> tuple[dict[str, int], int]:
        month_starts = months_of_history(self.today, self.options.months, HISTORY_COVERED_FROM)
        with BulkWriter.open(self.engine, self.built_at) as writer:
            self._phases(writer, month_starts)
        return dict(writer.counts), len(month_starts)

    def _phases(self, writer: BulkWriter, month_starts: list[date]) -> None:
        with writer.transaction():
            ref = write_reference(writer, self.ids, self.built_at, BY_CURRENCY[self.settings.currency])
            tariffs = write_tariffs(writer, self.ids, self.local, self.settings.currency)
            plans = write_plans(writer, self.ids, self.local, tariffs)
        self.report("reference", f"{len(tariffs.defs)} tariffs, 5 plans, {len(ref.users)} users")
        with writer.transaction():
            Samples(writer, self.ids, self.numbers, self.local, tariffs, ref, plans).write()
        count = max(0, self.options.consumers - SAMPLE_CONSUMERS)
        history_start = min(month_starts) - timedelta(days=31)
        with writer.transaction():
            population = generate_consumers(writer, self.ids, random.Random(f"{self.options.seed}:consumers"),
                                            ref, tariffs, plans, count, history_start, self.today)
        self.report("consumers", f"{count + SAMPLE_CONSUMERS:,} consumers, "
                                 f"{writer.counts['service_accounts']:,} service accounts")
        cycles = make_cycles(month_starts, self.today, self.ids.maker("billing_cycles"))
        rng = random.Random(f"{self.options.seed}:history")
        with writer.transaction():
            history = HistoryRun(writer, self.ids, rng, self.numbers, self.local, tariffs, ref,
                                 self.settings, population, cycles)
            result = history.run(self.report)
            Recovery(writer, self.ids, rng, self.numbers, self.local, ref, self.settings, population,
                     result.cashier).write()
        self.report("history", f"{writer.counts['bills']:,} bills, {writer.counts['payments']:,} payments")
