"""The demo utility's reference data: centres, counters, zones, categories, meter types, users."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from app.demo.bulk import BulkWriter, DemoIds
from app.demo.regions import SPRINGFIELD, Region
from app.domain.core.permissions import Role
from app.models.consumers import MeterType
from app.models.reference import ConsumerCategory, ConsumerSubCategory, Counter, ServiceCentre, Zone
from app.models.users import User
from app.services.core.auth import hash_password

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True, slots=True)
class ZoneDef:
    code: str
    name: str
    centre_code: str
    read_day: int  # meters of the zone are read from this day of the month, over the billing window

    def cycle_name(self, month_label: str) -> str:
        return f"{self.name} Zone - {month_label}"


ZONES = (
    ZoneDef("NZ", "North", "CSC", 1),
    ZoneDef("SZ", "South", "RSC", 7),
    ZoneDef("EZ", "East", "CSC", 14),
    ZoneDef("WZ", "West", "RSC", 20),
)
CATEGORIES = {
    "Residential": ("Single Family", "Apartment", "Standard"),
    "Commercial": ("Small Business", "Retail", "Office"),
    "Industrial": ("Light", "Heavy"),
}
# key -> (name, utility, registers)
METER_TYPES = {
    "E1": ("Single-phase Electric Meter", "electricity", "total"),
    "E3": ("Three-phase CT Electric Meter", "electricity", "total"),
    "TOU": ("TOU Smart Meter (3 registers)", "electricity", "peak,standard,off_peak"),
    "W15": ("Water Meter 15 mm", "water", "total"),
    "W40": ("Water Meter 40 mm", "water", "total"),
    "G4": ("Gas Diaphragm Meter G4", "gas", "total"),
    "G25": ("Gas Rotary Meter G25", "gas", "total"),
}


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    centre_code: str | None


USERS = (
    DemoUser("manager", "Michael Brown", Role.BILLING_MANAGER, None),
    DemoUser("specialist", "Emily Davis", Role.BILLING_SPECIALIST, None),
    DemoUser("admin", "David Wilson", Role.UTILITY_ADMINISTRATOR, None),
    DemoUser("cashier", "Jane Smith", Role.CUSTOMER_SERVICE_EXECUTIVE, "CSC"),
    DemoUser("sarah.johnson", "Sarah Johnson", Role.CUSTOMER_SERVICE_EXECUTIVE, "CSC"),
    DemoUser("cashier2", "Arjun Mehta", Role.CUSTOMER_SERVICE_EXECUTIVE, "RSC"),
    DemoUser("callcenter", "Anita Desai", Role.CALL_CENTER_REPRESENTATIVE, None),
    DemoUser("recovery", "Rahul Verma", Role.RECOVERY_EXECUTIVE, None),
    DemoUser("supervisor", "Karen Miller", Role.SUPERVISOR, "CSC"),
)


@dataclass
class Reference:
    """Ids of the reference rows, for the phases that follow."""

    centre_ids: dict[str, str] = field(default_factory=dict)
    counter_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    zone_ids: dict[str, str] = field(default_factory=dict)
    meter_type_ids: dict[str, str] = field(default_factory=dict)
    users: tuple[DemoUser, ...] = USERS
    region: Region = SPRINGFIELD

    def full_name(self, role: Role) -> str:
        return next(user.full_name for user in self.users if user.role is role)

    def cashiers(self, centre_code: str) -> tuple[str, ...]:
        return tuple(user.full_name for user in self.users
                     if user.role is Role.CUSTOMER_SERVICE_EXECUTIVE and user.centre_code == centre_code)


def users_of(region: Region) -> tuple[DemoUser, ...]:
    """The demo's staff, named as people of the region are (a dollar demo's recovery executive
    is Robert Garcia; a rupee demo's, Rahul Verma)."""
    names = dict(region.staff)
    return tuple(replace(user, full_name=names.get(user.username, user.full_name)) for user in USERS)


def write_reference(writer: BulkWriter, ids: DemoIds, built_at: datetime, region: Region) -> Reference:
    ref = Reference(region=region, users=users_of(region))
    for code, name, address in region.centres:
        ref.centre_ids[code] = ids.new("service_centres")
        writer.add(ServiceCentre.__table__, {"id": ref.centre_ids[code], "code": code, "name": name,
                                             "address": address})
        for number in (1, 2):
            counter_id = ids.new("counters")
            ref.counter_ids[(code, f"C{number}")] = counter_id
            writer.add(Counter.__table__, {"id": counter_id, "centre_id": ref.centre_ids[code],
                                           "code": f"C{number}", "name": f"Counter {number}",
                                           "printer_url": "", "device_id": None})  # claimed at first use
    for zone in ZONES:
        ref.zone_ids[zone.code] = ids.new("zones")
        writer.add(Zone.__table__, {"id": ref.zone_ids[zone.code], "code": zone.code, "name": zone.name,
                                    "centre_id": ref.centre_ids[zone.centre_code]})
    for category, subs in CATEGORIES.items():
        category_id = ids.new("consumer_categories")
        writer.add(ConsumerCategory.__table__, {"id": category_id, "name": category})
        for sub in subs:
            writer.add(ConsumerSubCategory.__table__, {"id": ids.new("consumer_sub_categories"),
                                                       "category_id": category_id, "name": sub})
    for key, (name, utility, registers) in METER_TYPES.items():
        ref.meter_type_ids[key] = ids.new("meter_types")
        writer.add(MeterType.__table__, {"id": ref.meter_type_ids[key], "name": name,
                                         "utility": utility, "registers": registers})
    _write_users(writer, ids, ref, built_at)
    return ref


def _write_users(writer: BulkWriter, ids: DemoIds, ref: Reference, built_at: datetime) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow on purpose: hash once, reuse
    for user in ref.users:
        writer.add(User.__table__, {
            "id": ids.new("users"), "username": user.username, "full_name": user.full_name,
            "email": f"{user.username}@sunrise-utilities.example.com", "role": user.role.value,
            "password_hash": password_hash,
            "centre_id": ref.centre_ids[user.centre_code] if user.centre_code else None,
            "active": True, "failed_attempts": 0, "locked_until": None,
            "password_changed_at": built_at,
        })
