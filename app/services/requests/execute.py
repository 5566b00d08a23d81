"""Executing a request in the field's name: Execute Disconnection (unassign or remove the
meters, consumer Inactive, service accounts Disconnected, SO completed, notice queued) and its
mirror, Execute Reconnection (reconnection fee as a service charge, meters assigned, consumer
Active). One transaction each: a refusal leaves nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.requests.disconnection import RequestStatus, status_of
from app.domain.requests.execution import (
    REMOVE_COMPLETELY,
    Checklist,
    LinkedMeter,
    OrderFacts,
    check_meter_action,
    check_service_order,
    meter_by_device,
    meter_by_number,
)
from app.models.billing import LedgerEntry, ServiceCharge
from app.models.consumers import Consumer, Meter, MeterMovement, MeterType, ServiceAccount
from app.models.requests import ServiceOrder, ServiceRequest
from app.services.core.changes import LEDGER, REQUESTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import queue_email
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import local_today
from app.services.requests.common import bump, consumer_row, event, request_by_id
from app.services.requests.lock import refuse_unless_holder
from app.services.requests.meters import linked_meters, order_facts
from app.services.requests.workflow import move

S = RequestStatus


@dataclass(frozen=True)
class DisconnectionOrder:
    so_no: str
    device_nos: tuple[str, ...]
    meter_action: str
    destination: str = "Warehouse"  # with Remove Meter Completely: Warehouse or Decommissioned
    checked: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ReconnectionOrder:
    so_no: str
    meter_nos: tuple[str, ...]  # one per service account, in any order


@dataclass(frozen=True)
class ExecutionChoices:
    checklist: tuple[str, ...]
    minimum: int
    reconnection_fee: Money


@dataclass(frozen=True)
class Executed:
    request_id: str
    request_no: str
    consumer_status: str
    meters: tuple[str, ...]
    changes: Changes


class RequestExecution:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    # the tab's look-ups (auto-fill) ------------------------------------------------------------

    def execution_choices(self, actor: Actor) -> ExecutionChoices:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            return ExecutionChoices(s.closure_checklist, s.checklist_minimum,
                                    s.money("disconnections.reconnection_fee"))

    def lookup_order(self, actor: Actor, request_id: str, so_no: str) -> OrderFacts:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            request = request_by_id(session, request_id)
            return check_service_order(so_no, request.consumer_id, request.request_type,
                                       order_facts(session, request.consumer_id))

    def lookup_device(self, actor: Actor, request_id: str, device_no: str) -> LinkedMeter:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            request = request_by_id(session, request_id)
            return meter_by_device(device_no, linked_meters(session, request.consumer_id))

    def lookup_meter(self, actor: Actor, request_id: str, meter_no: str) -> LinkedMeter:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            request = request_by_id(session, request_id)
            return meter_by_number(meter_no, linked_meters(session, request.consumer_id))

    # disconnection --------------------------------------------------------------------------------

    def execute_disconnection(self, actor: Actor, request_id: str,
                              order: DisconnectionOrder) -> Executed:
        actor.require(Permission.WORK_REQUEST)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            request, so = self._ready(work, request_id, order.so_no, "Disconnection")
            check_meter_action(order.meter_action, order.destination)
            checklist = Checklist(settings.closure_checklist, settings.checklist_minimum,
                                  frozenset(order.checked))
            if not checklist.complete:
                raise ValidationError("Account closure checklist",
                                      f"{checklist.counter_text}; {checklist.minimum} required")
            linked = linked_meters(work.session, request.consumer_id)
            chosen = {meter_by_device(device, linked).meter_id for device in order.device_nos}
            missing = [m.device_no for m in linked if m.meter_id not in chosen]
            if missing:
                raise ValidationError("Device number", f"enter every meter of the account ({missing[0]})")
            to_status = (order.destination if order.meter_action == REMOVE_COMPLETELY else "Uninstalled")
            to_status = "In warehouse" if to_status == "Warehouse" else to_status
            moved = tuple(self._unassign(work, request, so, meter, to_status) for meter in linked)
            consumer = self._set_consumer(work, request.consumer_id, "Inactive", "Disconnected")
            self._complete(work, request, so, f"{order.meter_action}: " + ", ".join(moved))
            event(work, request, "Final billing frozen",
                  "Service accounts Disconnected: no bill runs after this date but the final bill")
            work.audit("Disconnection executed", "service_request", request.id,
                       request_no=request.request_no, so_no=so.so_no, meter_action=order.meter_action,
                       meters=list(moved), checklist=sorted(checklist.checked), consumer_status="Inactive")
            self._notify_done(work, request, consumer, "disconnected")
            return Executed(request.id, request.request_no, "Inactive", moved, Changes.of(REQUESTS))

    def _ready(self, work: Work, request_id: str, so_no: str,
               request_type: str) -> tuple[ServiceRequest, ServiceOrder]:
        request = request_by_id(work.session, request_id)
        if request.request_type != request_type:
            raise ValidationError("Request", f"{request.request_no} is a {request.request_type} request")
        if status_of(request.status) is not S.IN_PROGRESS:
            raise ValidationError("Status", f"the request must be In progress, not {request.status}")
        facts = check_service_order(so_no, request.consumer_id, request_type,
                                    order_facts(work.session, request.consumer_id))
        if request.required_approval and not facts.approved_by:
            raise ValidationError("Approved by", f"{facts.so_no} needs a supervisor's approval first")
        so = work.session.execute(select(ServiceOrder).where(ServiceOrder.so_no == facts.so_no)).scalar_one()
        return request, so

    def _unassign(self, work: Work, request: ServiceRequest, so: ServiceOrder, linked: LinkedMeter,
                  to_status: str) -> str:
        meter = work.session.get(Meter, linked.meter_id)
        account_id, before = meter.service_account_id, meter.status
        meter.service_account_id, meter.status = None, to_status
        bump(work, meter)
        work.record(MeterMovement(
            meter_id=meter.id, consumer_id=request.consumer_id, request_id=request.id, so_no=so.so_no,
            action="Unassigned" if to_status == "Uninstalled" else "Removed", from_status=before,
            to_status=to_status, service_account_id=account_id, moved_by=work.actor.full_name,
            moved_at=work.now))
        return f"{meter.meter_no} ({to_status})"

    def _set_consumer(self, work: Work, consumer_id: str, status: str, account_status: str) -> Consumer:
        consumer = consumer_row(work.session, consumer_id)
        refuse_unless_holder(consumer, work.actor, work.now)  # the central service refuses it too
        consumer.status = status
        bump(work, consumer)
        for account in work.session.execute(select(ServiceAccount).where(
                ServiceAccount.consumer_id == consumer_id)).scalars():
            account.status = account_status
            bump(work, account)
        return consumer

    @staticmethod
    def _complete(work: Work, request: ServiceRequest, so: ServiceOrder, detail: str) -> None:
        so.status, so.completed_at = "Completed", work.now
        bump(work, so)
        event(work, request, f"{request.request_type} executed", f"{so.so_no}: {detail}")
        move(work, request, S.COMPLETED, f"executed under {so.so_no}")

    @staticmethod
    def _notify_done(work: Work, request: ServiceRequest, consumer: Consumer, done: str) -> None:
        if not (request.notify_customer and consumer.email):
            return
        subject = f"{request.request_type} request {request.request_no} completed"
        body = (f"Dear {consumer.name}, the supply of account {consumer.account_no} was {done} "
                f"under request {request.request_no}.")
        queue_email(work, f"request_{done}", consumer.email, subject, body)
        event(work, request, "Customer notified", f"Email queued to {consumer.email}")

    # reconnection ---------------------------------------------------------------------------------

    def execute_reconnection(self, actor: Actor, request_id: str, order: ReconnectionOrder) -> Executed:
        actor.require(Permission.WORK_REQUEST)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            request, so = self._ready(work, request_id, order.so_no, "Reconnection")
            accounts = work.session.execute(select(ServiceAccount).where(
                ServiceAccount.consumer_id == request.consumer_id)).scalars().all()
            meters = [self._free_meter(work, number, accounts) for number in order.meter_nos]
            assigned = tuple(self._assign(work, request, so, meter, accounts, local_today(self.app, settings))
                             for meter in meters)
            unserved = [a.utility for a in accounts
                        if not any(m.service_account_id == a.id for m in meters)]
            if unserved:
                raise ValidationError("Meter number", f"assign a meter to the {unserved[0]} account")
            self._fee(work, request, settings.money("disconnections.reconnection_fee"),
                      local_today(self.app, settings))
            consumer = self._set_consumer(work, request.consumer_id, "Active", "Active")
            self._complete(work, request, so, "meters assigned: " + ", ".join(assigned))
            work.audit("Reconnection executed", "service_request", request.id,
                       request_no=request.request_no, so_no=so.so_no, meters=list(assigned),
                       consumer_status="Active")
            self._notify_done(work, request, consumer, "reconnected")
            return Executed(request.id, request.request_no, "Active", assigned,
                            Changes.of(REQUESTS, LEDGER))

    @staticmethod
    def _free_meter(work: Work, meter_no: str, accounts: list[ServiceAccount]) -> Meter:
        """A meter to assign: unlinked (in the warehouse, or left at other premises), or still
        linked to one of this consumer's own accounts (unassign-only left it at the premises;
        older data kept the link). Never a decommissioned one, never another consumer's."""
        meter = work.session.execute(select(Meter).where(
            Meter.meter_no == meter_no.strip(), Meter.deleted.is_(False))).scalar_one_or_none()
        if meter is None:
            raise ValidationError("Meter number", f"{meter_no.strip()} is not a known meter")
        own = meter.service_account_id in {a.id for a in accounts}
        if (meter.service_account_id is not None and not own) or meter.status == "Decommissioned":
            raise ValidationError("Meter number", f"{meter.meter_no} is not free to assign "
                                                  f"({'assigned' if meter.service_account_id else meter.status})")
        return meter

    def _assign(self, work: Work, request: ServiceRequest, so: ServiceOrder, meter: Meter,
                accounts: list[ServiceAccount], today) -> str:
        utility = work.session.get(MeterType, meter.meter_type_id).utility
        account = next((a for a in accounts if a.utility == utility), None)
        if account is None:
            raise ValidationError("Meter number", f"{meter.meter_no} is a {utility} meter; the "
                                                  f"consumer has no {utility} account")
        before = meter.status
        meter.service_account_id, meter.status, meter.installed_on = account.id, "Installed", today
        bump(work, meter)
        work.record(MeterMovement(
            meter_id=meter.id, consumer_id=request.consumer_id, request_id=request.id, so_no=so.so_no,
            action="Assigned", from_status=before, to_status="Installed", service_account_id=account.id,
            moved_by=work.actor.full_name, moved_at=work.now))
        return f"{meter.meter_no} ({utility})"

    @staticmethod
    def _fee(work: Work, request: ServiceRequest, fee, today) -> None:
        if fee.amount <= 0:
            return
        charge = ServiceCharge(consumer_id=request.consumer_id, description="Reconnection Fee",
                               amount=fee.amount, service_date=today, gl_code="4300")
        work.record(charge)
        work.record(LedgerEntry(consumer_id=request.consumer_id, entry_type="service", amount=fee.amount,
                                source_type="service", source_id=charge.id,
                                description=f"Reconnection Fee ({request.request_no})", posted_at=work.now))
        event(work, request, "Reconnection fee charged", f"{fee.amount} {fee.currency}")
