"""Meter reads entered and imported: all or nothing, every bad row named; escalation by age."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.domain.core.clock import FixedClock
from app.domain.core.errors import ValidationError
from app.models.billing import BillingException
from app.models.consumers import MeterRead
from app.services.billing.meter_reads import ReadEntry, ReadsRefused
from tests.billing_fixtures import CYCLE, build_world
from tests.tariff_fixtures import actor


@pytest.fixture
def world(runtime, services):
    return build_world(runtime, services)


def reads(runtime) -> int:
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(MeterRead)).scalar()


def test_an_import_with_bad_rows_imports_nothing_and_names_each(world, runtime, tmp_path):
    account = world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "1000")]})
    other = world.consumer("Bob", meters={"electricity": [(date(2025, 3, 16), "50")]})
    before = reads(runtime)
    path = tmp_path / "reads.csv"
    path.write_text(
        "account_no,meter_no,read_on,reading,reason\n"
        f"{account},M-C0001-electricity,2025-04-16,1100,\n"           # fine
        f"{account},M-C0001-electricity,2025-04-18,1050,\n"           # below row 1
        f"{other},M-C0001-electricity,2025-04-16,1200,\n"             # meter of another account
        f"{other},M-C0002-electricity,2025-04-21,60,\n"               # future (today 20 April)
        f"{other},M-C0002-electricity,2025-04-16,abc,\n"              # not a number
        f"{other},M-C0002-electricity,2025-04-16,10,Rollover\n")      # a recorded rollover: fine
    with pytest.raises(ReadsRefused) as refused:
        world.services.billing.import_reads(actor(runtime, "specialist"), path)
    assert [p.describe() for p in refused.value.problems] == [
        "row 5: reading: 'abc' is not a number"]  # parsing first: nothing is checked after it
    path.write_text(path.read_text().replace("abc", "55"))
    with pytest.raises(ReadsRefused) as refused:
        world.services.billing.import_reads(actor(runtime, "specialist"), path)
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (2, "reading"), (3, "meter_no"), (4, "read_on")]
    assert "Meter not linked to this account" in refused.value.problems[1].rule
    assert "Cannot select future date" in refused.value.problems[2].rule
    assert reads(runtime) == before


def test_a_clean_import_stores_every_read(world, runtime, tmp_path):
    account = world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "1000")]})
    path = tmp_path / "reads.csv"
    path.write_text("account_no,meter_no,read_on,reading\n"
                    f"{account},M-C0001-electricity,2025-04-16,1100\n"
                    f"C0001,M-C0001-electricity,2025-04-19,1150.25\n")  # the consumer's own number
    assert world.services.billing.import_reads(actor(runtime, "specialist"), path).count == 2
    assert reads(runtime) == 3


def test_a_missing_column_is_named(world, runtime, tmp_path):
    path = tmp_path / "reads.csv"
    path.write_text("account_no,meter,read_on,reading\nA,M,2025-04-16,1\n")
    with pytest.raises(ReadsRefused) as refused:
        world.services.billing.import_reads(actor(runtime, "specialist"), path)
    assert refused.value.problems[0].describe() == "row 0: header: missing column(s): meter_no"


def test_a_single_entry_is_checked_the_same_way(world, runtime):
    account = world.consumer("Ann", meters={"electricity": [(date(2025, 3, 16), "1000")]})
    with pytest.raises(ValidationError, match="record a meter change or a rollover"):
        world.services.billing.enter_read(actor(runtime, "specialist"), ReadEntry(
            account, "M-C0001-electricity", date(2025, 4, 16), D(900)))
    world.services.billing.enter_read(actor(runtime, "specialist"), ReadEntry(
        account, "M-C0001-electricity", date(2025, 4, 16), D(1200)))
    assert reads(runtime) == 2


def test_open_exceptions_escalate_after_their_severitys_hours(world, runtime):
    world.consumer("No Reads", meters={"electricity": []})  # Missing Meter Readings: High, 24 h
    billing = world.services.billing
    billing.generate(actor(runtime, "specialist"), billing.cycle_scope(CYCLE))
    clock: FixedClock = runtime.app.clock
    clock.advance(timedelta(hours=23))
    assert billing.escalate_due(actor(runtime, "manager")) == 0
    clock.advance(timedelta(hours=1))
    assert billing.escalate_due(actor(runtime, "manager")) == 1
    with runtime.app.sessions() as session:
        assert session.execute(select(BillingException.status)).scalar_one() == "Escalated"


def test_exception_actions_are_checked_logged_and_audited(world, runtime):
    from app.models.system import AuditEntry

    world.consumer("No Reads", meters={"electricity": []})
    billing = world.services.billing
    billing.generate(actor(runtime, "specialist"), billing.cycle_scope(CYCLE))
    manager = actor(runtime, "manager")
    [row] = billing.exceptions(manager)
    with pytest.raises(ValidationError, match="note: Resolve: say what was done"):
        billing.act_on_exception(manager, row.id, "Resolve")
    with pytest.raises(ValidationError, match="assignee"):
        billing.act_on_exception(manager, row.id, "Assign")
    billing.act_on_exception(manager, row.id, "Assign", assignee="specialist")
    billing.act_on_exception(manager, row.id, "Add note", "Route 7 reader was off sick")
    billing.act_on_exception(manager, row.id, "Resolve", "Special read booked for 22 April")
    assert billing.exceptions(manager) == []  # the queue shows open ones only
    with runtime.app.sessions() as session:
        saved = session.execute(select(BillingException)).scalar_one()
        actions = session.execute(select(AuditEntry.action).where(
            AuditEntry.entity == "billing_exception").order_by(AuditEntry.seq)).scalars().all()
    assert (saved.status, saved.assigned_to, saved.resolved_by) == ("Resolved", "specialist", "manager")
    assert saved.resolution.splitlines()[-1].endswith("manager: Resolve - Special read booked for 22 April")
    assert actions == ["exception_assign", "exception_add_note", "exception_resolve"]
    with pytest.raises(ValidationError, match="already resolved"):
        billing.act_on_exception(manager, row.id, "Escalate")
