"""Login with argon2 hashes, lockout after repeated failures, logout and password change."""

from __future__ import annotations

import math
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from app.domain.core.errors import AccountLocked, AuthenticationError, ValidationError
from app.domain.core.permissions import Role
from app.models.users import User
from app.services.core.audit import append
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name,
                 role=Role(user.role), centre_id=user.centre_id)


class AuthService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def login(self, username: str, password: str) -> Actor:
        """The same message for an unknown user and a wrong password: names are not disclosed."""
        username = username.strip()
        if not username:
            raise ValidationError("Username", "is required")
        if not password:
            raise ValidationError("Password", "is required")
        failure: AuthenticationError | None = None
        with self.app.sessions() as session, session.begin():
            user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None or not user.active:
                raise AuthenticationError("Wrong username or password")
            now = self.app.clock.now()
            actor = _actor(user)
            if user.locked_until and user.locked_until > now:
                minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
                raise AccountLocked(
                    f"This account is locked after {MAX_FAILED_ATTEMPTS} failed attempts. "
                    f"Try again in {minutes} minute(s) or ask an administrator."
                )
            if not _verify(user.password_hash, password):
                failure = self._record_failure(session, user, actor, now)
            else:
                user.failed_attempts = 0
                user.locked_until = None
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                append(session, at=now, actor=actor, device_id=self.app.device_id, action="login",
                       entity="user", entity_id=user.id, summary={"result": "success"})
                return actor
        # The failure is committed (attempt counter and audit entry) before refusing.
        assert failure is not None
        raise failure

    def _record_failure(self, session, user: User, actor: Actor, now) -> AuthenticationError:
        user.failed_attempts += 1
        locked = user.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
        append(session, at=now, actor=actor, device_id=self.app.device_id,
               action="account_locked" if locked else "login_failed", entity="user",
               entity_id=user.id, summary={"result": "locked" if locked else "wrong password"})
        return (
            AccountLocked(f"Too many failed attempts: this account is locked for "
                          f"{int(LOCKOUT.total_seconds() // 60)} minutes.")
            if locked else AuthenticationError("Wrong username or password")
        )

    def users_exist(self) -> bool:
        return users_exist(self.app)

    def logout(self, actor: Actor) -> None:
        with unit_of_work(self.app, actor) as work:
            work.audit("logout", "user", actor.user_id)

    def change_password(self, actor: Actor, current: str, new: str, repeat: str) -> None:
        if len(new) < MIN_PASSWORD_LENGTH:
            raise ValidationError("New password", f"must have at least {MIN_PASSWORD_LENGTH} characters")
        if new != repeat:
            raise ValidationError("Repeat new password", "does not match the new password")
        if new == current:
            raise ValidationError("New password", "must differ from the current password")
        with unit_of_work(self.app, actor) as work:
            user = work.session.get(User, actor.user_id)
            if user is None or not _verify(user.password_hash, current):
                raise ValidationError("Current password", "is not correct")
            user.password_hash = hash_password(new)
            user.password_changed_at = work.now
            user.version += 1
            work.record(user, "update", base_version=user.version - 1)
            work.audit("password_changed", "user", user.id)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def users_exist(app: AppContext) -> bool:
    with app.sessions() as session:
        return session.execute(select(User.id).limit(1)).first() is not None


def actor_of(app: AppContext, username: str) -> Actor:
    """The actor of a known user without a password: for trusted in-process callers only (the
    demo generator, tests). People log in through AuthService.login."""
    with app.sessions() as session:
        return _actor(session.execute(select(User).where(User.username == username)).scalar_one())
