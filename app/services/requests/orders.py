"""Service orders of a request: created from the templates of the consumer's category, assigned
to a technician, approved by a supervisor where the request needs approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from app.domain.core.errors import NotFound, PermissionDenied, ValidationError
from app.domain.core.permissions import Permission, Role
from app.domain.requests.form import check_notes, check_preferred_date
from app.formatting import Formats
from app.models.consumers import Meter, MeterMovement
from app.models.requests import ServiceOrder
from app.printing.pdf.service_order_pdf import (
    MeterLine,
    ServiceOrderReport,
    write_service_order_report,
)
from app.services.core.context import Actor, AppContext
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import unit_of_work
from app.services.payments.queries import local_today, zone
from app.services.requests.common import bump, consumer_row, event, request_by_id, touch


@dataclass(frozen=True)
class OrderTemplate:
    name: str
    order_type: str
    estimated_hours: str


@dataclass(frozen=True)
class OrderRow:
    order_id: str
    so_no: str
    name: str
    order_type: str
    status: str
    scheduled_date: date
    time_slot: str
    created_at: datetime
    created_by: str
    assigned_to: str
    assigned_at: datetime | None
    approved_by: str
    completed_at: datetime | None
    remarks: str


def order_row(order: ServiceOrder) -> OrderRow:
    return OrderRow(order.id, order.so_no, order.name, order.order_type, order.status,
                    order.scheduled_date, order.time_slot, order.created_at, order.created_by,
                    order.assigned_to, order.assigned_at, order.approved_by, order.completed_at,
                    order.remarks)


class ServiceOrders:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def order_templates(self, actor: Actor, request_id: str) -> list[OrderTemplate]:
        """Only the templates associated with the consumer's category."""
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            consumer = consumer_row(session, request_by_id(session, request_id).consumer_id)
            templates = load_settings(session).get("service_orders.templates")
            return [OrderTemplate(t.name, t.order_type, str(t.estimated_hours)) for t in templates
                    if consumer.category in t.consumer_categories]

    def service_orders(self, actor: Actor, request_id: str) -> list[OrderRow]:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            orders = session.execute(select(ServiceOrder).where(
                ServiceOrder.request_id == request_id, ServiceOrder.deleted.is_(False))
                .order_by(ServiceOrder.created_at)).scalars()
            return [order_row(order) for order in orders]

    def create_service_order(self, actor: Actor, request_id: str, template: str,
                             scheduled: date | None, remarks: str = "",
                             assigned_to: str = "") -> OrderRow:
        actor.require(Permission.WORK_REQUEST)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            request = request_by_id(work.session, request_id)
            consumer = consumer_row(work.session, request.consumer_id)
            chosen = next((t for t in settings.get("service_orders.templates")
                           if t.name == template and consumer.category in t.consumer_categories), None)
            if chosen is None:
                raise ValidationError("Service order type",
                                      f"choose a template for the {consumer.category} category")
            if request.status in ("Completed", "Closed"):
                raise ValidationError("Service order", f"the request is {request.status}")
            day = check_preferred_date(scheduled, local_today(self.app, settings))
            number = issue_number(work.session, settings, "service_order", on=day,
                                  device_code=self.app.device_code, self_lease=self.app.self_lease)
            order = ServiceOrder(
                so_no=number.text, request_id=request.id, consumer_id=consumer.id,
                template=chosen.name, order_type=chosen.order_type,
                name=f"{chosen.name} - {consumer.name}", status="Assigned" if assigned_to else "Created",
                priority=request.priority, scheduled_date=day, time_slot=request.time_slot,
                remarks=check_notes(remarks, 1000), created_by=work.actor.full_name,
                created_at=work.now, assigned_to=assigned_to.strip(),
                assigned_at=work.now if assigned_to.strip() else None)
            work.record(order)
            request.responded_at = request.responded_at or work.now  # the first action
            touch(work, request)
            event(work, request, "Service order created",
                  f"{order.so_no} ({chosen.name})" + (f" assigned to {order.assigned_to}"
                                                      if order.assigned_to else ""))
            work.audit("Service order created", "service_order", order.id, so_no=order.so_no,
                       request_no=request.request_no, template=chosen.name, scheduled=day)
            return order_row(order)

    def approve_service_order(self, actor: Actor, order_id: str) -> OrderRow:
        """A supervisor approves the disconnection the order carries out ("Approved by")."""
        actor.require(Permission.WORK_REQUEST)
        if actor.role is not Role.SUPERVISOR:
            raise PermissionDenied(f"A {actor.role.value} may not approve a service order")
        with unit_of_work(self.app, actor) as work:
            order = work.session.get(ServiceOrder, order_id)
            if order is None:
                raise ValidationError("SO ID", "Service order not found or not applicable")
            order.approved_by = actor.full_name
            bump(work, order)
            if order.request_id:
                event(work, request_by_id(work.session, order.request_id), "Service order approved",
                      order.so_no)
            work.audit("Service order approved", "service_order", order.id, so_no=order.so_no)
            return order_row(order)

    def write_order_report(self, actor: Actor, order_id: str, path: Path) -> Path:
        """The report of a completed order, to download (refused before it is completed)."""
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            order = session.get(ServiceOrder, order_id)
            if order is None:
                raise NotFound("Service order not found")
            if order.status != "Completed" or order.completed_at is None:
                raise ValidationError("Download report", f"{order.so_no} is {order.status}, not Completed")
            request = request_by_id(session, order.request_id) if order.request_id else None
            consumer = consumer_row(session, order.consumer_id)
            moves = session.execute(select(MeterMovement, Meter.meter_no)
                                    .join(Meter, Meter.id == MeterMovement.meter_id)
                                    .where(MeterMovement.so_no == order.so_no)
                                    .order_by(MeterMovement.moved_at, Meter.meter_no)).all()
            tz = zone(s)
            return write_service_order_report(path, ServiceOrderReport(
                s.utility_name, Formats.of(s), order.so_no, order.name, order.order_type, order.status,
                request.request_no if request else "—", consumer.name, consumer.account_no,
                order.scheduled_date, order.assigned_to, order.approved_by, order.created_by,
                order.completed_at.astimezone(tz), order.remarks,
                tuple(MeterLine(no, m.action, m.from_status, m.to_status) for m, no in moves),
                self.app.clock.now().astimezone(tz), actor.full_name))
