"""Payment plans on a real SQLite file: creation, paying installments at the counter, compliance
(missed -> defaulted -> flagged, completed), and modification history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied, ValidationError
from app.domain.core.money import Money
from app.domain.payments.installments import InstallmentState, ModifyTerms, PlanStatus
from app.models.payments import Installment, PaymentPlan, PaymentPlanRevision
from app.models.requests import Notification
from app.models.system import AuditEntry, OutboxEntry, UsageEvent
from app.services.payments.payment_plans import PaymentPlansService, PlanFilter, PlanRequest
from app.services.payments.posting import PaymentRequest
from tests.payment_fixtures import actor, build_sample

D = Decimal
TODAY = date(2025, 4, 20)


def usd(value: str) -> Money:
    return Money.of(value, "USD")


@pytest.fixture
def world(runtime, services):
    sample = build_sample(runtime, services)
    return sample, PaymentPlansService(runtime.app), actor(runtime, "recovery")


def mary_plan(plans, recovery, sample, **terms):
    values = {"total": "80.00", "down_payment": "", "count": "4", "frequency": "Weekly",
              "start_date": TODAY} | terms
    return plans.create_plan(recovery, PlanRequest(consumer_id=sample.mary, **values))


def pay(services, runtime, sample, installment_id: str, amount: str):
    request = PaymentRequest(consumer_id=sample.mary, payment_type="Installment", method="Cash",
                             amount=D(amount), paid_on=TODAY, item_id=installment_id)
    return services.payments.record_payment(actor(runtime, "cashier"), request)


def count(runtime, model, *where) -> int:
    with runtime.app.sessions() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_create_plan_from_the_outstanding_balance(runtime, services, world):
    sample, plans, recovery = world
    draft = plans.draft(recovery, sample.mary)
    assert draft.outstanding == usd("80.00") and draft.active_plan_no is None
    plan = mary_plan(plans, recovery, sample, total=str(draft.outstanding.amount),
                     down_payment="20", count="3", frequency="Monthly")
    assert plan.plan_no == "PP-2025-0001" and plan.status is PlanStatus.ACTIVE
    assert [(i.label, i.amount, i.due_date, i.state) for i in plan.installments] == [
        ("Down payment", usd("20.00"), TODAY, InstallmentState.UPCOMING),
        ("#1", usd("20.00"), TODAY, InstallmentState.UPCOMING),
        ("#2", usd("20.00"), date(2025, 5, 20), InstallmentState.UPCOMING),
        ("#3", usd("20.00"), date(2025, 6, 20), InstallmentState.UPCOMING)]
    assert plan.remaining == usd("80.00") and plan.next_due.label == "Down payment"
    items = services.payments.payable_items(recovery, sample.mary, "Installment")
    assert [i.reference for i in items] == [f"PP-2025-0001 #{n}" for n in range(4)]
    assert count(runtime, AuditEntry, AuditEntry.action == "payment_plan_created") == 1
    assert count(runtime, OutboxEntry, OutboxEntry.entity.in_(("payment_plans", "installments"))) == 5
    assert count(runtime, UsageEvent, UsageEvent.event == "payment_plan_created") == 1
    [row] = plans.list_plans(recovery, PlanFilter(text="mary"))
    assert (row.plan_no, row.status, row.next_due, row.missed, row.remaining) == (
        "PP-2025-0001", "Active", TODAY, 0, usd("80.00"))


def test_plan_rules_are_enforced(runtime, services, world):
    sample, plans, recovery = world
    with pytest.raises(ValidationError, match="already has an active payment plan .PP-2025-0034"):
        plans.create_plan(recovery, PlanRequest(sample.john, "100", "", "2", "Monthly", TODAY))
    with pytest.raises(ValidationError, match="Total amount: cannot exceed the outstanding"):
        mary_plan(plans, recovery, sample, total="80.01")
    with pytest.raises(ValidationError, match="Start date: Cannot select past date"):
        mary_plan(plans, recovery, sample, start_date=TODAY - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        mary_plan(plans, actor(runtime, "cashier"), sample)
    assert count(runtime, PaymentPlan) == 1  # only the sample's


def test_paying_an_installment_at_the_counter_marks_it_paid(runtime, services, world):
    sample, plans, recovery = world
    plan = mary_plan(plans, recovery, sample)
    first = plan.installments[0]
    posted = pay(services, runtime, sample, first.installment_id, "20.00")
    assert posted.details.item.reference == "PP-2025-0001 #1"
    after = plans.plan_details(recovery, plan.plan_id)
    assert after.installments[0].state is InstallmentState.PAID
    assert after.paid == usd("20.00") and after.remaining == usd("60.00")
    assert after.next_due.label == "#2"


def test_missed_installments_default_the_plan_and_flag_the_consumer(runtime, services, world):
    sample, plans, recovery = world
    plan = mary_plan(plans, recovery, sample)  # 4 weekly installments of 20.00 from today
    first = plans.check_compliance(recovery, today=TODAY + timedelta(days=13))
    assert first.newly_missed == 3 and first.defaulted == ()  # Mary's 2, John's #1 of Apr 15
    [alert] = [a for a in first.alerts if a.plan_no == plan.plan_no]
    assert (alert.missed, alert.missed_amount, alert.oldest_missed) == (2, usd("40.00"), TODAY)
    assert plans.plans_flagged_for_disconnection(recovery) == []

    second = plans.check_compliance(recovery, today=TODAY + timedelta(days=20))
    assert second.newly_missed == 1 and plan.plan_no in second.defaulted
    after = plans.plan_details(recovery, plan.plan_id)
    assert after.status is PlanStatus.DEFAULTED
    assert after.revisions[0].summary.startswith("Defaulted after 3 missed installments")
    flagged = {f.plan_no: f for f in plans.plans_flagged_for_disconnection(recovery)}
    assert flagged[plan.plan_no].account_no == "WU-10002"
    assert flagged[plan.plan_no].outstanding == usd("80.00")
    [note] = _notifications(runtime)
    assert note.recipient == "recovery" and plan.plan_no in note.subject
    [notice] = services.inbox.unread(recovery)  # and in the recovery executive's in-app inbox
    assert (notice.kind, notice.subject, notice.link) == (
        "payment_plan_defaulted", note.subject, f"payment_plan:{plan.plan_id}")
    assert services.inbox.unread(actor(runtime, "supervisor")) == []
    assert services.payments.payable_items(recovery, sample.mary, "Installment") == []
    assert count(runtime, AuditEntry, AuditEntry.action == "installment_missed") == 4  # John's
    plans.check_compliance(recovery, today=TODAY + timedelta(days=30))  # nothing new for Mary
    assert len(_notifications(runtime)) == 1 and services.inbox.unread_count(recovery) == 1


def _notifications(runtime):
    with runtime.app.sessions() as session:
        return session.execute(select(Notification).where(
            Notification.kind == "payment_plan_defaulted")).scalars().all()


def test_a_fully_paid_plan_is_completed(runtime, services, world):
    sample, plans, recovery = world
    plan = mary_plan(plans, recovery, sample, count="1")
    pay(services, runtime, sample, plan.installments[0].installment_id, "80.00")
    report = plans.check_compliance(recovery)
    assert plan.plan_no in report.completed
    assert plans.plan_details(recovery, plan.plan_id).status is PlanStatus.COMPLETED
    with pytest.raises(ValidationError, match="Plan: is completed"):
        plans.modify_plan(recovery, plan.plan_id, ModifyTerms("2", "Monthly", TODAY, "x"))


def test_modification_keeps_paid_installments_and_writes_history(runtime, services, world):
    sample, plans, recovery = world
    plan = mary_plan(plans, recovery, sample)
    paid = plan.installments[0]
    pay(services, runtime, sample, paid.installment_id, "20.00")
    with pytest.raises(ValidationError, match="Reason: is required"):
        plans.modify_plan(recovery, plan.plan_id, ModifyTerms("2", "Monthly", TODAY, ""))
    assert count(runtime, PaymentPlanRevision) == 1  # "Plan created"

    after = plans.modify_plan(recovery, plan.plan_id,
                              ModifyTerms("2", "Monthly", TODAY + timedelta(days=10), "Lost job"))
    assert [(i.label, i.amount, i.state) for i in after.installments] == [
        ("#1", usd("20.00"), InstallmentState.PAID), ("#5", usd("30.00"), InstallmentState.UPCOMING),
        ("#6", usd("30.00"), InstallmentState.UPCOMING)]
    assert after.installments[0].installment_id == paid.installment_id
    assert (after.frequency, after.installments_count) == ("Monthly", 3)
    revision, created = after.revisions
    assert "Reason: Lost job" in revision.summary and "#5-#6" in revision.summary
    # neutral facts: the screen writes the day and the amount as the settings say when it shows them
    assert created.summary == "Plan created: 4 weekly installments of 20.00 USD from 2025-04-20"
    assert revision.changed_by == "Recovery"
    items = services.payments.payable_items(recovery, sample.mary, "Installment")
    assert [i.reference for i in items] == ["PP-2025-0001 #5", "PP-2025-0001 #6"]
    with runtime.app.sessions() as session:
        kept = session.get(Installment, paid.installment_id)
        assert (kept.amount, kept.due_date, kept.deleted, kept.version) == (D("20.00"), TODAY,
                                                                           False, 1)
    assert count(runtime, AuditEntry, AuditEntry.action == "payment_plan_modified") == 1
    assert count(runtime, UsageEvent, UsageEvent.event == "collection_activity") == 1
