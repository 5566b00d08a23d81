"""Executing a disconnection or reconnection: meters, the service order and the checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.core.errors import ValidationError

METER_NOT_LINKED = "Meter not linked to this account"
SO_NOT_APPLICABLE = "Service order not found or not applicable"
UNASSIGN_ONLY = "Unassign Meter Only"
REMOVE_COMPLETELY = "Remove Meter Completely"
METER_ACTIONS = (UNASSIGN_ONLY, REMOVE_COMPLETELY)
REMOVAL_DESTINATIONS = ("Warehouse", "Decommissioned")
CLOSED_ORDER_STATUSES = frozenset({"Completed", "Cancelled"})


@dataclass(frozen=True)
class LinkedMeter:
    """A meter on one of the consumer's service accounts."""

    meter_id: str
    meter_no: str
    device_no: str
    meter_type: str
    utility: str


@dataclass(frozen=True)
class OrderFacts:
    so_no: str
    order_type: str
    status: str
    consumer_id: str
    assigned_to: str
    approved_by: str
    completed_at: datetime | None
    scheduled_date: date


def meter_by_number(meter_no: str, linked: tuple[LinkedMeter, ...]) -> LinkedMeter:
    """AC015/AC016: a meter number must be linked to the account; its device number follows."""
    wanted = meter_no.strip().casefold()
    found = next((m for m in linked if m.meter_no.casefold() == wanted), None)
    if found is None:
        raise ValidationError("Meter number", METER_NOT_LINKED)
    return found


def meter_by_device(device_no: str, linked: tuple[LinkedMeter, ...]) -> LinkedMeter:
    """The disconnect tab works the other way: the device number fills in the meter number."""
    wanted = device_no.strip().casefold()
    found = next((m for m in linked if m.device_no.casefold() == wanted), None)
    if found is None:
        raise ValidationError("Device number", METER_NOT_LINKED)
    return found


def check_service_order(so_no: str, consumer_id: str, order_type: str,
                        orders: tuple[OrderFacts, ...]) -> OrderFacts:
    """A valid SO is an open service order of this consumer, of the request's type."""
    wanted = so_no.strip().casefold()
    if not wanted:
        raise ValidationError("SO ID", "is required")
    found = next((o for o in orders if o.so_no.casefold() == wanted), None)
    if (found is None or found.consumer_id != consumer_id or found.order_type != order_type
            or found.status in CLOSED_ORDER_STATUSES):
        raise ValidationError("SO ID", SO_NOT_APPLICABLE)
    return found


@dataclass(frozen=True)
class Checklist:
    items: tuple[str, ...]
    minimum: int
    checked: frozenset[str] = frozenset()

    @property
    def done(self) -> int:
        return len(self.checked & set(self.items))

    @property
    def counter_text(self) -> str:
        return f"Completion: {self.done}/{len(self.items)} items"

    @property
    def complete(self) -> bool:
        return self.done >= min(self.minimum, len(self.items))

    def with_item(self, item: str, on: bool) -> Checklist:
        if item not in self.items:
            raise ValidationError("Checklist", f"{item} is not a checklist item")
        checked = self.checked | {item} if on else self.checked - {item}
        return Checklist(self.items, self.minimum, frozenset(checked))


def can_execute(order_valid: bool, checklist: Checklist) -> bool:
    """AC017: Execute Disconnection only with a valid SO ID and the checklist minimum met."""
    return order_valid and checklist.complete


def check_meter_action(action: str, destination: str) -> None:
    if action not in METER_ACTIONS:
        raise ValidationError("Meter action", f"must be {UNASSIGN_ONLY} or {REMOVE_COMPLETELY}")
    if action == REMOVE_COMPLETELY and destination not in REMOVAL_DESTINATIONS:
        raise ValidationError("Move meter to", "must be Warehouse or Decommissioned")
