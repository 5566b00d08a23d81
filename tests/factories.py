"""Small, real test worlds: a migrated SQLite file with a centre and one user per role."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.domain.core.clock import FixedClock
from app.domain.core.permissions import Role
from app.models.reference import ServiceCentre, Setting
from app.models.users import User
from app.runtime import Runtime, open_runtime
from app.services.core.auth import hash_password

PASSWORD = "secret-pass"
USERNAMES = {
    Role.BILLING_MANAGER: "manager",
    Role.BILLING_SPECIALIST: "specialist",
    Role.UTILITY_ADMINISTRATOR: "admin",
    Role.CUSTOMER_SERVICE_EXECUTIVE: "cashier",
    Role.CALL_CENTER_REPRESENTATIVE: "callcenter",
    Role.RECOVERY_EXECUTIVE: "recovery",
    Role.SUPERVISOR: "supervisor",
}
FULL_NAMES = {"cashier": "Jane Smith", "admin": "Asha Rao", "manager": "Ravi Kumar"}
NOW = datetime(2025, 4, 20, 10, 30, tzinfo=UTC)


def make_runtime(folder: Path, *, clock: FixedClock | None = None, lock: bool = False) -> Runtime:
    runtime = open_runtime(folder, lock=lock, clock=clock or FixedClock(NOW))
    seed_users(runtime)
    allow_cash_without_session(runtime)
    return runtime


def allow_cash_without_session(runtime: Runtime) -> None:
    """Most tests record a cash payment without opening a cash session first: their counter is
    set (as a utility may set it) not to need one. Tests of the rule turn it back on."""
    with runtime.app.sessions() as session, session.begin():
        session.add(Setting(key="counter.cash_needs_open_session", value=False))


def seed_users(runtime: Runtime) -> None:
    hashed = hash_password(PASSWORD)
    with runtime.app.sessions() as session, session.begin():
        centre = ServiceCentre(code="CSC", name="Central Service Centre")
        session.add(centre)
        session.flush()
        for role, username in USERNAMES.items():
            session.add(User(username=username, full_name=FULL_NAMES.get(username, username.title()),
                             role=role.value, password_hash=hashed, centre_id=centre.id))
