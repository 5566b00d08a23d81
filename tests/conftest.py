"""Test-wide setup: offscreen Qt, a fixed locale and time zone, before Qt loads."""

from __future__ import annotations

import os
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "UTC"
os.environ["LANG"] = "C.UTF-8"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
if hasattr(time, "tzset"):
    time.tzset()

import pytest  # noqa: E402

from tests.factories import make_runtime  # noqa: E402


@pytest.fixture
def runtime(tmp_path):
    """A migrated SQLite database in a temp folder, with one user per role and a fixed clock."""
    rt = make_runtime(tmp_path / "data")
    yield rt
    rt.close()


@pytest.fixture
def services(runtime):
    from app.services.registry import Services

    return Services(runtime.app)


PG_ADMIN_URL = os.environ.get("UTILITYDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database for one test, dropped afterwards.

    Skipped when no server is reachable, except under CI, where a skip would
    hide the central database's tests: there it fails.
    """
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and is not reachable: {error.orig}")
        pytest.skip("PostgreSQL not reachable")
    name = f"utilitydesk_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def pushable_by_its_author(monkeypatch, request):
    """Every synced row a service queues must be one the central service lets its author push.

    A row that the server refuses for the author's role becomes a sync problem on a desktop
    that did nothing wrong (a supervisor's gateway import opening a billing exception, say).
    The server's own permission table decides; the system actor (the demo, migrations) is
    exempt, and so are tests that forge operations on purpose (mark them `forged_push`)."""
    if request.node.get_closest_marker("forged_push"):
        yield
        return
    from app.services.core.work import Work
    from sync.protocol import Operation
    from sync.server.auth import Caller
    from sync.server.permissions import permission_problem

    original = Work.record
    refused: list[str] = []

    def record(self, row, operation="insert", **kwargs):
        original(self, row, operation, **kwargs)
        if self.actor.username == "system":
            return
        caller = Caller(user_id=self.actor.user_id, username=self.actor.username, role=self.actor.role,
                        centre_id=self.actor.centre_id, device_id=None, device_centre_id=None)
        op = Operation.model_construct(seq=1, entity=type(row).__tablename__, entity_id=str(row.id),
                                       operation=operation, payload={}, author=self.actor.username)
        problem = permission_problem(caller, op)
        if problem:
            refused.append(problem)

    monkeypatch.setattr(Work, "record", record)
    yield
    log = os.environ.get("UTILITYDESK_PUSH_GUARD_LOG")
    if log and refused:
        with open(log, "a") as out:
            out.write("".join(f"{request.node.nodeid}\t{p}\n" for p in sorted(set(refused))))
    elif refused:
        pytest.fail("The central service would refuse what this desktop queued:\n" + "\n".join(sorted(set(refused))))
