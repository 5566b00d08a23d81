"""Start-up refusals: each bad situation gets a clear message and changes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from app.config import AlreadyRunning, DataDirError, resolve_data_dir
from app.models.db import DatabaseError
from app.runtime import open_runtime


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("UTILITYDESK_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("UTILITYDESK_DATA_DIR")
    assert "UtilityDesk" in str(resolve_data_dir(None))


def test_second_instance_on_the_same_folder_is_refused(tmp_path):
    first = open_runtime(tmp_path / "d")
    try:
        with pytest.raises(AlreadyRunning, match="already running"):
            open_runtime(tmp_path / "d")
    finally:
        first.close()
    open_runtime(tmp_path / "d").close()  # free again once the first has gone


def test_second_instance_in_another_process_is_refused(tmp_path):
    first = open_runtime(tmp_path / "d")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "d"), "db", "status"],
            capture_output=True, text=True, timeout=60, env={**os.environ},
        )
    finally:
        first.close()
    assert result.returncode == 2
    assert "already running" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root can write anywhere; use a file in the way instead")
def test_unwritable_data_dir_is_named(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o500)
    with pytest.raises(DataDirError, match="cannot be written"):
        open_runtime(locked / "data")


def test_data_dir_blocked_by_a_file_is_named(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(DataDirError, match="cannot be written"):
        open_runtime(blocker / "data")


def test_corrupt_database_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    db = folder / "utilitydesk.sqlite3"
    garbage = b"this is not a database" * 100
    db.write_bytes(garbage)
    with pytest.raises(DatabaseError, match="damaged or not a UtilityDesk database"):
        open_runtime(folder)
    assert db.read_bytes() == garbage


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    open_runtime(tmp_path / "d").close()
    db = tmp_path / "d" / "utilitydesk.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(DatabaseError, match="newer version"):
        open_runtime(tmp_path / "d")
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_future",)


def test_bad_config_file_is_named(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "config.toml").write_text("this is = = not toml")
    with pytest.raises(DataDirError, match="not valid TOML"):
        open_runtime(folder)


def test_cli_help_lists_the_subcommands():
    result = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("gui", "demo", "db", "screenshots", "audit"):
        assert command in result.stdout
