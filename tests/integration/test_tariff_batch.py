"""Batch editing of tariffs: extend validity, change rates by a percentage, deactivate; each
change a new published version (or a status), one summary and one audit entry, all or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ValidationError
from app.models.system import AuditEntry
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.tariffs.batch import BatchAction
from tests.tariff_fixtures import (
    actor,
    commercial_water,
    dollar_utility,
    standard_residential,
    winter_discount,
)


@pytest.fixture
def tariffs(runtime, services):
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    ids = {}
    for version in (standard_residential(), commercial_water(), replace(winter_discount(), name="Autumn Discount"),
                    replace(commercial_water(), name="Water Later", valid_from=date(2025, 9, 1), valid_to=None)):
        ids[version.name] = services.tariffs.create(manager, version).tariff_id
    return services, manager, ids


def versions(runtime, tariff_id):
    with runtime.app.sessions() as session:
        return [(r.version_no, r.state, r.valid_from, r.valid_to) for r in session.execute(
            select(VersionRecord).where(VersionRecord.tariff_id == tariff_id)
            .order_by(VersionRecord.version_no)).scalars()]


def batch_audits(runtime):
    with runtime.app.sessions() as session:
        return session.execute(select(AuditEntry).where(AuditEntry.action == "tariff_batch_edit")).scalars().all()


def test_extend_validity_publishes_a_version_and_skips_with_reasons(tariffs, runtime):
    services, manager, ids = tariffs
    chosen = [ids["Commercial Water Basic"], ids["Standard Residential Electricity"]]
    summary = services.tariff_batch.extend_validity(manager, chosen, date(2025, 8, 31))
    assert summary.changed == ("Commercial Water Basic",)
    assert summary.skipped == (("Standard Residential Electricity", "Already valid with no end date"),)
    assert summary.describe().startswith("Extend validity: 1 tariff(s) changed, 1 skipped.")
    assert versions(runtime, chosen[0]) == [(1, "Archived", date(2025, 3, 15), date(2025, 5, 15)),
                                            (2, "Published", date(2025, 3, 15), date(2025, 8, 31))]
    [audit] = batch_audits(runtime)
    assert audit.summary["changed"] == ["Commercial Water Basic"] and audit.summary["valid_to"] == "2025-08-31"


def test_one_refusal_undoes_the_whole_batch_and_names_the_tariff(tariffs, runtime):
    services, manager, ids = tariffs
    chosen = [ids["Autumn Discount"], ids["Commercial Water Basic"]]  # Autumn is written first
    with pytest.raises(ValidationError, match="'Commercial Water Basic'"):
        services.tariff_batch.extend_validity(manager, chosen, date(2025, 12, 31))  # into Water Later
    with runtime.app.sessions() as session:
        assert session.execute(select(func.count()).select_from(VersionRecord)).scalar() == 4
    assert batch_audits(runtime) == []


def test_change_rates_by_a_percentage_from_a_date(tariffs, runtime):
    services, manager, ids = tariffs
    chosen = [ids["Standard Residential Electricity"], ids["Autumn Discount"]]
    summary = services.tariff_batch.change_rates(manager, chosen, D("10"), date(2025, 5, 1))
    assert summary.action is BatchAction.CHANGE_RATES
    assert summary.changed == ("Standard Residential Electricity",)
    assert summary.skipped == (("Autumn Discount", "Ends on 2025-03-31, before 2025-05-01"),)
    quote = services.tariffs.quote
    assert quote(manager, "Standard Residential Electricity", date(2025, 4, 1), date(2025, 4, 30),
                 units=100).bill.total.amount == D("12.00")
    assert quote(manager, "Standard Residential Electricity", date(2025, 5, 1), date(2025, 5, 31),
                 units=100).bill.total.amount == D("13.20")
    assert versions(runtime, chosen[0])[-1] == (2, "Published", date(2025, 5, 1), None)
    with pytest.raises(ValidationError, match="between -99% and 1000%"):
        services.tariff_batch.change_rates(manager, chosen, D("-100"), date(2025, 5, 1))


def test_deactivate_skips_what_is_not_active(tariffs, runtime):
    services, manager, ids = tariffs
    chosen = [ids["Standard Residential Electricity"], ids["Autumn Discount"]]
    summary = services.tariff_batch.deactivate(actor(runtime, "admin"), chosen, reason="Retired")
    assert summary.changed == ("Standard Residential Electricity",)
    assert summary.skipped == (("Autumn Discount", "Already Expired"),)
    detail = services.tariffs.get(manager, chosen[0])
    assert detail.row.status.value == "Inactive"
    assert batch_audits(runtime)[0].summary["reason"] == "Retired"
