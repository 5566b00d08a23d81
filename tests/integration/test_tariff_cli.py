"""`utilitydesk tariff ...`: template, import, export and a quote printed as JSON."""

from __future__ import annotations

import csv
import json

from app.cli import main


def run(capsys, data_dir, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), "tariff", *args])
    return code, capsys.readouterr().out


def test_import_then_quote_prints_json_lines_and_total(tmp_path, capsys):
    data = tmp_path / "data"
    template = tmp_path / "template.xlsx"
    assert run(capsys, data, "template", "--out", str(template))[0] == 0
    code, out = run(capsys, data, "import", str(template))
    assert code == 0 and "5 new tariff(s)" in out
    code, out = run(capsys, data, "quote", "--tariff", "Standard Residential Electricity",
                    "--from", "2025-04-01", "--to", "2025-04-30", "--units", "100")
    assert code == 0
    assert json.loads(out) == {
        "tariff": "Standard Residential Electricity", "version": 1, "factor": "1",
        "metered": {"quantity": "100", "unit": "kWh"}, "billed": {"quantity": "100", "unit": "kWh"},
        "basis": "per kWh",
        "lines": [{"description": "Energy charge", "quantity": "100", "rate": "0.1200", "amount": "12.00"}],
        "total": "12.00"}
    code, out = run(capsys, data, "quote", "--tariff", "Peak Hour Rate", "--from", "2025-04-01",
                    "--to", "2025-04-30", "--units-by-period", "peak=100,standard=200,off_peak=50")
    quote = json.loads(out)
    assert [line["amount"] for line in quote["lines"]] == ["4.00", "24.00", "18.00"]
    assert quote["total"] == "46.00"
    code, out = run(capsys, data, "quote", "--tariff", "Industrial Gas", "--from", "2025-04-01",
                    "--to", "2025-04-30", "--units", "10")
    assert json.loads(out)["lines"][-1] == {"description": "Monthly Service Fee", "quantity": "1",
                                           "rate": "250.00", "amount": "250.00"}


def test_export_a_filtered_list_and_a_bad_import(tmp_path, capsys):
    data = tmp_path / "data"
    template = tmp_path / "template.csv"
    run(capsys, data, "template", "--out", str(template))
    run(capsys, data, "import", str(template))
    out_file = tmp_path / "water.csv"
    code, out = run(capsys, data, "export", "--out", str(out_file), "--utility", "water")
    assert code == 0 and "Exported 1 tariff(s)" in out
    with out_file.open(encoding="utf-8") as handle:
        assert {row["tariff"] for row in csv.DictReader(handle)} == {"Commercial Water Basic"}
    bad = tmp_path / "bad.csv"
    bad.write_text(template.read_text(encoding="utf-8").replace("0.0800", "-1"), encoding="utf-8")
    code, out = run(capsys, data, "import", str(bad))
    assert code == 1
    assert "Nothing was imported" in out and "Line 3, rate: Slab rate must not be negative" in out


def test_an_unknown_tariff_is_a_clear_error(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "data"), "tariff", "quote", "--tariff", "Nope",
                 "--from", "2025-04-01", "--to", "2025-04-30", "--units", "1"])
    assert code == 2
    assert "No tariff named 'Nope'" in capsys.readouterr().err


def test_a_quote_imports_neither_the_orm_nor_the_services(tmp_path, capsys):
    """What makes `tariff quote` answer in a fraction of a second: nothing heavy is imported."""
    import subprocess
    import sys

    data = tmp_path / "data"
    template = tmp_path / "template.csv"
    run(capsys, data, "template", "--out", str(template))
    run(capsys, data, "import", str(template))
    probe = ("import sys, json; from app.cli import main; "
             f"code = main(['--data-dir', {str(data)!r}, 'tariff', 'quote', '--tariff', 'winter discount', "
             "'--from', '2025-01-01', '--to', '2025-01-31', '--units', '100']); "
             "print(json.dumps(sorted(m for m in ('sqlalchemy', 'alembic', 'fastapi', 'httpx', "
             "'app.models', 'app.services.registry', 'app.services.tariffs.service') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                          check=True)
    quote_line, heavy_line = done.stdout.strip().splitlines()
    assert json.loads(quote_line)["total"] == "9.00"  # 100 kWh at the winter rate
    assert json.loads(heavy_line) == []
