"""Who is acting, on which device, with which clock and database: what every use case needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.core.clock import Clock, SystemClock
from app.domain.core.permissions import Permission, Role, require

if TYPE_CHECKING:  # only an annotation: `Actor` stays importable without SQLAlchemy (CLI start-up)
    from sqlalchemy.orm import Session, sessionmaker


@dataclass(frozen=True)
class Actor:
    """The logged-in user (or the system) on whose behalf a service runs."""

    user_id: str
    username: str
    full_name: str
    role: Role
    centre_id: str | None = None

    def require(self, permission: Permission) -> None:
        require(self.role, permission)


SYSTEM_ACTOR = Actor(user_id="system", username="system", full_name="System", role=Role.UTILITY_ADMINISTRATOR)


@dataclass
class AppContext:
    """Long-lived handles: one per running app (or per test)."""

    sessions: sessionmaker[Session]
    device_id: str
    device_code: str = "D0001"
    clock: Clock = field(default_factory=SystemClock)
    # Without a central service this device leases number blocks to itself; with one,
    # only the server's leases are used (offline exhaustion -> provisional numbers).
    self_lease: bool = True

    @property
    def dialect(self) -> str:
        return self.sessions.kw["bind"].dialect.name
