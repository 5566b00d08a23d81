"""Login, lockout, logout and password change against a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.core.errors import AccountLocked, AuthenticationError, ValidationError
from app.domain.core.permissions import Role
from app.models.system import AuditEntry
from app.models.users import User
from tests.factories import PASSWORD


def audit_actions(runtime) -> list[str]:
    with runtime.app.sessions() as session:
        return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_login_returns_the_actor_with_role_and_audits_it(runtime, services):
    actor = services.auth.login("cashier", PASSWORD)
    assert actor.full_name == "Jane Smith"
    assert actor.role is Role.CUSTOMER_SERVICE_EXECUTIVE
    assert audit_actions(runtime) == ["login"]


def test_wrong_password_and_unknown_user_get_the_same_message(services):
    with pytest.raises(AuthenticationError, match="Wrong username or password"):
        services.auth.login("cashier", "nope")
    with pytest.raises(AuthenticationError, match="Wrong username or password"):
        services.auth.login("nobody", "nope")


def test_empty_fields_name_the_field(services):
    with pytest.raises(ValidationError) as caught:
        services.auth.login("  ", "x")
    assert caught.value.field == "Username"
    with pytest.raises(ValidationError) as caught:
        services.auth.login("cashier", "")
    assert caught.value.field == "Password"


def test_five_failures_lock_the_account_for_fifteen_minutes(runtime, services):
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            services.auth.login("cashier", "wrong")
    with pytest.raises(AccountLocked, match="locked for 15 minutes"):
        services.auth.login("cashier", "wrong")
    # Even the right password is refused while locked.
    with pytest.raises(AccountLocked, match="Try again in 15 minute"):
        services.auth.login("cashier", PASSWORD)
    assert audit_actions(runtime) == ["login_failed"] * 4 + ["account_locked"]
    runtime.app.clock.advance(timedelta(minutes=15, seconds=1))
    assert services.auth.login("cashier", PASSWORD).username == "cashier"


def test_a_success_resets_the_failure_count(runtime, services):
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            services.auth.login("cashier", "wrong")
    services.auth.login("cashier", PASSWORD)
    with pytest.raises(AuthenticationError):
        services.auth.login("cashier", "wrong")
    with runtime.app.sessions() as session:
        user = session.execute(select(User).where(User.username == "cashier")).scalar_one()
        assert user.failed_attempts == 1


def test_change_password_checks_every_rule_then_takes_effect(runtime, services):
    actor = services.auth.login("admin", PASSWORD)
    cases = [
        (("bad", "short", "short"), "New password"),
        ((PASSWORD, "long-enough-1", "long-enough-2"), "Repeat new password"),
        ((PASSWORD, PASSWORD, PASSWORD), "New password"),
        (("wrong-current", "long-enough-1", "long-enough-1"), "Current password"),
    ]
    for args, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.auth.change_password(actor, *args)
        assert caught.value.field == field
    services.auth.change_password(actor, PASSWORD, "long-enough-1", "long-enough-1")
    with pytest.raises(AuthenticationError):
        services.auth.login("admin", PASSWORD)
    assert services.auth.login("admin", "long-enough-1").username == "admin"
    assert "password_changed" in audit_actions(runtime)
