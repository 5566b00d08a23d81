"""Settings: validated as a whole, written all-or-nothing, audited, queued for sync."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.models.reference import Setting
from app.models.system import AuditEntry, OutboxEntry
from tests.factories import PASSWORD


def counts(runtime) -> tuple[int, int, int]:
    with runtime.app.sessions() as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar()
                     for model in (Setting, AuditEntry, OutboxEntry))


@pytest.fixture
def admin(services):
    return services.auth.login("admin", PASSWORD)


def test_defaults_come_from_the_registry(services):
    settings = services.settings.current()
    assert settings.default_channel == "Walk-in"
    assert settings.currency == "INR"
    assert settings.number_format("receipt") == "R-{seq}"


def test_a_valid_change_is_stored_audited_and_queued(runtime, services, admin):
    services.settings.update(admin, {"payments.channels": ["Walk-in", "Kiosk"], "credit_notes.expiry_days": 180})
    settings = services.settings.current()
    assert settings.channels == ("Walk-in", "Kiosk")
    assert settings.credit_note_expiry_days == 180
    with runtime.app.sessions() as session:
        outbox = session.execute(select(OutboxEntry)).scalars().all()
        assert {o.payload["key"] for o in outbox} == {"payments.channels", "credit_notes.expiry_days"}
    # Changing it again is an update carrying the base version.
    services.settings.update(admin, {"credit_notes.expiry_days": 90})
    with runtime.app.sessions() as session:
        last = session.execute(select(OutboxEntry).order_by(OutboxEntry.seq.desc())).scalars().first()
        assert (last.operation, last.base_version, last.payload["version"]) == ("update", 1, 2)


def test_an_invalid_value_names_the_field_and_changes_nothing(runtime, services, admin):
    before = counts(runtime)
    with pytest.raises(ValidationError) as caught:
        services.settings.update(admin, {"credit_notes.expiry_days": 180, "numbering.receipt.format": "R-{year}"})
    assert caught.value.field == "Receipt number format"
    assert counts(runtime) == before
    assert services.settings.current().credit_note_expiry_days == 365


def test_rules_across_settings_are_checked(services, admin):
    with pytest.raises(ValidationError) as caught:
        services.settings.update(admin, {"payments.channels": ["Kiosk"]})
    assert "Walk-in" in str(caught.value) or caught.value.field == "Default payment channel"


def test_only_administrators_change_settings(runtime, services):
    cashier = services.auth.login("cashier", PASSWORD)
    with pytest.raises(PermissionDenied):
        services.settings.update(cashier, {"general.utility_name": "Mine"})
