"""Payment inquiries: logged and resolved at the counter, audited, synced, an escalation tells
the supervisors, and the resolution is tracked as the story's usage event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.models.inquiries import PaymentInquiry
from app.models.system import AuditEntry, OutboxEntry, UsageEvent
from tests.gui.payments_helpers import pay
from tests.payment_fixtures import actor, build_sample


@pytest.fixture
def paid(runtime, services):
    sample = build_sample(runtime, services)
    return pay(services, actor(runtime, "cashier"), sample).details.payment.payment_id


def test_an_inquiry_is_logged_resolved_and_tracked_with_its_time(runtime, services, paid):
    cashier = actor(runtime, "cashier")
    item = services.inquiries.log(cashier, paid, "Wrong amount", "  Says she paid 150  ")
    assert (item.status, item.notes, item.opened_by) == ("Open", "Says she paid 150", "cashier")
    assert services.inquiries.open_count(cashier) == 1
    runtime.app.clock.advance(timedelta(minutes=17, seconds=40))
    services.inquiries.resolve(cashier, item.inquiry_id, "Showed the receipt", False, "Satisfied")
    (done,) = services.inquiries.for_payment(cashier, paid)
    assert (done.status, done.outcome, done.resolution_minutes, done.escalated) == (
        "Resolved", "Showed the receipt", 17, False)
    assert services.inquiries.open_count(cashier) == 0
    with runtime.app.sessions() as session:
        event = session.execute(select(UsageEvent).where(
            UsageEvent.event == "payment_inquiry_resolved")).scalar_one()
        audits = session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("payment_inquiry%"))).scalars().all()
        pushed = session.execute(select(OutboxEntry.operation).where(
            OutboxEntry.entity == "payment_inquiries")).scalars().all()
    assert event.properties == {"inquiry_type": "Wrong amount", "resolution_time": 17,
                                "escalation_required": False, "customer_satisfaction": "Satisfied"}
    assert sorted(audits) == ["payment_inquiry_logged", "payment_inquiry_resolved"]
    assert pushed == ["insert", "update"]


def test_an_escalation_tells_the_supervisors_once(runtime, services, paid):
    cashier = actor(runtime, "cashier")
    item = services.inquiries.log(cashier, paid, "Duplicate charge", "")
    services.inquiries.resolve(cashier, item.inquiry_id, "Refund requested", True, "Neutral")
    (notice,) = services.inbox.unread(actor(runtime, "supervisor"))
    assert "escalated" in notice.subject and notice.link == f"payment:{paid}"
    assert services.inbox.unread(actor(runtime, "manager")) == []
    with pytest.raises(ValidationError, match="already resolved"):
        services.inquiries.resolve(cashier, item.inquiry_id, "Again", True, "Neutral")
    assert len(services.inbox.unread(actor(runtime, "supervisor"))) == 1


@pytest.mark.parametrize(("kind", "notes", "field"), [
    ("Lost my bike", "", "Inquiry type"), ("Other", "  ", "Notes"), ("Other", "x" * 1001, "Notes")])
def test_a_bad_inquiry_names_its_field_and_writes_nothing(runtime, services, paid, kind, notes, field):
    with pytest.raises(ValidationError) as error:
        services.inquiries.log(actor(runtime, "cashier"), paid, kind, notes)
    assert error.value.field == field
    with runtime.app.sessions() as session:
        assert session.execute(select(PaymentInquiry)).first() is None


@pytest.mark.parametrize(("outcome", "satisfaction", "field"), [
    ("", "Satisfied", "Outcome"), ("Done", "Happy", "Customer satisfaction")])
def test_a_bad_resolution_names_its_field_and_leaves_it_open(runtime, services, paid, outcome,
                                                              satisfaction, field):
    cashier = actor(runtime, "cashier")
    item = services.inquiries.log(cashier, paid, "Receipt request", "")
    with pytest.raises(ValidationError) as error:
        services.inquiries.resolve(cashier, item.inquiry_id, outcome, False, satisfaction)
    assert error.value.field == field
    assert services.inquiries.for_payment(cashier, paid)[0].is_open


def test_a_billing_manager_may_read_inquiries_but_not_log_them(runtime, services, paid):
    with pytest.raises(PermissionDenied):
        services.inquiries.log(actor(runtime, "manager"), paid, "Receipt request", "")
    assert services.inquiries.for_payment(actor(runtime, "manager"), paid) == []
