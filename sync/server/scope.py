"""Where a row belongs (zone, centre, or everyone), and which rows a device may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.models.billing import Bill, BillingCycle
from app.models.cash import CashSession
from app.models.consumers import Consumer, Meter, ServiceAccount
from app.models.payments import CreditNote, Payment, PaymentPlan
from app.models.reference import Counter, Zone
from app.models.requests import ServiceRequest
from sync.records import entity_class

# Rows that reach their zone through a parent row: column -> parent class.
PARENTS: dict[str, tuple[str, type]] = {
    "bill_lines": ("bill_id", Bill),
    "payment_allocations": ("payment_id", Payment),
    "credit_note_applications": ("credit_note_id", CreditNote),
    "installments": ("plan_id", PaymentPlan),
    "payment_plan_revisions": ("plan_id", PaymentPlan),
    "request_events": ("request_id", ServiceRequest),
    "receipt_prints": ("payment_id", Payment),
    "cash_movements": ("session_id", CashSession),
    "cash_sessions": ("counter_id", Counter),
    "billing_exceptions": ("cycle_id", BillingCycle),
    "meter_reads": ("meter_id", Meter),
    "meters": ("service_account_id", ServiceAccount),
    "plan_assignments": ("service_account_id", ServiceAccount),
    "payment_inquiries": ("payment_id", Payment),
}


@dataclass(frozen=True)
class Location:
    """zone and centre both None: reference data every device receives."""

    zone_id: str | None = None
    centre_id: str | None = None
    missing: str = ""  # names a parent row that does not exist

    @property
    def is_reference(self) -> bool:
        return self.zone_id is None and self.centre_id is None and not self.missing


@dataclass(frozen=True)
class DeviceScope:
    centre_id: str
    zone_ids: tuple[str, ...]

    def covers(self, location: Location) -> bool:
        if location.centre_id == SERVER_ONLY.centre_id:
            return True  # any desktop may queue one; none receives it back
        if location.zone_id is not None:
            return location.zone_id in self.zone_ids
        return location.centre_id in (None, self.centre_id)


# Rows only the service works on (outgoing e-mail): logged, never handed to a desktop.
SERVER_ONLY = Location(centre_id="(server)")
SERVER_ONLY_ENTITIES = frozenset({"notifications"})


class Locator:
    """Resolves locations, caching parent lookups for the length of one batch."""

    def __init__(self, session: Session, consumers: dict[str, Location] | None = None) -> None:
        self.session = session
        self._cache: dict[tuple[type, str], Location] = {
            (Consumer, consumer_id): where for consumer_id, where in (consumers or {}).items()}

    def locate(self, entity: str, values: dict[str, object]) -> Location:
        if entity in SERVER_ONLY_ENTITIES:
            return SERVER_ONLY
        if entity == "service_centres":
            return Location(centre_id=str(values.get("id")))
        if entity == "zones":
            return Location(centre_id=_str(values.get("centre_id")))
        if "zone_id" in values and entity != "users":
            return self._zone(_str(values["zone_id"]))
        if "consumer_id" in values:
            return self._parent(Consumer, _str(values["consumer_id"]))
        if entity in PARENTS:
            column, parent = PARENTS[entity]
            return self._parent(parent, _str(values.get(column)))
        if "centre_id" in values:
            return Location(centre_id=_str(values["centre_id"]))
        return Location()

    def _zone(self, zone_id: str | None) -> Location:
        if zone_id is None:
            return Location()
        zone = self.session.get(Zone, zone_id)
        if zone is None:
            return Location(missing=f"zone {zone_id}")
        return Location(zone_id=zone.id, centre_id=zone.centre_id)

    def _parent(self, parent: type, parent_id: str | None) -> Location:
        if parent_id is None:
            return Location()
        key = (parent, parent_id)
        if key not in self._cache:
            row = self.session.get(parent, parent_id)
            if row is None:
                self._cache[key] = Location(missing=f"{parent.__tablename__} {parent_id}")
            else:
                values = {a.key: getattr(row, a.key) for a in row.__mapper__.column_attrs}
                self._cache[key] = self.locate(parent.__tablename__, values)
        return self._cache[key]


def consumer_locations(session: Session, ids: set[str]) -> dict[str, Location]:
    """Where each of these consumers is, in one query (a push batch's payments name many).

    Values, not ORM objects: objects loaded only to warm the identity map are dropped again at
    once (it holds them weakly), and each lookup then went back to the database, flushing the
    batch's pending rows in small groups before it."""
    if not ids:
        return {}
    rows = session.execute(select(Consumer.id, Consumer.zone_id, Zone.id, Zone.centre_id)
                           .outerjoin(Zone, Zone.id == Consumer.zone_id).where(Consumer.id.in_(ids)))
    return {consumer_id: (Location() if zone_id is None else Location(missing=f"zone {zone_id}")
                          if found is None else Location(zone_id=found, centre_id=centre_id))
            for consumer_id, zone_id, found, centre_id in rows}


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def visible_rows(entity: str, scope: DeviceScope) -> ColumnElement[bool] | None:
    """A WHERE clause for bootstrap: the rows of `entity` this device may download."""
    cls = entity_class(entity)
    assert cls is not None
    consumers = select(Consumer.id).where(Consumer.zone_id.in_(scope.zone_ids))
    if entity == "service_centres":
        return cls.id == scope.centre_id
    if entity == "users":
        return or_(cls.centre_id == scope.centre_id, cls.centre_id.is_(None))
    if entity == "payment_alerts":
        return or_(cls.centre_id == scope.centre_id, cls.centre_id.is_(None))
    if entity in ("zones", "counters"):
        return cls.centre_id == scope.centre_id
    if hasattr(cls, "zone_id"):
        return cls.zone_id.in_(scope.zone_ids)
    if hasattr(cls, "consumer_id"):
        return cls.consumer_id.in_(consumers)
    if entity in ("meters", "plan_assignments"):
        return cls.service_account_id.in_(select(ServiceAccount.id).where(ServiceAccount.consumer_id.in_(consumers)))
    if entity == "installments":
        return cls.plan_id.in_(select(PaymentPlan.id).where(PaymentPlan.consumer_id.in_(consumers)))
    return None
