"""A consumer's meters as the request screens see them, and the service orders facts the
execution rules check against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.requests.execution import LinkedMeter, OrderFacts
from app.models.consumers import Meter, MeterRead, MeterType, ServiceAccount
from app.models.requests import ServiceOrder


@dataclass(frozen=True)
class MeterView:
    utility: str
    meter_no: str
    device_no: str
    meter_type: str
    status: str
    last_reading: Decimal | None
    reading_date: date | None


def linked_meters(session: Session, consumer_id: str) -> tuple[LinkedMeter, ...]:
    rows = session.execute(
        select(Meter, MeterType.name, ServiceAccount.utility)
        .join(ServiceAccount, Meter.service_account_id == ServiceAccount.id)
        .join(MeterType, Meter.meter_type_id == MeterType.id)
        .where(ServiceAccount.consumer_id == consumer_id, Meter.deleted.is_(False))
        .order_by(ServiceAccount.utility, Meter.meter_no)).all()
    return tuple(LinkedMeter(m.id, m.meter_no, m.device_no, type_name, utility)
                 for m, type_name, utility in rows)


def meter_views(session: Session, consumer_id: str, before: date | None = None) -> list[MeterView]:
    """Each linked meter with its last reading taken before the request date."""
    views = []
    for linked in linked_meters(session, consumer_id):
        meter = session.get(Meter, linked.meter_id)
        query = select(MeterRead).where(MeterRead.meter_id == linked.meter_id)
        if before is not None:
            query = query.where(MeterRead.read_on <= before)
        last = session.execute(query.order_by(MeterRead.read_on.desc()).limit(1)).scalar()
        views.append(MeterView(linked.utility, linked.meter_no, linked.device_no, linked.meter_type,
                               meter.status, last.reading if last else None,
                               last.read_on if last else None))
    return views


def order_facts(session: Session, consumer_id: str) -> tuple[OrderFacts, ...]:
    orders = session.execute(select(ServiceOrder).where(
        ServiceOrder.consumer_id == consumer_id, ServiceOrder.deleted.is_(False))).scalars()
    return tuple(OrderFacts(o.so_no, o.order_type, o.status, o.consumer_id, o.assigned_to,
                            o.approved_by, o.completed_at, o.scheduled_date) for o in orders)
