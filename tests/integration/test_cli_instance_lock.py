"""Commands that write refuse to run while the app holds the data folder's instance lock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.config import InstanceLock, prepare_data_dir
from app.models.system import AuditEntry, OutboxEntry
from app.runtime import open_runtime
from app.services.registry import Services
from tests.factories import make_runtime
from tests.payment_fixtures import build_sample


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "data"
    runtime = make_runtime(folder)
    build_sample(runtime, Services(runtime.app))
    runtime.close()
    return folder


def written(folder) -> tuple[int, int]:
    runtime = open_runtime(folder, lock=False)
    try:
        with runtime.app.sessions() as session:
            return (session.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
                    session.execute(select(func.count()).select_from(OutboxEntry)).scalar_one())
    finally:
        runtime.close()


@pytest.mark.parametrize("command", [
    ["tariff", "export", "--out", "{out}/tariffs.csv"],
    ["receipt", "print", "R-0001", "--printer", "file://{out}/slip.bin"],
    ["printer", "test", "file://{out}/test.bin"],
])
def test_a_writing_command_is_refused_while_the_app_holds_the_folder(folder, tmp_path, capsys, command):
    before = written(folder)
    args = [part.format(out=tmp_path) for part in command]
    with InstanceLock(prepare_data_dir(folder).lock_file):  # the app, open on this folder
        assert main(["--data-dir", str(folder), *args]) == 2
    assert "already running" in capsys.readouterr().err
    assert written(folder) == before  # nothing half-written
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.bin"))


def test_the_same_export_runs_once_the_app_has_closed(folder, tmp_path):
    assert main(["--data-dir", str(folder), "tariff", "export", "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").exists()


def test_audit_verify_only_reads_and_may_run_beside_the_app(folder, capsys):
    with InstanceLock(prepare_data_dir(folder).lock_file):
        assert main(["--data-dir", str(folder), "audit", "verify"]) == 0
    assert "Audit chain intact" in capsys.readouterr().out
