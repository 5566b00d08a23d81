"""The desktop's sync wiring: connecting through the Connect dialog to a live central service on
PostgreSQL, Sync now, and the sync problems service (retry, discard) on a real SQLite file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QProgressBar, QPushButton
from sqlalchemy import func, select

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.permissions import Role
from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.models.system import AuditEntry, OutboxEntry
from app.models.users import User
from app.runtime import open_runtime
from app.services.core.changes import PAYMENTS, Changes
from app.services.core.context import Actor
from app.services.core.serialize import row_to_dict
from app.services.registry import Services
from app.views.main_window import MainWindow
from sync import local
from sync.desktop import SyncLink, SyncStatusService, check_server_url
from tests.factories import NOW, PASSWORD
from tests.gui.helpers import click, find, type_into
from tests.payment_fixtures import actor
from tests.sync_helpers import Desktop, record_payment


@pytest.mark.postgres
def test_connect_dialog_enrols_and_downloads_then_sync_now_sends_a_payment(qtbot, server, tmp_path):
    runtime = open_runtime(tmp_path / "desk", lock=False)  # a new desktop: an empty database
    cashier = Actor("local", "cashier", "Jane Smith", Role.CUSTOMER_SERVICE_EXECUTIVE, server.world.centre_id)
    window = MainWindow(Services(runtime.app), cashier, centre="Central", counter="Counter 1",
                        utility_name="Sunrise Utilities",
                        sync_link=SyncLink(runtime.app, runtime.paths.config_file, runtime.device.server_url))
    qtbot.addWidget(window)
    window.show()
    try:
        connect_through_dialog(qtbot, window, server)
        assert f'server_url = "{server.url}"' in runtime.paths.config_file.read_text()
        assert not runtime.app.self_lease  # numbers now come from the server's leases
        assert find(window, "Sync state", QLabel).text().startswith("Online · synced ")
        payment_id = record_payment(Desktop(runtime, None, cashier), server.world.consumer_ids[0], "7001")
        window.notify(Changes.of(PAYMENTS))
        assert find(window, "Queued operations", QLabel).text() == "2 queued"  # payment + ledger entry
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        with qtbot.waitSignal(window.changed, timeout=20_000):
            qtbot.keyClick(window, Qt.Key.Key_F9)  # Sync now
        qtbot.waitUntil(lambda: not window.sync_status.running, timeout=20_000)
        assert find(window, "Sync state", QLabel).text().startswith("Online · synced ")
        assert find(window, "Queued operations", QLabel).text() == "0 queued"
        assert find(window, "Data age", QLabel).text().startswith("Data as of ")
        with server.central.sessions() as session:
            assert session.execute(select(func.count()).where(Payment.id == payment_id)).scalar_one() == 1
    finally:
        window.sync_status.shutdown(wait_ms=10_000)
        runtime.close()


def connect_through_dialog(qtbot, window, server) -> None:
    dialog = window.sync_status.show_connect()
    type_into(qtbot, find(dialog, "Server URL", QLineEdit), server.url)
    type_into(qtbot, find(dialog, "Enrolment code", QLineEdit), server.enrolment_code())
    assert find(dialog, "Username", QLineEdit).text() == "cashier"  # the signed-in user, by default
    type_into(qtbot, find(dialog, "Password", QLineEdit), PASSWORD)
    click(qtbot, find(dialog, "Connect", QPushButton))
    qtbot.waitUntil(lambda: find(dialog, "Close", QPushButton).isEnabled(), timeout=30_000)
    progress = find(dialog, "Connection progress", QProgressBar)
    assert progress.value() == progress.maximum()
    downloaded = find(dialog, "Connection step", QLabel).text()
    assert downloaded.startswith(f"Connected to {server.url}. Downloaded ") and " 0 records" not in downloaded
    assert find(dialog, "Connect message", QLabel).text() == ""
    click(qtbot, find(dialog, "Close", QPushButton))
    assert window.sync_status.scheduled_delay_ms == 60_000  # the background sync has started


def test_server_url_must_be_https_except_on_this_computer():
    assert check_server_url(" https://sync.example.org/ ") == "https://sync.example.org"
    assert check_server_url("http://127.0.0.1:8740") == "http://127.0.0.1:8740"
    assert check_server_url("http://localhost:8740") == "http://localhost:8740"
    with pytest.raises(ValidationError) as refused:
        check_server_url("http://sync.example.org")
    assert refused.value.field == "Server URL"


def outbox(session, seq: int) -> OutboxEntry:
    return session.get(OutboxEntry, seq)


def test_retrying_a_conflict_puts_the_change_on_top_of_the_central_version(runtime):
    admin = actor(runtime, "admin")
    with runtime.app.sessions() as session, session.begin():
        user = session.execute(select(User).where(User.username == "callcenter")).scalar_one()
        user.full_name, user.version = "Central Name", 2  # as record_results left it after the conflict
        session.flush()
        mine = row_to_dict(user) | {"full_name": "Mine Name"}
        entry = OutboxEntry(entity="users", entity_id=user.id, operation="update", payload=mine,
                            base_version=1, created_at=NOW, state="Conflict", last_error="Changed elsewhere first")
        session.add(entry)
        session.flush()
        seq, user_id = entry.seq, user.id
    service = SyncStatusService(runtime.app)
    (problem,) = service.problems()
    assert (problem.record_type, problem.record, problem.can_discard) == ("User", "callcenter", True)
    assert [(c.field, c.mine, c.central) for c in problem.differences] == [("full name", "Mine Name", "Central Name")]
    service.retry(admin, [seq])
    with runtime.app.sessions() as session:
        again = session.execute(select(OutboxEntry).where(OutboxEntry.state == local.PENDING)).scalar_one()
        user = session.get(User, user_id)
        assert (again.base_version, again.payload["full_name"]) == (2, "Mine Name")
        assert (user.full_name, user.version) == ("Mine Name", 3)
        assert outbox(session, seq).state == "Retried"
    assert service.overview().problems == 0
    with pytest.raises(NotFound):
        service.discard(admin, seq)  # handled already


def test_retrying_a_rejected_payment_sends_its_ledger_entry_again_after_it(runtime):
    with runtime.app.sessions() as session, session.begin():
        payment = {"id": "p-1", "amount": "10.00"}
        ledger = {"id": "l-1", "source_id": "p-1", "amount": "-10.00"}
        rows = [OutboxEntry(entity=e, entity_id=p["id"], operation="insert", payload=p, created_at=NOW,
                            state="Rejected", last_error=why)
                for e, p, why in ((Payment.__tablename__, payment, "Refused by the database"),
                                  (LedgerEntry.__tablename__, ledger, "Depends on record p-1, which was rejected"))]
        session.add_all(rows)
        session.flush()
        first = rows[0].seq
    service = SyncStatusService(runtime.app)
    assert not any(p.can_discard for p in service.problems())  # money is never discarded
    with pytest.raises(ValidationError):
        service.discard(actor(runtime, "admin"), first)
    service.retry(actor(runtime, "cashier"), [first])
    with runtime.app.sessions() as session:
        pending = session.execute(select(OutboxEntry.entity_id).where(OutboxEntry.state == local.PENDING)
                                  .order_by(OutboxEntry.seq)).scalars().all()
        audits = session.execute(select(AuditEntry.action).where(AuditEntry.action == "sync.retry")).scalars().all()
    assert pending == ["p-1", "l-1"]
    assert audits == ["sync.retry"]
    overview = service.overview()
    assert (overview.problems, overview.pending) == (0, 2)
