"""`utilitydesk dashboard show | export` on the known billing history, and exports refusing
figures that did not load completely."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.domain.core.errors import ValidationError
from app.formatting import Formats
from app.services.dashboard.export import DashboardSnapshot, export
from tests.dashboard_fixtures import build_world
from tests.payment_fixtures import actor


@pytest.fixture
def folder(runtime, tmp_path):
    build_world(runtime)
    return str(tmp_path / "data")


def test_show_prints_every_figure_with_both_comparisons(folder, capsys):
    assert main(["--data-dir", folder, "dashboard", "show", "--cycle", "north zone - mar 2025", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["scope"], shown["previous"], shown["last_year"]) == \
        ("North Zone - Mar 2025", "North Zone - Feb 2025", "North Zone - Mar 2024")
    metrics = {m["key"]: m for m in shown["metrics"]}
    assert len(metrics) == 12
    assert metrics["success_rate"]["current"] == "80.00"
    assert metrics["total_billed"]["current"] == "46.40"
    assert metrics["bills_generated"]["vs_previous_cycle"] == {"percent": "33.33", "arrow": "up",
                                                                "highlight": "green"}
    assert shown["reconciliation"]["ok"] is True

    assert main(["--data-dir", folder, "dashboard", "show", "--cycle", "North Zone - Mar 2025"]) == 0
    table = capsys.readouterr().out
    assert "Success Rate" in table and "80.00%" in table and "₹46.40" in table


def test_show_refuses_an_unknown_cycle_with_the_recent_ones(folder, capsys):
    assert main(["--data-dir", folder, "dashboard", "show", "--cycle", "Nowhere"]) == 2
    assert 'no billing cycle named "Nowhere"; the most recent are "North Zone - Apr 2025"' \
        in capsys.readouterr().err


def test_export_csv_and_xlsx(folder, tmp_path, capsys):
    out = tmp_path / "dash.csv"
    assert main(["--data-dir", folder, "dashboard", "export", "--format", "csv", "--out", str(out),
                 "--cycle", "North Zone - Mar 2025"]) == 0
    table = list(csv.reader(out.open(encoding="utf-8")))
    row = next(r for r in table if r[1:2] == ["Late Payment Revenue"])
    assert row[2] == "₹25.00"
    xlsx = tmp_path / "dash.xlsx"
    assert main(["--data-dir", folder, "dashboard", "export", "--format", "xlsx", "--out", str(xlsx),
                 "--cycle", "North Zone - Mar 2025"]) == 0
    cells = [[c.value for c in r] for r in load_workbook(xlsx).active.iter_rows()]
    assert any(r[1] == "Success Rate" and r[2] == "80.00%" for r in cells)
    pdf = tmp_path / "dash.pdf"
    assert main(["--data-dir", folder, "dashboard", "export", "--format", "pdf", "--out", str(pdf),
                 "--cycle", "North Zone - Mar 2025"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_export_refuses_incomplete_data(services, runtime, tmp_path):
    build_world(runtime)
    from app.services.dashboard import DashboardFilter

    overview = services.dashboard.overview(actor(runtime, "manager"), DashboardFilter())
    target = tmp_path / "never.csv"
    for snapshot in (DashboardSnapshot(None), DashboardSnapshot(overview, complete=False)):
        for fmt in ("csv", "pdf"):
            with pytest.raises(ValidationError, match="did not load completely"):
                export(snapshot, target, fmt, Formats())
    assert not target.exists()
    with pytest.raises(ValidationError, match="Format"):
        export(DashboardSnapshot(overview), target, "docx", Formats())
    assert Decimal(overview.threshold) == Decimal(5)
