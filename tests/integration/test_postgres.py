"""The same models, migrations and services on PostgreSQL (the central database)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.models.reference import Setting
from app.runtime import open_runtime
from app.services.core.audit import verify
from app.services.registry import Services
from tests.factories import PASSWORD, seed_users

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_runtime(tmp_path, pg_url):
    runtime = open_runtime(tmp_path / "d", lock=False, database_url=pg_url)
    seed_users(runtime)
    yield runtime
    runtime.close()


def test_migrations_and_services_run_on_postgres(pg_runtime):
    services = Services(pg_runtime.app)
    admin = services.auth.login("admin", PASSWORD)
    services.settings.update(admin, {"general.utility_name": "Central Water", "payments.overpayment_threshold": "250.50"})
    settings = services.settings.current()
    assert settings.utility_name == "Central Water"
    assert str(settings.get("payments.overpayment_threshold")) == "250.50"
    with pg_runtime.app.sessions() as session:
        assert session.execute(select(Setting.key).order_by(Setting.key)).scalars().all() == [
            "general.utility_name", "payments.overpayment_threshold"]
        assert verify(session).intact


def test_concurrent_writers_keep_one_audit_chain(pg_runtime):
    """Two transactions appending at once must not fork the chain (advisory lock)."""
    services = Services(pg_runtime.app)
    errors: list[BaseException] = []

    def log_in_many(username: str) -> None:
        try:
            for _ in range(5):
                services.auth.login(username, PASSWORD)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=log_in_many, args=(name,)) for name in ("admin", "cashier", "manager")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with pg_runtime.app.sessions() as session:
        check = verify(session)
    assert check.intact and check.entries_checked == 15
