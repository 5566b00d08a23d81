"""Importing tariffs as utilities write them: decimal commas, broken files, the app's own
export read back, versions that would shadow or leave a gap, and work linear in the file."""

from __future__ import annotations

import calendar
import csv
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import event

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    PeriodFactor,
    Season,
    Unit,
    Utility,
)
from app.services.tariffs.rows import COLUMNS
from tests.tariff_fixtures import (
    actor,
    commercial_water,
    dollar_utility,
    peak_hour_rate,
    standard_residential,
    winter_discount,
)


@pytest.fixture
def world(runtime, services):
    dollar_utility(services, runtime)
    return services, actor(runtime, "admin")


def write_csv(path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def flat_row(name: str, rate: str, valid_from: str = "2025-01-01", **more: str) -> dict[str, str]:
    return {"tariff": name, "utility": "electricity", "unit": "kWh", "rate_type": "flat",
            "valid_from": valid_from, "item": "rate", "rate": rate, **more}


# 7. a decimal comma is never read as a thousands separator ---------------------------------


def test_a_decimal_comma_is_refused_naming_line_and_column(world, tmp_path):
    services, admin = world
    write_csv(tmp_path / "comma.csv", [flat_row("Comma Flat", "0,1200")])
    report = services.tariffs.transfer.import_file(admin, tmp_path / "comma.csv")
    assert not report.ok and report.created == ()
    assert str(report.problems[0]).startswith(
        "Line 2, rate: '0,1200' is ambiguous: a comma may be a decimal or a thousands separator")
    assert services.tariffs.list_tariffs(admin) == []


def test_a_file_read_with_a_decimal_comma_prices_as_written(world, tmp_path):
    services, admin = world
    rows = [{"tariff": "Komma Slab", "utility": "electricity", "rate_type": "slab",
             "valid_from": "2025-01-01", "item": "slab", "from": "0", "to": "1.000,5", "rate": "0,1"},
            {"tariff": "Komma Slab", "item": "slab", "from": "1.000,5", "to": "", "rate": "0,123456"}]
    write_csv(tmp_path / "komma.csv", rows)
    report = services.tariffs.transfer.import_file(admin, tmp_path / "komma.csv", decimal_comma=True)
    assert report.ok, report.describe()
    quote = services.tariffs.quote(admin, "Komma Slab", date(2025, 1, 1), date(2025, 1, 31), units=1100)
    # 1,000.5 x 0.1 = 100.05; 99.5 x 0.123456 = 12.28387 -> 12.28
    assert [line.amount.amount for line in quote.bill.lines] == [D("100.05"), D("12.28")]


# 9. files that are not tariff files ------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "says"), [
    ("noise.csv", lambda p: p.write_bytes(bytes(range(128, 256)) * 40), "is not UTF-8 text"),
    ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(300)), "is not an XLSX workbook"),
    ("missing.csv", lambda p: None, "no such file"),
    ("folder.csv", lambda p: p.mkdir(), "is a folder"),
])
def test_a_file_that_is_not_a_tariff_file_is_one_clear_line(tmp_path, name, make, says):
    """Run as a user runs it, in its own process: one line on stderr, exit code 2."""
    path = tmp_path / name
    make(path)
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data"),
                           "tariff", "import", str(path)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert done.stderr.startswith("utilitydesk: file: ") and done.stdout == ""


# 10. the app's own export, read back, changes nothing -------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_reimporting_an_unchanged_export_is_all_unchanged(world, tmp_path, suffix):
    services, admin = world
    charges = (Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("5.99"), order=1),
               Charge(ChargeKind.PERCENTAGE, "Duty", percent=D("6"), base=("energy",), order=2))
    tariffs = [replace(standard_residential(), unit_rate=D("0.123456"), charges=charges),
               replace(commercial_water(), period_factor=PeriodFactor.CALENDAR_MONTHS, unit=Unit.GALLON,
                                price_per=D(1000)),
               replace(winter_discount(), seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.09")),
                                        Season("Regular", (4, 1), (10, 31), rate=D("0.12")))),
               peak_hour_rate()]
    for tariff in tariffs:
        services.tariffs.create(admin, tariff, categories=["Residential"])
    ids = [row.id for row in services.tariffs.list_tariffs(admin)]
    exported = services.tariffs.transfer.export(admin, ids, tmp_path / f"all.{suffix}")
    report = services.tariffs.transfer.import_file(admin, exported.path)
    assert report.ok, report.describe()
    assert (report.created, report.versioned) == ((), ())
    assert sorted(report.unchanged) == sorted(t.name for t in tariffs)


# 11. no version that shadows another or leaves days with no tariff ------------------------------


def test_a_version_before_the_current_one_is_refused_naming_it(world):
    services, admin = world
    saved = services.tariffs.create(admin, replace(standard_residential(), valid_from=date(2022, 4, 1)))
    earlier = replace(standard_residential(), valid_from=date(2021, 1, 1), valid_to=date(2021, 12, 31),
                                   unit_rate=D("0.10"))
    with pytest.raises(ValidationError) as refused:
        services.tariffs.new_version(admin, saved.tariff_id, earlier, change_summary="Backdated",
                                     base_version=saved.base_version)
    assert refused.value.rule == ("Version 1 starts on 2022-04-01: a version from 2021-01-01 would "
                                  "shadow it. Start on or after 2022-04-01")
    quote = services.tariffs.quote(admin, "Standard Residential Electricity", date(2022, 4, 1),
                                   date(2022, 4, 30), units=100)
    assert quote.bill.total.amount == D("12.00")


