"""`utilitydesk audit verify` reads the chain with sqlite3 (#17): it must find what the ORM's
check finds, at the same entry, on the same file, and refuse a file that is not a database."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.cli import main
from app.config import Paths
from app.models.system import AuditEntry
from app.runtime import open_runtime
from app.services.core.audit import verify
from app.services.core.audit_chain import CHAIN_COLUMNS, _decoded
from app.services.registry import Services
from tests.factories import PASSWORD, make_runtime


@pytest.fixture
def folder(tmp_path):
    """A utility whose audit trail has a login and settings changes with awkward summaries."""
    runtime = make_runtime(tmp_path / "data")
    services = Services(runtime.app)
    admin = services.auth.login("admin", PASSWORD)
    for name in ("Ünïcode Utility · ₹", "Sunrise \"Quoted\" Utilities", "Utility 3"):
        services.settings.update(admin, {"general.utility_name": name})
    runtime.close()
    return tmp_path / "data"


def orm_check(folder):
    runtime = open_runtime(folder, lock=False)
    try:
        with runtime.app.sessions() as session:
            return verify(session)
    finally:
        runtime.close()


def tamper(folder, statement):
    with sqlite3.connect(Paths(folder).database) as connection:
        connection.execute(statement)


def cli(folder, capsys):
    code = main(["--data-dir", str(folder), "audit", "verify"])
    return code, capsys.readouterr()


def test_rows_read_with_sqlite3_are_the_rows_the_orm_reads(folder):
    columns = [getattr(AuditEntry, name) for name in CHAIN_COLUMNS]
    runtime = open_runtime(folder, lock=False)
    try:
        with runtime.app.sessions() as session:
            orm = [tuple(row) for row in session.execute(select(*columns).order_by(AuditEntry.seq))]
    finally:
        runtime.close()
    with sqlite3.connect(Paths(folder).database) as connection:
        raw = [_decoded(row) for row in connection.execute(
            f"SELECT {', '.join(CHAIN_COLUMNS)} FROM audit_entries ORDER BY seq")]
    assert len(raw) == 4 and raw == orm


def test_an_intact_chain(folder, capsys):
    code, out = cli(folder, capsys)
    assert (code, out.out.strip()) == (0, "Audit chain intact: 4 entries verified.")
    assert orm_check(folder).entries_checked == 4


@pytest.mark.parametrize(("statement", "seq", "problem"), [
    ("UPDATE audit_entries SET user_name = 'mallory' WHERE seq = 3", 3, "contents were altered"),
    ("UPDATE audit_entries SET summary = '{\"before\": \"x\"}' WHERE seq = 2", 2, "contents were altered"),
    ("UPDATE audit_entries SET at = '2026-01-01 00:00:00.000000' WHERE seq = 4", 4, "contents were altered"),
    ("DELETE FROM audit_entries WHERE seq = 2", 3, "removed or altered"),
])
def test_a_broken_chain_is_found_where_the_orm_finds_it(folder, capsys, statement, seq, problem):
    tamper(folder, statement)
    code, out = cli(folder, capsys)
    assert code == 1
    assert out.out.startswith(f"Audit chain BROKEN at entry {seq}: ") and problem in out.out
    check = orm_check(folder)
    assert (check.intact, check.first_broken_seq) == (False, seq) and problem in check.problem


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path, capsys):
    (tmp_path / "d").mkdir()
    database = Paths(tmp_path / "d").database
    database.write_bytes(b"not a database" * 100)
    code, out = cli(tmp_path / "d", capsys)
    assert code == 2 and "cannot be read" in out.err and "Traceback" not in out.err
    assert database.read_bytes() == b"not a database" * 100
