"""`utilitydesk tariff import` killed (SIGKILL, as in a power cut) while it writes a large file:
after a restart the database is intact, the audit chain verifies and the import is all or
nothing: none of the file's tariffs when killed before the commit, all of them after it; and
the same command run again completes the import.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.models.system import AuditEntry
from app.models.tariffs import Tariff, TariffVersion
from app.runtime import open_runtime
from app.services.core.audit import verify
from app.services.tariffs.rows import COLUMNS
from bench.bench_tariff_import import tariff_rows
from tests.crash import kill_at_marker, needs_sigkill

pytestmark = needs_sigkill

TARIFFS = 300  # five rows each: 1,500 rows

CHILD = """
import sys, time

from app import cli_tariffs
from app.cli import main
from app.services.tariffs.import_export import TariffTransfer

folder, file, point = sys.argv[1:4]
import_file = TariffTransfer.import_file


def show_then_wait(self, stage, done, total):
    # progress is reported every 100 tariffs: 200 of them are written, not committed
    if stage == "Writing" and done >= 200:
        print("INSIDE", flush=True)
        time.sleep(120)


def import_then_wait(self, *args, **kwargs):
    report = import_file(self, *args, **kwargs)  # committed; the instance lock is still held
    print("COMMITTED", report.describe(), flush=True)
    time.sleep(120)


if point == "inside":
    cli_tariffs.ProgressBar.show = show_then_wait
else:
    TariffTransfer.import_file = import_then_wait
sys.exit(main(["--data-dir", folder, "tariff", "import", file]))
"""


def write_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(tariff_rows(TARIFFS * 5))
    return path


def state(folder: Path) -> dict[str, object]:
    runtime = open_runtime(folder, lock=False)
    try:
        with runtime.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with runtime.app.sessions() as session:
            chain = verify(session)
            assert chain.intact and chain.entries_checked > 0, chain
            names = session.execute(select(Tariff.name)).scalars().all()
            return {"water": sorted(name for name in names if name.startswith("Water ")),
                    "tariffs": len(names),
                    "versions": session.execute(select(func.count()).select_from(TariffVersion)).scalar(),
                    "audit": session.execute(select(AuditEntry.action).order_by(AuditEntry.seq))
                    .scalars().all()}
    finally:
        runtime.close()


def kill_at(folder: Path, file: Path, point: str, marker: str) -> str:
    return kill_at_marker(CHILD, [str(folder), str(file), point], marker)


@pytest.fixture
def world(tmp_path, capsys):
    """A data folder that already holds the template's five tariffs (and their audit entries)."""
    folder, template = tmp_path / "data", tmp_path / "template.csv"
    assert main(["--data-dir", str(folder), "tariff", "template", "--out", str(template)]) == 0
    assert main(["--data-dir", str(folder), "tariff", "import", str(template)]) == 0
    capsys.readouterr()
    return folder, write_csv(tmp_path / "water.csv")


def test_killed_while_writing_stores_none_of_the_file_and_the_import_can_be_run_again(world, capsys):
    folder, file = world
    before = state(folder)
    assert before["water"] == [] and before["tariffs"] == 5

    kill_at(folder, file, "inside", "INSIDE")
    assert state(folder) == before

    # the restarted command takes the lock the killed one left behind and imports everything
    assert main(["--data-dir", str(folder), "tariff", "import", str(file)]) == 0
    assert f"{TARIFFS} new tariff(s)" in capsys.readouterr().out
    after = state(folder)
    assert len(after["water"]) == TARIFFS and after["tariffs"] == 5 + TARIFFS
    assert after["versions"] == before["versions"] + TARIFFS
    assert after["audit"] == before["audit"] + ["tariffs_imported"]


def test_killed_after_the_commit_keeps_all_of_the_file(world, capsys):
    folder, file = world
    before = state(folder)
    line = kill_at(folder, file, "after", "COMMITTED")
    assert f"{TARIFFS} new tariff(s)" in line
    after = state(folder)
    assert len(after["water"]) == TARIFFS and after["tariffs"] == 5 + TARIFFS
    assert after["versions"] == before["versions"] + TARIFFS
    assert after["audit"] == before["audit"] + ["tariffs_imported"]

    # run again after the restart: every tariff is unchanged, nothing is written twice
    assert main(["--data-dir", str(folder), "tariff", "import", str(file)]) == 0
    assert f"{TARIFFS} unchanged" in capsys.readouterr().out
    assert state(folder)["versions"] == after["versions"]
