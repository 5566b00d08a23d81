"""The payments story's section 12 usage events that were not recorded: each is recorded, with
its properties, when the user does what it names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain.payments.installments import ModifyTerms
from app.models.system import UsageEvent
from app.services.payments.listing import PaymentFilter, Sort
from app.services.payments.payment_plans import PaymentPlansService, PlanRequest
from app.services.payments.posting import PaymentRequest
from tests.payment_fixtures import actor, build_sample

TODAY = date(2025, 4, 20)


def events(runtime, name: str) -> list[dict]:
    with runtime.app.sessions() as session:
        rows = session.execute(select(UsageEvent).where(UsageEvent.event == name)
                               .order_by(UsageEvent.at)).scalars().all()
        return [dict(row.properties, role=row.role) for row in rows]


def test_each_untracked_event_of_the_story_is_recorded(runtime, services, tmp_path):
    sample = build_sample(runtime, services)
    cashier, recovery = actor(runtime, "cashier"), actor(runtime, "recovery")
    assert all(events(runtime, e) == [] for e in (
        "plan_payment_recorded", "customer_plan_setup", "payment_history_viewed",
        "dashboard_view", "report_generated"))

    # an installment of John's plan, due Apr 15, paid on Apr 20
    posted = services.payments.record_payment(cashier, PaymentRequest(
        consumer_id=sample.john, payment_type="Installment", method="UPI", amount=Decimal("67.50"),
        paid_on=TODAY, item_id=sample.installments[0], seconds_taken=30))
    [paid] = events(runtime, "plan_payment_recorded")
    assert (paid["payment_amount"], paid["plan_compliance"], paid["method_used"],
            paid["processing_time"], paid["installments"]) == (
        "67.50", "Late", "UPI", 30, ["PP-2025-0034 #1"])

    plans = PaymentPlansService(runtime.app)
    plan = plans.create_plan(recovery, PlanRequest(consumer_id=sample.mary, total="80.00",
                                                   down_payment="", count="4",
                                                   frequency="Weekly", start_date=TODAY))
    plans.modify_plan(recovery, plan.plan_id,
                      ModifyTerms("2", "Monthly", TODAY + timedelta(days=10), "Lost job"))
    assert [(e["plan_type"], e["terms_modified"]) for e in events(runtime, "customer_plan_setup")] \
        == [("Weekly", False), ("Monthly", True)]

    services.payments.payment_details(cashier, posted.details.payment.payment_id)
    [viewed] = events(runtime, "payment_history_viewed")
    assert viewed["details_accessed"] == posted.receipt_no

    services.payments.kpis(cashier, date(2025, 4, 1), TODAY)
    [view] = events(runtime, "dashboard_view")
    assert (view["date_range_selected"], view["role"]) == ("2025-04-01", cashier.role.value)
    assert "Collection Rate" in view["widgets_accessed"]

    services.payments.export_payments(cashier, PaymentFilter(method="UPI"), Sort(),
                                      tmp_path / "p.csv", "csv")
    [report] = events(runtime, "report_generated")
    assert (report["report_type"], report["filters_applied"], report["export_format"],
            report["rows"]) == ("Payments list", ["method"], "CSV", 1)
    assert report["generation_time"] >= 0