def test_a_version_that_leaves_a_gap_is_refused_and_a_same_day_correction_is_not(world):
    services, admin = world
    saved = services.tariffs.create(admin, replace(standard_residential(), valid_from=date(2024, 1, 1),
                                                                valid_to=date(2024, 12, 31)))
    later = replace(standard_residential(), valid_from=date(2025, 3, 1), unit_rate=D("0.15"))
    with pytest.raises(ValidationError) as refused:
        services.tariffs.new_version(admin, saved.tariff_id, later, change_summary="Gap",
                                     base_version=saved.base_version)
    assert refused.value.rule == ("Version 1 ends on 2024-12-31: a version from 2025-03-01 would "
                                  "leave 2025-01-01 to 2025-02-28 with no tariff. Start on "
                                  "2025-01-01 at the latest")
    following = services.tariffs.new_version(
        admin, saved.tariff_id, replace(later, valid_from=date(2025, 1, 1)),
        change_summary="From January", base_version=saved.base_version)
    assert following.version_no == 2


def test_an_import_names_the_version_a_backdated_row_would_shadow(world, tmp_path):
    services, admin = world
    services.tariffs.create(admin, replace(standard_residential(), valid_from=date(2022, 4, 1)))
    write_csv(tmp_path / "old.csv", [flat_row("Standard Residential Electricity", "0.1000",
                                              valid_from="2021-01-01", valid_to="2021-12-31")])
    report = services.tariffs.transfer.import_file(admin, tmp_path / "old.csv")
    assert [str(problem) for problem in report.problems] == [
        "Line 2, valid_from: Version 1 starts on 2022-04-01: a version from 2021-01-01 would "
        "shadow it. Start on or after 2022-04-01"]


# 8. linear: no tariff is checked by reloading every other one ------------------------------------


def _monthly_tariffs(count: int, start_year: int = 2000, prefix: str = "Monthly") -> list[dict[str, str]]:
    """Slab tariffs of one utility and rate type, each valid for one month: the worst case
    for overlap checks, since every one must be compared with its neighbours."""
    rows = []
    for index in range(count):
        year, month = divmod(index, 12)
        first = date(start_year + year, month + 1, 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        head = {"tariff": f"{prefix} {index:05d}", "utility": Utility.WATER.value, "unit": "kL",
                "rate_type": "slab", "valid_from": first.isoformat(), "valid_to": last.isoformat()}
        rows += [head | {"item": "slab", "from": "0", "to": "100", "rate": "0.08"},
                 head | {"item": "slab", "from": "101", "to": "", "rate": "0.10"}]
    return rows


def _statements_during(runtime, work) -> list[str]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = runtime.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_tariffs_are_read_once_per_import_whatever_its_size(world, runtime, tmp_path):
    services, admin = world
    write_csv(tmp_path / "small.csv", _monthly_tariffs(10))
    write_csv(tmp_path / "large.csv", _monthly_tariffs(60, start_year=2010, prefix="Later"))
    progress: list[tuple[str, int, int]] = []
    reports = []
    small = _statements_during(runtime, lambda: services.tariffs.transfer.import_file(
        admin, tmp_path / "small.csv"))
    large = _statements_during(runtime, lambda: reports.append(services.tariffs.transfer.import_file(
        admin, tmp_path / "large.csv", progress=lambda *step: progress.append(step))))
    assert reports[0].ok and len(reports[0].created) == 60
    reads = [[s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM tariffs" in s]
             for statements in (small, large)]
    assert len(reads[0]) == len(reads[1]) <= 2  # not once per tariff
    assert len(large) < 6 * len(small) * 1.1  # six times the tariffs, about six times the work
    assert progress[-1] == ("Writing", 60, 60)
    assert ("Checking", 60, 60) in progress


def test_once_a_folder_has_users_an_import_is_done_by_one_who_logs_in(runtime, tmp_path):
    """Publishing tariffs changes what every bill charges: the importer is named in the audit."""
    from sqlalchemy import select

    from app.models.system import AuditEntry
    from app.runtime import open_runtime
    from tests.factories import PASSWORD

    folder = runtime.paths.root  # seeded with a user per role
    runtime.close()
    template = tmp_path / "template.csv"
    app = [sys.executable, "-m", "app", "--data-dir", str(folder)]
    subprocess.run([*app, "tariff", "template", "--out", str(template)], check=True, capture_output=True)

    def import_as(username: str, password: str) -> subprocess.CompletedProcess:
        return subprocess.run([*app, "tariff", "import", str(template), "--username", username,
                               "--password-stdin"], input=password + "\n", capture_output=True,
                              text=True, timeout=120, check=False)

    refused = import_as("admin", "not the password")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    cashier = import_as("cashier", PASSWORD)
    assert cashier.returncode == 2 and "may not" in cashier.stderr
    done = import_as("admin", PASSWORD)
    assert done.returncode == 0, done.stderr
    reopened = open_runtime(folder, lock=False)
    try:
        with reopened.app.sessions() as session:
            who = set(session.execute(select(AuditEntry.user_name).where(
                AuditEntry.action.like("tariff%"))).scalars())
    finally:
        reopened.close()
    assert who == {"admin"}
