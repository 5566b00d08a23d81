"""After the history: disconnection and reconnection requests with their service orders, and
payment plans for consumers in arrears, so the recovery screens have work to show."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from app.demo.accounting import T_ALLOC, T_LEDGER, T_PAYMENT, Cashier
from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.consumers import DemoConsumer, Population
from app.demo.numbers import DemoNumbers
from app.demo.reference import Reference
from app.domain.core.permissions import Role
from app.domain.core.settings import Settings
from app.domain.requests.disconnection import RequestStatus
from app.models.payments import Installment, PaymentPlan, PaymentPlanRevision
from app.models.requests import RequestEvent, ServiceOrder, ServiceRequest

TECHNICIANS = ("Mike Thompson", "Ravi Shankar", "Suresh Babu", "Imran Sheikh")
DISPATCHER = "Lisa Wilson"
# The domain's spelling: the screens, the sync rules and the command line compare with it.
PENDING, IN_PROGRESS, ON_HOLD = (RequestStatus.PENDING.value, RequestStatus.IN_PROGRESS.value,
                                 RequestStatus.ON_HOLD.value)
COMPLETED, CLOSED = RequestStatus.COMPLETED.value, RequestStatus.CLOSED.value


@dataclass
class RequestPlan:
    """One request to write, numbered once all are known so numbers follow creation time."""

    consumer: DemoConsumer
    request_type: str
    reason: tuple[str, str, str, bool]  # code, reason, priority, requires approval
    created: datetime
    status: str
    created_by: str
    preferred: date
    acknowledged: datetime | None = None
    resolved: datetime | None = None
    closed: datetime | None = None
    order_status: str | None = None  # None: no service order yet


class Recovery:
    def __init__(self, writer: BulkWriter, ids: DemoIds, rng: random.Random, numbers: DemoNumbers,
                 local: LocalTime, ref: Reference, settings: Settings, population: Population,
                 cashier: Cashier) -> None:
        self.writer, self.ids, self.rng, self.numbers, self.local = writer, ids, rng, numbers, local
        self.ref, self.population, self.cashier = ref, population, cashier
        self.today = population.today
        self.reasons = {r.code: (r.code, r.reason, r.priority, r.requires_approval)
                        for r in settings.disconnection_reasons}
        self.reconnection_reasons = {r.code: (r.code, r.reason, r.priority, r.requires_approval)
                                     for r in settings.get("disconnections.reconnection_reasons")}
        self.fee = settings.get("disconnections.reconnection_fee")
        self.slots = settings.time_slots
        self.supervisor = ref.full_name(Role.SUPERVISOR)
        self.recovery_officer = ref.full_name(Role.RECOVERY_EXECUTIVE)

    def write(self) -> None:
        plans = []
        for consumer in self.population.consumers:
            if consumer.disconnected_on is not None:
                plans.append(self._completed_disconnection(consumer))
                if consumer.disconnected_on >= self.today - timedelta(days=90) and self.rng.random() < 0.35:
                    plans.append(self._reconnection(consumer))
            elif (consumer.profile == "delinquent" and self._overdue_since(consumer, 45)
                  and self.rng.random() < 0.5):
                plans.append(self._open_disconnection(consumer))
        plans.sort(key=lambda plan: (plan.created, plan.consumer.index))
        for plan in plans:
            self._write_request(plan)
        self._payment_plans()

    def _overdue_since(self, consumer: DemoConsumer, days: int) -> bool:
        limit = self.today - timedelta(days=days)
        return any(item[3] < limit for item in consumer.open_items)

    def _reason(self, code: str) -> tuple[str, str, str, bool]:
        return self.reasons.get(code) or next(iter(self.reasons.values()))

    def _staff(self, consumer: DemoConsumer) -> str:
        return self.rng.choice(self.ref.cashiers(consumer.zone.centre_code) or (self.recovery_officer,))

    def _at(self, day: date, first_hour: int = 9, last_hour: int = 17) -> datetime:
        return self.local.at(day, self.rng.randrange(first_hour, last_hour), self.rng.randrange(60))

    # the three kinds of request ------------------------------------------------------------

    def _completed_disconnection(self, consumer: DemoConsumer) -> RequestPlan:
        day = consumer.disconnected_on
        assert day is not None
        code = "NP-001" if consumer.profile == "delinquent" else self.rng.choice(("CR-001", "PV-001"))
        created = self._at(day - timedelta(days=self.rng.randrange(3, 9)))
        acknowledged = created + timedelta(minutes=self.rng.randrange(20, 110))
        resolved = self._at(day, 10, 16)
        closed = resolved + timedelta(days=1) if self.rng.random() < 0.2 else None
        creator = self.recovery_officer if code == "NP-001" else self._staff(consumer)
        return RequestPlan(consumer, "Disconnection", self._reason(code), created,
                           CLOSED if closed else COMPLETED, creator, day, acknowledged, resolved, closed,
                           "Completed")

    def _reconnection(self, consumer: DemoConsumer) -> RequestPlan:
        assert consumer.disconnected_on is not None
        earliest = max(consumer.disconnected_on + timedelta(days=5), self.today - timedelta(days=10))
        day = min(self.today, earliest + timedelta(days=self.rng.randrange(0, 6)))
        created = self._at(day, 9, 12)
        fresh = day == self.today
        acknowledged = None if fresh else created + timedelta(minutes=self.rng.randrange(30, 100))
        self.cashier.service_charge(consumer, "Reconnection Fee", self.fee, day, "4300")
        reason = self.reconnection_reasons.get("RC-001") or next(iter(self.reconnection_reasons.values()))
        return RequestPlan(consumer, "Reconnection", reason, created, PENDING if fresh else IN_PROGRESS,
                           self._staff(consumer), day + timedelta(days=2), acknowledged,
                           order_status=None if fresh else "Assigned")

    def _open_disconnection(self, consumer: DemoConsumer) -> RequestPlan:
        day = self.today - timedelta(days=self.rng.randrange(0, 15))
        created = self._at(day, 9, 12)
        status = PENDING if day == self.today else self.rng.choice(
            (IN_PROGRESS, IN_PROGRESS, IN_PROGRESS, ON_HOLD, PENDING))
        acknowledged = None if status == PENDING else created + timedelta(minutes=self.rng.randrange(15, 115))
        preferred = self.today + timedelta(days=self.rng.randrange(1, 8))
        return RequestPlan(consumer, "Disconnection", self._reason("NP-001"), created, status,
                           self.recovery_officer, preferred, acknowledged,
                           order_status="Assigned" if status == IN_PROGRESS else None)

    # writing ---------------------------------------------------------------------------------

    def _write_request(self, plan: RequestPlan) -> None:
        consumer, (code, reason, priority, approval) = plan.consumer, plan.reason
        request_id = self.ids.new("service_requests")
        series = "reconnection_request" if plan.request_type == "Reconnection" else "disconnection_request"
        number = self.numbers.next(series, plan.created.date())
        slot = self.rng.choice(self.slots)
        last_at = plan.closed or plan.resolved or plan.acknowledged or plan.created
        self.writer.add(ServiceRequest.__table__, {
            "id": request_id, "request_no": number, "consumer_id": consumer.id,
            "request_type": plan.request_type, "reason_code": code, "reason": reason, "priority": priority,
            "preferred_date": plan.preferred, "time_slot": slot, "notes": "", "status": plan.status,
            "notify_customer": True, "required_approval": approval, "created_by": plan.created_by,
            "created_at": plan.created, "last_updated_by": plan.created_by, "last_updated_at": last_at,
            "acknowledged_at": plan.acknowledged,
            "responded_at": plan.acknowledged + timedelta(hours=2) if plan.resolved and plan.acknowledged else None,
            "resolved_at": plan.resolved, "closed_at": plan.closed,
            "close_reason": "Issue resolved" if plan.closed else ""})
        events = [("Request created", f"{number}: {reason} ({code}), priority {priority}", plan.created_by,
                   plan.created)]
        if plan.acknowledged:
            events.append(("Acknowledged", f"Status: {PENDING} → {IN_PROGRESS}", plan.created_by, plan.acknowledged))
        if plan.order_status and plan.acknowledged:
            so_number = self._service_order(plan, request_id, slot)
            events.append(("Service order created", so_number, DISPATCHER, plan.acknowledged))
        if plan.resolved:
            events.append(("Disconnection executed", "Meter uninstalled; consumer set to Inactive",
                           self.supervisor, plan.resolved))
        if plan.closed:
            events.append(("Request closed", "Issue resolved", self.supervisor, plan.closed))
        for event, detail, user, at in events:
            self.writer.add(RequestEvent.__table__, {"id": self.ids.new("request_events"),
                                                     "request_id": request_id, "event": event,
                                                     "detail": detail, "user_name": user, "at": at})

    def _service_order(self, plan: RequestPlan, request_id: str, slot: str) -> str:
        consumer = plan.consumer
        kind = "Residential" if consumer.category == "Residential" else "Commercial"
        template = f"{kind} {plan.request_type}"
        assert plan.acknowledged is not None
        number = self.numbers.next("service_order", plan.acknowledged.date())
        self.writer.add(ServiceOrder.__table__, {
            "id": self.ids.new("service_orders"), "so_no": number, "request_id": request_id,
            "consumer_id": consumer.id, "template": template, "order_type": plan.request_type, "name": f"{template} - {consumer.name}",
            "status": plan.order_status, "priority": plan.reason[2], "scheduled_date": plan.preferred,
            "time_slot": slot, "remarks": "", "created_by": DISPATCHER, "created_at": plan.acknowledged,
            "assigned_to": self.rng.choice(TECHNICIANS), "assigned_at": plan.acknowledged,
            "approved_by": self.supervisor if plan.reason[3] and plan.resolved else "",
            "completed_at": plan.resolved})
        return number

    # payment plans ---------------------------------------------------------------------------

    def _payment_plans(self) -> None:
        """Two consumers in arrears on installments: one still Active, one Defaulted."""
        candidates = sorted(
            (c for c in self.population.consumers if c.status == "Active" and c.profile == "delinquent"
             and sum(item[2] for item in c.open_items) >= 30),
            key=lambda c: (-sum(item[2] for item in c.open_items), c.index))
        for consumer, (status, age, count) in zip(candidates, (("Defaulted", 120, 3), ("Active", 40, 4)), strict=False):
            self._payment_plan(consumer, status, self.today - timedelta(days=age), count)

    def _payment_plan(self, consumer: DemoConsumer, status: str, created_on: date, count: int) -> None:
        total = sum((item[2] for item in consumer.open_items), Decimal(0))
        part = (total / count).quantize(Decimal("0.01"), ROUND_FLOOR)
        amounts = [part] * (count - 1) + [total - part * (count - 1)]
        plan_id = self.ids.new("payment_plans")
        created = self._at(created_on)
        self.writer.add(PaymentPlan.__table__, {
            "id": plan_id, "plan_no": self.numbers.next("payment_plan", created_on), "consumer_id": consumer.id,
            "total_amount": total, "down_payment": Decimal("0.00"), "installments_count": count,
            "frequency": "Monthly", "start_date": created_on + timedelta(days=15), "status": status,
            "created_by": self.recovery_officer, "created_at": created})
        revisions = [(f"Plan created: {count} monthly installments", created)]
        for number, amount in enumerate(amounts, start=1):
            due = created_on + timedelta(days=15 + 30 * (number - 1))
            installment_id = self.ids.new("installments")
            self.writer.add(Installment.__table__, {"id": installment_id, "plan_id": plan_id, "number": number,
                                                    "amount": amount, "due_date": due})
            if number == 1 and due < self.today:
                self._installment_payment(consumer, installment_id, amount, due - timedelta(days=1))
        if status == "Defaulted":
            revisions.append(("Marked Defaulted: installments 2 and 3 missed",
                              self._at(created_on + timedelta(days=80))))
        for summary, at in revisions:
            self.writer.add(PaymentPlanRevision.__table__, {
                "id": self.ids.new("payment_plan_revisions"), "plan_id": plan_id, "summary": summary,
                "changed_by": self.recovery_officer, "changed_at": at})

    def _installment_payment(self, consumer: DemoConsumer, installment_id: str, amount: Decimal,
                             day: date) -> None:
        paid_at = self._at(day)
        payment_id = self.ids.new("payments")
        numbers = (self.numbers.next("payment", day), self.numbers.next("transaction", day),
                   self.numbers.next("receipt", day))
        cashier = self._staff(consumer)
        self.writer.add(T_PAYMENT, {
            "id": payment_id, "payment_no": numbers[0], "transaction_no": numbers[1], "receipt_no": numbers[2],
            "consumer_id": consumer.id, "payment_type": "Installment", "channel": "Walk-in", "method": "Cash",
            "amount": amount, "tendered": amount, "change_given": Decimal("0.00"), "paid_at": paid_at,
            "status": "Posted", "verification": "Verified", "received_by": cashier,
            "notes": "Installment 1", "gateway_ref": None, "webhook_status": "", "settlement_status": "",
            "settled_at": None, "cash_session_id": None, "void_reason": "", "voided_by": "", "voided_at": None,
            "item_dated_on": None, "item_count": None})  # an installment has no bill / service date
        self.writer.add(T_ALLOC, {"id": self.ids.new("payment_allocations"), "payment_id": payment_id,
                                  "bill_id": None, "service_charge_id": None, "installment_id": installment_id,
                                  "amount": amount})
        self.writer.add(T_LEDGER, {"id": self.ids.new("ledger_entries"), "consumer_id": consumer.id,
                                   "entry_type": "payment", "amount": -amount, "source_type": "payment",
                                   "source_id": payment_id, "description": f"Payment {numbers[0]} ({numbers[2]})",
                                   "posted_at": paid_at})
