"""Usage events are recorded by track() and summarised for administrators only."""

from __future__ import annotations

import pytest

from app.domain.core.errors import PermissionDenied
from app.services.core.work import track
from tests.factories import PASSWORD


def test_summary_counts_events_per_role(runtime, services):
    cashier = services.auth.login("cashier", PASSWORD)
    admin = services.auth.login("admin", PASSWORD)
    for _ in range(3):
        track(runtime.app, cashier, "payment_processed", method="Cash", amount="145.50")
    track(runtime.app, admin, "Dashboard_View", section="overview")
    rows = services.usage.summary(admin)
    assert [(r.event, r.role, r.count, r.users) for r in rows] == [
        ("payment_processed", "Customer Service Executive", 3, 1),
        ("Dashboard_View", "Utility Administrator", 1, 1),
    ]
    assert rows[0].last_at.tzinfo is not None
    with pytest.raises(PermissionDenied):
        services.usage.summary(cashier)
