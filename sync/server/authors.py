"""Who a pushed operation is checked as: the token's user, or a user the server saw log in here.

The author a desktop writes into an operation is a claim, never a credential (docs/sync-security.md):
an operation named after another user is accepted only when that user logged in to this service
from this very desktop (a token bound to the device was issued to them), still may, and belongs
to the desktop's centre.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.permissions import Role
from app.models.central import AuthToken
from app.models.users import User
from sync.server.auth import Caller

# Actors of outbox rows written by the app itself rather than a person (background jobs,
# `utilitydesk` commands): they carry no user account, so they act as the token's user, as an
# operation without an actor does.
SYSTEM_ACTORS = frozenset({"system", "cli"})


class Authors:
    """One push's answers, cached per name: a Caller, or the reason the name is refused."""

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session = session
        self.caller = caller
        self._known: dict[str, Caller | str] = {}

    def of(self, name: str) -> Caller | str:
        if not name or name == self.caller.username or name in SYSTEM_ACTORS:
            return self.caller
        if name not in self._known:
            self._known[name] = self._verify(name)
        return self._known[name]

    def _verify(self, name: str) -> Caller | str:
        if "\x00" in name:
            return "actor: contains a NUL character"
        user = self.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is None:
            return f"Made by unknown user {name}"
        if not user.active or user.deleted:
            return f"Made by {name}, who is no longer an active user"
        if user.centre_id is not None and user.centre_id != self.caller.device_centre_id:
            return f"{name} is not a user of this centre"
        if not self._logged_in_here(user.id):
            return (f"Made by {name}, who has never logged in to the central service on this desktop; "
                    f"{name} logs in once while online, then sync again")
        return Caller(user.id, user.username, Role(user.role), user.centre_id,
                      self.caller.device_id, self.caller.device_centre_id)

    def _logged_in_here(self, user_id: str) -> bool:
        return self.session.execute(select(AuthToken.token_hash).where(
            AuthToken.user_id == user_id, AuthToken.device_id == self.caller.device_id).limit(1)).first() is not None
