"""Payment performance alerts: a billing manager sets them on the Payments KPIs, with thresholds
checked per metric; each is checked when the KPIs are computed and tells its owner once a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain.core.errors import NotFound, PermissionDenied, ValidationError
from app.models.inquiries import PaymentAlert
from app.models.requests import Notification
from app.models.system import OutboxEntry, UsageEvent
from app.services.payments.alerts import AlertDraft
from tests.gui.payments_helpers import pay
from tests.payment_fixtures import actor, build_sample

APRIL = date(2025, 4, 1)


def test_an_alert_is_stored_synced_and_tracked(runtime, services):
    manager = actor(runtime, "manager")
    item = services.alerts.save(manager, AlertDraft("collection_rate", " 85 ", True, True))
    assert (item.label, item.threshold, item.methods) == (
        "Collection rate below", 85, "In-app and E-mail")
    changed = services.alerts.save(manager, AlertDraft("received_today", "1,500.5"), item.alert_id)
    assert (changed.metric, str(changed.threshold), changed.methods, changed.version) == (
        "received_today", "1500.50", "In-app", 2)
    assert services.alerts.mine(manager) == [changed]
    with runtime.app.sessions() as session:
        events = session.execute(select(UsageEvent.properties).where(
            UsageEvent.event == "alert_setup")).scalars().all()
        pushed = session.execute(select(OutboxEntry.operation).where(
            OutboxEntry.entity == "payment_alerts")).scalars().all()
    assert events == [
        {"alert_type": "collection_rate", "threshold_value": "85.00",
         "notification_method": "In-app and E-mail"},
        {"alert_type": "received_today", "threshold_value": "1500.50", "notification_method": "In-app"}]
    assert pushed == ["insert", "update"]


@pytest.mark.parametrize(("metric", "typed", "rule"), [
    ("collection_rate", "101", "a percentage is between 0 and 100"),
    ("collection_rate", "eighty", "must be a number"),
    ("collection_rate", "NaN", "must be a number"),
    ("received_today", "-1", "must be 0 or more"),
    ("received_today", "10.125", "at most 2 decimal places"),
    ("payments_today", "2.5", "must be a whole number"),
])
def test_a_threshold_out_of_range_names_the_field_and_writes_nothing(runtime, services, metric, typed,
                                                                     rule):
    with pytest.raises(ValidationError) as error:
        services.alerts.save(actor(runtime, "manager"), AlertDraft(metric, typed))
    assert (error.value.field, error.value.rule) == ("Threshold", rule)
    with runtime.app.sessions() as session:
        assert session.execute(select(PaymentAlert)).first() is None


def test_an_alert_needs_a_way_to_tell_and_a_known_metric(runtime, services):
    manager = actor(runtime, "manager")
    with pytest.raises(ValidationError, match="Notify by"):
        services.alerts.save(manager, AlertDraft("collection_rate", "80", False, False))
    with pytest.raises(ValidationError, match="Alert type"):
        services.alerts.save(manager, AlertDraft("refunds", "80"))


def test_only_managers_set_alerts_and_only_their_own_are_changed(runtime, services):
    with pytest.raises(PermissionDenied):
        services.alerts.save(actor(runtime, "cashier"), AlertDraft("collection_rate", "80"))
    item = services.alerts.save(actor(runtime, "manager"), AlertDraft("collection_rate", "80"))
    with pytest.raises(NotFound):
        services.alerts.save(actor(runtime, "specialist"), AlertDraft("collection_rate", "1"), item.alert_id)
    with pytest.raises(NotFound):
        services.alerts.delete(actor(runtime, "specialist"), item.alert_id)
    services.alerts.delete(actor(runtime, "manager"), item.alert_id)
    assert services.alerts.mine(actor(runtime, "manager")) == []


def test_a_breached_alert_tells_its_owner_once_a_day_whoever_computes_the_kpis(runtime, services):
    sample = build_sample(runtime, services)
    manager, cashier = actor(runtime, "manager"), actor(runtime, "cashier")
    services.alerts.save(manager, AlertDraft("payments_today", "5", True, True))
    services.alerts.save(manager, AlertDraft("received_today", "100"))  # 145.50 came in: fine
    gone = services.alerts.save(manager, AlertDraft("payments_today", "9"))
    services.alerts.delete(manager, gone.alert_id)
    pay(services, cashier, sample)
    services.payments.kpis(cashier, APRIL)
    services.payments.kpis(manager, APRIL)  # the same day again: nobody is told twice
    (notice,) = services.inbox.unread(manager)
    assert (notice.kind, notice.subject) == (
        "payment_alert", "Payment alert: Payments received today below 5 (now 1)")
    services.payments.kpis(manager, date(2025, 3, 1))  # another month's figures: not checked
    runtime.app.clock.advance(timedelta(days=1))
    services.payments.kpis(manager, APRIL)  # a new day, nothing received yet
    subjects = [n.subject for n in services.inbox.unread(manager)]
    assert sorted(subjects[:2]) == ["Payment alert: Payments received today below 5 (now 0)",
                                    "Payment alert: Today's collections below $100.00 (now $0.00)"]
    with runtime.app.sessions() as session:
        mails = session.execute(select(Notification.subject)).scalars().all()
    assert sorted(mails) == ["Payment alert: Payments received today below 5 (now 0)",
                             "Payment alert: Payments received today below 5 (now 1)"]
