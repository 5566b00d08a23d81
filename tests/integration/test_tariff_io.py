"""Tariff files: the template covers every rate type, a round trip changes nothing, and a
bad file reports each bad row and imports nothing."""

from __future__ import annotations

import csv
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied
from app.domain.tariffs.validation import RateType
from app.models.tariffs import Tariff
from app.services.tariffs.service import TariffFilter
from tests.factories import make_runtime
from tests.tariff_fixtures import actor, dollar_utility


@pytest.fixture
def world(runtime, services):
    dollar_utility(services, runtime)
    return services, actor(runtime, "admin")


def rows_of(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def tariff_count(runtime) -> int:
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(Tariff)).scalar_one()


def test_the_template_imports_one_tariff_of_each_rate_type(world, tmp_path):
    services, admin = world
    template = services.tariffs.transfer.write_template(tmp_path / "template.csv")
    report = services.tariffs.transfer.import_file(admin, template)
    assert report.ok, report.describe()
    assert report.created == ("Standard Residential Electricity", "Commercial Water Basic",
                              "Winter Discount", "Peak Hour Rate", "Industrial Gas")
    assert {row.rate_type for row in services.tariffs.list_tariffs(admin)} == set(RateType)
    water = services.tariffs.list_tariffs(admin, TariffFilter(search="Commercial Water"))[0]
    samples = services.tariffs.sample_bills(admin, services.tariffs.get(admin, water.id).version, (500,))
    assert samples[0].bill.total.amount == D("48.00")
    again = services.tariffs.transfer.import_file(admin, template)
    assert (again.created, again.versioned, len(again.unchanged)) == ((), (), 5)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_elsewhere_gives_the_same_tariffs(world, tmp_path, suffix):
    services, admin = world
    services.tariffs.transfer.import_file(admin, services.tariffs.transfer.write_template(tmp_path / "t.csv"))
    electricity = services.tariffs.list_tariffs(admin, TariffFilter(search="standard residential"))
    exported = services.tariffs.transfer.export(admin, [r.id for r in electricity], tmp_path / f"out.{suffix}")
    assert (exported.tariffs, exported.file_format) == (1, suffix)  # the filtered list only
    everything = [r.id for r in services.tariffs.list_tariffs(admin)]
    services.tariffs.transfer.export(admin, everything, tmp_path / f"all.{suffix}")
    other = make_runtime(tmp_path / "other")
    try:
        from app.services.registry import Services

        elsewhere = Services(other.app)
        dollar_utility(elsewhere, other)
        report = elsewhere.tariffs.transfer.import_file(actor(other, "admin"), tmp_path / f"all.{suffix}")
        assert report.ok, report.describe()
        for row in services.tariffs.list_tariffs(admin):
            copy = elsewhere.tariffs.list_tariffs(actor(other, "admin"), TariffFilter(search=row.name))[0]
            assert elsewhere.tariffs.get(actor(other, "admin"), copy.id).version == \
                services.tariffs.get(admin, row.id).version
    finally:
        other.close()


def test_a_changed_row_makes_a_new_version(world, tmp_path):
    services, admin = world
    template = services.tariffs.transfer.write_template(tmp_path / "t.csv")
    services.tariffs.transfer.import_file(admin, template)
    rows = rows_of(template)
    header = rows[0]
    flat = next(r for r in rows if r[0] == "Standard Residential Electricity")
    flat[header.index("rate")] = "0.1500"
    flat[header.index("change_summary")] = "Unit Rate updated from 0.12 to 0.15"
    write(tmp_path / "new.csv", [header, flat])
    report = services.tariffs.transfer.import_file(admin, tmp_path / "new.csv")
    assert report.versioned == ("Standard Residential Electricity",)
    row = services.tariffs.list_tariffs(admin, TariffFilter(search="Standard Residential"))[0]
    assert row.version_no == 2
    assert services.tariffs.history(admin, row.id).entries[-1].change_summary == \
        "Unit Rate updated from 0.12 to 0.15"


def test_a_bad_file_reports_each_bad_row_and_imports_nothing(world, tmp_path, runtime):
    services, admin = world
    rows = rows_of(services.tariffs.transfer.write_template(tmp_path / "t.csv"))
    header = rows[0]
    column = header.index
    rows[3][column("from")] = "102"  # line 4: a gap after 0-100
    rows[5][column("rate")] = "-0.15"  # line 6: a negative rate
    rows[7][column("from")] = "13-01"  # line 8: no such month
    rows[9][column("item")] = "slab"  # line 10: a slab row in a Time-based tariff
    second = {"tariff": "Second Flat", "utility": "electricity", "unit": "kWh", "rate_type": "flat",
              "valid_from": "2025-04-01", "item": "rate", "rate": "abc"}
    rows.append([second.get(name, "") for name in header])  # line 14: not a number
    write(tmp_path / "bad.csv", rows)
    report = services.tariffs.transfer.import_file(admin, tmp_path / "bad.csv")
    assert not report.ok
    assert [str(p) for p in report.problems] == [
        "Line 4, from: Slabs must not overlap or leave gaps",
        "Line 6, rate: Slab rate must not be negative",
        "Line 8, from: Season dates must be real calendar days",
        "Line 9, item: Time periods must cover all 24 hours without overlap",  # lost a range
        "Line 10, from: The first slab must start from 0 units",
        "Line 10, item: Not used by a Time-based tariff",
        "Line 10, to: The highest slab must have no upper limit, so that all consumption is covered",
        "Line 14, rate: 'abc' is not a number"]
    assert tariff_count(runtime) == 0  # the good tariffs in the file were not imported either
    assert report.describe().startswith("Nothing was imported: 8 problem(s) in 13 row(s).")


def test_overlap_with_a_stored_tariff_is_reported_on_its_line(world, tmp_path):
    services, admin = world
    rows = rows_of(services.tariffs.transfer.write_template(tmp_path / "t.csv"))
    services.tariffs.transfer.import_file(admin, tmp_path / "t.csv")
    header = rows[0]
    clash = list(rows[1])
    clash[0] = "Another Flat"
    write(tmp_path / "clash.csv", [header, clash])
    report = services.tariffs.transfer.import_file(admin, tmp_path / "clash.csv")
    assert [str(p) for p in report.problems] == [
        "Line 2, valid_from: Validity overlaps with tariff 'Standard Residential Electricity'"]


def test_unknown_columns_and_roles(world, tmp_path, runtime):
    services, admin = world
    write(tmp_path / "odd.csv", [["tariff", "item", "colour"], ["X", "rate", "red"]])
    with pytest.raises(Exception, match="unknown column 'colour'"):
        services.tariffs.transfer.import_file(admin, tmp_path / "odd.csv")
    with pytest.raises(PermissionDenied):
        services.tariffs.transfer.import_file(actor(runtime, "specialist"), tmp_path / "odd.csv")
