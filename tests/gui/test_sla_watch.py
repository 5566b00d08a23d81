"""SLA escalation runs from the main window at login, whichever module is on screen; not from
a desktop whose user may not write request events (the central service would refuse them)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.domain.core.permissions import Module
from app.models.notices import Notice
from app.models.requests import Notification
from app.services.requests import RequestDraft
from app.views.main_window import MainWindow
from tests.gui.test_disconnections_screens import WAIT_MS
from tests.payment_fixtures import actor
from tests.request_fixtures import build_requests_world


def test_a_counter_desktop_on_payments_escalates_a_breach_at_login(qtbot, runtime, services):
    world = build_requests_world(runtime, services)
    cashier = actor(runtime, "cashier")
    services.requests.verify_and_lock(cashier, world.smith)
    services.requests.create_request(cashier, RequestDraft(world.smith, "NP-001", date(2025, 4, 21),
                                                           "10:00-12:00", notify_customer=False))
    runtime.app.clock.advance(timedelta(hours=3))
    manager = MainWindow(services, actor(runtime, "manager"), centre="Central Service Centre",
                         counter="Office 1", utility_name="Sunrise Utilities")
    qtbot.addWidget(manager)
    assert Module.DISCONNECTIONS not in manager.modules and not manager.sla_watch.active
    window = MainWindow(services, actor(runtime, "cashier"), centre="Central Service Centre",
                        counter="Counter 1", utility_name="Sunrise Utilities")
    qtbot.addWidget(window)
    assert window.rail.currentItem().text() != Module.DISCONNECTIONS.value

    def escalated():  # the e-mails queued, and the in-app notices with their read state
        with runtime.app.sessions() as session:
            return (sorted(session.execute(select(Notification.status).where(
                        Notification.kind == "sla_breach")).scalars()),
                    session.execute(select(Notice.read_at).where(Notice.kind == "sla_breach")).scalars().all())

    qtbot.waitUntil(lambda: escalated() == (["Queued"], [None]), timeout=WAIT_MS)
    window.sla_watch.run()  # the next tick finds nothing new
    qtbot.wait(300)
    assert escalated() == (["Queued"], [None])
