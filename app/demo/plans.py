"""The tariff spec's plan examples, with categories, services, charges and version history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.demo.bulk import BulkWriter, DemoIds, LocalTime
from app.demo.tariffs import TariffBook
from app.models.tariffs import Plan, PlanCategory, PlanCharge, PlanService, PlanVersion

D = Decimal
ALL_RESIDENTIAL = ("Single Family", "Apartment", "Standard")
ALL_COMMERCIAL = ("Small Business", "Retail", "Office")


@dataclass(frozen=True, slots=True)
class PlanVersionDef:
    label: str
    changed_by: str
    changed_at: tuple[int, int, int, int, int]
    summary: str
    changes: tuple[tuple[str, object], ...] = ()  # fields that differ from the plan as it is now


@dataclass(frozen=True, slots=True)
class PlanDef:
    key: str
    name: str
    short_name: str
    description: str
    frequency: str
    tax: tuple[str, Decimal]
    valid: tuple[date, date | None]
    categories: tuple[tuple[str, tuple[str, ...]], ...]
    services: tuple[tuple[str, str], ...]  # utility, tariff key
    charges: tuple[tuple[str, str, str, str], ...]  # name, scope, type, amount
    versions: tuple[PlanVersionDef, ...]
    manually_inactive: bool = False


PLANS = (
    PlanDef("rbe", "Residential Basic Electricity", "RBE",
            "A simple electricity plan for residential customers", "Monthly", ("Percentage", D(5)),
            (date(2023, 1, 1), date(2023, 12, 31)), (("Residential", ("Single Family",)),),
            (("electricity", "old"),),
            (("Peak Usage Fee", "electricity", "Variable", "0.15"),
             ("Administrative Fee", "Common", "Fixed", "5.99"),
             ("Document Processing", "Common", "Fixed", "2.50")),
            (PlanVersionDef("1.0", "John Doe", (2023, 1, 1, 10, 30), "Initial Plan Creation",
                            (("tax_rate", "4.5"), ("description", "Basic plan"))),
             PlanVersionDef("1.1", "Jane Smith", (2023, 3, 13, 14, 45),
                            'Tax Value: 4.5% → 5%\nDescription: "Basic plan" → '
                            '"A simple electricity plan for residential customers"'))),
    PlanDef("cwp", "Commercial Water Plan", "CWP", "Slab-rated water for shops, offices and retail",
            "Quarterly", ("Percentage", D(5)), (date(2023, 3, 1), None),
            (("Commercial", ALL_COMMERCIAL),), (("water", "cws"),),
            (("Meter Maintenance", "Common", "Fixed", "3.00"),),
            (PlanVersionDef("1.0", "David Wilson", (2023, 2, 20, 11, 0), "Initial Plan Creation"),)),
    PlanDef("igs", "Industrial Gas Supply", "IGS", "Gas supply for light and heavy industry",
            "Monthly", ("Percentage", D(5)), (date(2023, 6, 1), date(2024, 5, 31)),
            (("Industrial", ("Light", "Heavy")),), (("gas", "igas"),),
            (("Safety Inspection Fee", "gas", "Fixed", "12.00"),),
            (PlanVersionDef("1.0", "David Wilson", (2023, 5, 20, 9, 45), "Initial Plan Creation",
                            (("manually_inactive", False),)),
             PlanVersionDef("1.1", "Michael Brown", (2024, 2, 12, 16, 30), "Status: Active → Inactive")),
            manually_inactive=True),
    PlanDef("prb", "Premium Residential Bundle", "PRB",
            "Electricity, water and gas on one monthly bill for households", "Monthly",
            ("Percentage", D(5)), (date(2023, 1, 1), None), (("Residential", ALL_RESIDENTIAL),),
            (("electricity", "std"), ("water", "dwater"), ("gas", "pgas")),
            (("Bundle Service Fee", "Common", "Fixed", "4.99"),
             ("Paper Bill Fee", "Common", "Fixed", "1.00")),
            (PlanVersionDef("1.0", "David Wilson", (2022, 12, 20, 12, 0), "Initial Plan Creation",
                            (("electricity_tariff", "Old Residential Plan"),)),
             PlanVersionDef("1.1", "Michael Brown", (2025, 3, 12, 10, 15),
                            "Electricity tariff: Old Residential Plan → Standard Residential Electricity"))),
    PlanDef("sbu", "Small Business Utilities", "SBU", "Electricity and water for small businesses",
            "Monthly", ("Percentage", D(5)), (date(2023, 4, 1), date(2024, 3, 31)),
            (("Commercial", ("Small Business",)),), (("electricity", "celec"), ("water", "cws")),
            (("Administrative Fee", "Common", "Fixed", "7.50"),),
            (PlanVersionDef("1.0", "Emily Davis", (2023, 3, 20, 15, 40), "Initial Plan Creation"),)),
)


@dataclass
class PlanBook:
    ids: dict[str, str]


def write_plans(writer: BulkWriter, ids: DemoIds, local: LocalTime, tariffs: TariffBook) -> PlanBook:
    book = PlanBook({})
    for plan in PLANS:
        plan_id = book.ids[plan.key] = ids.new("plans")
        row = {
            "id": plan_id, "name": plan.name, "short_name": plan.short_name,
            "description": plan.description, "billing_frequency": plan.frequency,
            "tax_type": plan.tax[0], "tax_rate": plan.tax[1], "valid_from": plan.valid[0],
            "valid_to": plan.valid[1], "manually_inactive": plan.manually_inactive,
            # deactivated by its last version ("Status: Active → Inactive"), on that day
            "inactive_since": date(*plan.versions[-1].changed_at[:3]) if plan.manually_inactive else None,
            "version_no": len(plan.versions),
        }
        writer.add(Plan.__table__, row)
        for category, subs in plan.categories:
            for sub in subs:
                writer.add(PlanCategory.__table__, {"id": ids.new("plan_categories"), "plan_id": plan_id,
                                                    "category": category, "sub_category": sub})
        for utility, tariff_key in plan.services:
            writer.add(PlanService.__table__, {"id": ids.new("plan_services"), "plan_id": plan_id,
                                               "utility": utility, "tariff_id": tariffs.tariff_ids[tariff_key]})
        for name, scope, charge_type, amount in plan.charges:
            writer.add(PlanCharge.__table__, {"id": ids.new("plan_charges"), "plan_id": plan_id,
                                              "name": name, "scope": scope, "charge_type": charge_type,
                                              "amount": D(amount)})
        for version in plan.versions:
            writer.add(PlanVersion.__table__, {
                "id": ids.new("plan_versions"), "plan_id": plan_id, "version_label": version.label,
                "snapshot": _snapshot(plan, version), "change_summary": version.summary,
                "changed_by": version.changed_by, "changed_at": _local(local, version.changed_at),
            })
    return book


def _snapshot(plan: PlanDef, version: PlanVersionDef) -> dict:
    """The plan as it was at this version (JSON only)."""
    snapshot: dict[str, object] = {
        "name": plan.name, "short_name": plan.short_name, "description": plan.description,
        "billing_frequency": plan.frequency, "tax_type": plan.tax[0], "tax_rate": str(plan.tax[1]),
        "valid_from": plan.valid[0].isoformat(),
        "valid_to": plan.valid[1].isoformat() if plan.valid[1] else None,
        "categories": [{"category": c, "sub_categories": list(s)} for c, s in plan.categories],
        "services": [{"utility": u, "tariff": t} for u, t in plan.services],
        "charges": [{"name": n, "scope": s, "charge_type": t, "amount": a} for n, s, t, a in plan.charges],
        "manually_inactive": plan.manually_inactive,
    }
    snapshot.update(dict(version.changes))
    return snapshot


def _local(local: LocalTime, stamp: tuple[int, int, int, int, int]) -> object:
    year, month, day, hour, minute = stamp
    return local.at(date(year, month, day), hour, minute)
