"""The audit trail is append-only and hash-chained: tampering is detected and located."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.domain.core.errors import PermissionDenied
from app.models.system import AuditEntry
from app.services.core.audit import AuditFilter
from tests.factories import PASSWORD


@pytest.fixture
def admin(services):
    return services.auth.login("admin", PASSWORD)


def make_entries(services, admin, count=5):
    for n in range(count):
        services.settings.update(admin, {"general.utility_name": f"Utility {n}"})


def test_chain_is_intact_after_normal_work(services, admin):
    make_entries(services, admin)
    check = services.audit.verify_chain(admin)
    assert check.intact and check.entries_checked == 6  # login + 5 setting changes


def test_altered_entry_is_found(runtime, services, admin):
    make_entries(services, admin)
    with runtime.app.sessions() as session, session.begin():
        session.execute(text("UPDATE audit_entries SET user_name = 'mallory' WHERE seq = 3"))
    check = services.audit.verify_chain(admin)
    assert not check.intact and check.first_broken_seq == 3
    assert "altered" in check.problem


def test_removed_entry_is_found(runtime, services, admin):
    make_entries(services, admin)
    with runtime.app.sessions() as session, session.begin():
        session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    check = services.audit.verify_chain(admin)
    assert not check.intact and check.first_broken_seq == 3
    assert "removed" in check.problem


def test_search_filters_by_user_action_entity(runtime, services, admin):
    make_entries(services, admin, 2)
    services.auth.login("cashier", PASSWORD)
    rows = services.audit.search(admin, AuditFilter(action="setting"))
    assert [r.action for r in rows] == ["setting_changed", "setting_changed"]
    assert {r.user_name for r in services.audit.search(admin, AuditFilter(user_name="cash"))} == {"cashier"}
    assert services.audit.search(admin, AuditFilter(entity="setting"))[0].entity_id == "general.utility_name"


def test_roles_without_audit_permission_are_refused(services):
    cashier = services.auth.login("cashier", PASSWORD)
    with pytest.raises(PermissionDenied):
        services.audit.search(cashier, AuditFilter())


def test_entries_store_before_and_after(runtime, services, admin):
    services.settings.update(admin, {"general.utility_name": "Bright Water"})
    with runtime.app.sessions() as session:
        entry = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert entry.summary["before"] == "Sunrise Utilities"
    assert entry.summary["after"] == "Bright Water"
