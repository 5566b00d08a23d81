"""Pulling the change log: the snapshot fence, scope, conflicts between desktops, restores."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, delete, select, text

from app.models.billing import LedgerEntry
from app.models.central import ChangeLogEntry, Device
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.services.core.work import unit_of_work
from sync import local
from sync.server.changelog import current_txid, record_change
from sync.server.scope import Locator
from sync.server.state import rotate_epoch
from tests.conftest import PG_ADMIN_URL
from tests.sync_helpers import enrolled_desktop, record_payment

pytestmark = pytest.mark.postgres


@pytest.fixture
def desktops(server, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first")
    second = enrolled_desktop(server, tmp_path / "second", username="supervisor")
    first.agent.sync_once()
    second.agent.sync_once()
    yield first, second
    first.close()
    second.close()


def local_consumer(desktop, consumer_id: str) -> Consumer | None:
    with desktop.runtime.app.sessions() as session:
        return session.get(Consumer, consumer_id)


def test_bootstrap_brings_reference_data_first_and_only_the_centres_scope(server, tmp_path):
    seen = []
    desk = enrolled_desktop(server, tmp_path / "desk", progress=seen.append)
    try:
        report = desk.agent.sync_once()
        assert report.bootstrapped
        phases = [p.phase for p in seen]
        assert phases.index("accounts") > max(i for i, p in enumerate(phases) if p == "reference")
        consumers = {p.entity: p.entity_rows for p in seen}["consumers"]
        assert consumers == len(server.world.consumer_ids)
        assert local_consumer(desk, server.world.other_consumer_id) is None
        assert local_consumer(desk, server.world.consumer_ids[0]).account_no == "C-0000"
    finally:
        desk.close()


def test_a_payment_reaches_the_other_desktop_of_the_centre(server, desktops):
    first, second = desktops
    payment_id = record_payment(first, server.world.consumer_ids[0], "5001")
    first.agent.sync_once()
    # The fence holds back rows while an older transaction that could write this database is
    # still open (a background task, a webhook): they arrive on a later pull.
    pulled, deadline = 0, time.monotonic() + 10
    while pulled < 2 and time.monotonic() < deadline:
        pulled += second.agent.sync_once().pulled
        if pulled < 2:
            time.sleep(0.2)
    assert pulled >= 2
    with second.runtime.app.sessions() as session:
        assert session.get(Payment, payment_id).receipt_no == "R-5001"


def test_an_open_transaction_in_another_database_does_not_hold_back_a_pull(server, desktops):
    first, second = desktops
    elsewhere = create_engine(PG_ADMIN_URL)  # another database of the same PostgreSQL
    with elsewhere.connect() as connection:
        connection.begin()
        connection.execute(text("SELECT pg_current_xact_id()"))  # holds an xid, older than the push's
        try:
            payment_id = record_payment(first, server.world.consumer_ids[0], "7001")
            first.agent.sync_once()
            second.agent.sync_once()
            with second.runtime.app.sessions() as session:
                assert session.get(Payment, payment_id) is not None
        finally:
            connection.rollback()
    elsewhere.dispose()


def test_late_committing_transaction_is_not_skipped(server, desktops):
    first, second = desktops
    # T1 opens, writes a change (a consumer's new phone number) and stays open.
    late = server.central.sessions()
    late.begin()
    consumer = late.get(Consumer, server.world.consumer_ids[2])
    consumer.phone, consumer.version = "555-0199", consumer.version + 1
    late.flush()
    location = Locator(late).locate("consumers", {"zone_id": consumer.zone_id})
    record_change(late, consumer, "update", location, txid=current_txid(late), now=server.central.now())
    late.flush()
    try:
        # T2 starts later and commits first; the desktop pulls in between.
        record_payment(first, server.world.consumer_ids[0], "6001")
        first.agent.sync_once()
        second.agent.sync_once()
        assert local_consumer(second, consumer.id).phone == ""
    finally:
        late.commit()
        late.close()
    second.agent.sync_once()
    assert local_consumer(second, consumer.id).phone == "555-0199"


def test_two_desktops_editing_one_row_give_one_conflict_and_no_lost_update(server, desktops):
    first, second = desktops
    consumer_id = server.world.consumer_ids[1]
    for desk, field, value in ((first, "phone", "555-0101"), (second, "email", "b@example.com")):
        with unit_of_work(desk.runtime.app, desk.actor) as work:
            consumer = work.session.get(Consumer, consumer_id)
            base = consumer.version
            setattr(consumer, field, value)
            consumer.version = base + 1
            work.record(consumer, "update", base_version=base)
    assert first.agent.sync_once().applied == 1
    report = second.agent.sync_once()
    assert report.conflicts == 1 and report.applied == 0
    with server.central.sessions() as session:
        row = session.get(Consumer, consumer_id)
        assert (row.phone, row.email, row.version) == ("555-0101", "", 2)
    with second.runtime.app.sessions() as session:
        (problem,) = local.sync_problems(session)
    assert problem.state == "Conflict" and "Changed elsewhere first" in problem.reason
    # The second desktop now shows the current state, not its stale edit.
    assert local_consumer(second, consumer_id).phone == "555-0101"


def test_pull_never_overwrites_a_row_with_unpushed_local_changes(server, desktops):
    first, second = desktops
    consumer_id = server.world.consumer_ids[0]
    for desk, phone in ((first, "555-0202"), (second, "555-9999")):
        with unit_of_work(desk.runtime.app, desk.actor) as work:
            consumer = work.session.get(Consumer, consumer_id)
            consumer.phone, consumer.version = phone, 2
            work.record(consumer, "update", base_version=1)
    second.agent.sync_once()
    pulled, _ = first.agent.pull_all()  # before its own push: the pending edit stays
    assert pulled == 0
    assert local_consumer(first, consumer_id).phone == "555-0202"
    assert first.agent.sync_once().conflicts == 1  # and is then reported, not lost silently


def test_restore_from_backup_makes_the_desktop_rebootstrap_and_repush(server, desktops):
    first, _ = desktops
    kept = record_payment(first, server.world.consumer_ids[0], "7001")
    first.agent.sync_once()
    with first.runtime.app.sessions() as session:
        kept_seq = max(op.seq for op in session.execute(select(local.OutboxEntry)).scalars())
    lost = record_payment(first, server.world.consumer_ids[0], "7002")
    first.agent.sync_once()
    # The backup was taken before the second payment reached the server.
    with server.central.sessions() as session, session.begin():
        session.execute(delete(LedgerEntry).where(LedgerEntry.source_id == lost))
        session.execute(delete(Payment).where(Payment.id == lost))
        session.execute(delete(ChangeLogEntry).where(ChangeLogEntry.entity_id == lost))
        session.get(Device, first.runtime.app.device_id).applied_seq = kept_seq
    rotate_epoch(server.central.sessions)
    report = first.agent.sync_once()
    assert report.bootstrapped and report.requeued == 2 and report.applied == 2
    with server.central.sessions() as session:
        assert session.get(Payment, lost) is not None and session.get(Payment, kept) is not None


def test_a_desktop_does_not_pull_back_what_it_just_pushed(server, desktops):
    first, second = desktops
    payment_id = record_payment(first, server.world.consumer_ids[0], "5101")
    report = first.agent.sync_once()
    assert (report.applied, report.pulled) == (2, 0)  # payment + ledger entry, none downloaded again
    assert first.agent.sync_once().pulled == 0
    pulled, deadline = 0, time.monotonic() + 10
    while pulled < 2 and time.monotonic() < deadline:  # the other desktop of the centre gets both
        pulled += second.agent.sync_once().pulled
    assert pulled == 2
    with second.runtime.app.sessions() as session:
        assert session.get(Payment, payment_id) is not None


def test_a_change_the_server_altered_goes_back_to_its_author(server):
    from sync.server.changelog import altered

    sent = {"id": "x", "version": 1, "updated_at": "t1", "role": "Utility Administrator", "name": "A"}
    assert not altered(sent | {"version": 2, "updated_at": "t2"}, sent)  # the server's own columns
    assert altered(sent | {"role": "Customer Service Executive"}, sent)  # a column it refused
    with server.central.sessions() as session, session.begin():
        consumer = session.get(Consumer, server.world.consumer_ids[0])
        device = session.execute(select(Device)).scalars().first()
        location = Locator(session).locate("consumers", {"zone_id": consumer.zone_id})
        as_sent = {"id": consumer.id, "name": "Sent Name"}
        record_change(session, consumer, "update", location, txid=current_txid(session),
                      now=consumer.updated_at, device_id=device.id if device else "d", sent=as_sent)
        logged = session.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc())).scalars().first()
        assert logged.device_id is None  # the stored name differs from what was sent: pulled back
