"""Plan rows read and written as PlanDrafts, version snapshots and their change lists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.money import MINOR_DIGITS
from app.domain.tariffs.plans import (
    BillingFrequency,
    ChargeType,
    PlanChargeLine,
    PlanDraft,
    PlanServiceChoice,
    TaxType,
)
from app.domain.tariffs.validation import RateType, Utility
from app.models.tariffs import Plan, PlanCategory, PlanCharge, PlanService
from app.models.tariffs import Tariff as TariffRecord
from app.services.core.work import Work
from app.services.tariffs.records import TariffState

PART_MODELS = (PlanCategory, PlanService, PlanCharge)


def draft_of(session: Session, plan: Plan) -> PlanDraft:
    """A stored plan as the wizard edits it."""
    parts = {model: _live_parts(session, model, plan.id) for model in PART_MODELS}
    tariff_ids = [row.tariff_id for row in parts[PlanService]]
    rate_types = dict(session.execute(select(TariffRecord.id, TariffRecord.rate_type)
                                      .where(TariffRecord.id.in_(tariff_ids))).all())
    return PlanDraft(
        name=plan.name, short_name=plan.short_name, description=plan.description,
        billing_frequency=BillingFrequency(plan.billing_frequency) if plan.billing_frequency else None,
        tax_type=TaxType(plan.tax_type) if plan.tax_type else None,
        tax_rate=None if plan.tax_type == TaxType.EXEMPT.value else plan.tax_rate,
        valid_from=plan.valid_from, valid_to=plan.valid_to,
        categories=tuple((row.category, row.sub_category) for row in parts[PlanCategory]),
        services=tuple(PlanServiceChoice(Utility(row.utility), RateType(rate_types[row.tariff_id])
                                         if row.tariff_id in rate_types else None, row.tariff_id)
                       for row in parts[PlanService]),
        charges=tuple(PlanChargeLine(row.name, row.scope, ChargeType(row.charge_type), row.amount)
                      for row in parts[PlanCharge]),
    )


def _live_parts(session: Session, model: type, plan_id: str) -> list:
    query = select(model).where(model.plan_id == plan_id, model.deleted.is_(False))  # type: ignore[attr-defined]
    return list(session.execute(query.order_by(model.updated_at, model.id)).scalars())  # type: ignore[attr-defined]


def replace_parts(work: Work, plan_id: str, draft: PlanDraft) -> None:
    """Categories, services and charges as the draft says; replaced rows are tombstoned,
    so the plan-tariff links of earlier versions stay for historical billing reference."""
    for model in PART_MODELS:
        for row in _live_parts(work.session, model, plan_id):
            base = row.version
            row.deleted, row.version, row.updated_at = True, base + 1, work.now
            work.record(row, "update", base_version=base)
    rows: list[object] = [PlanCategory(plan_id=plan_id, category=c, sub_category=s)
                          for c, s in draft.categories]
    rows += [PlanService(plan_id=plan_id, utility=s.utility.value, tariff_id=s.tariff_id)
             for s in draft.services]
    rows += [PlanCharge(plan_id=plan_id, name=c.name.strip(), scope=c.scope,
                        charge_type=c.charge_type.value if c.charge_type else "", amount=c.amount)
             for c in draft.charges]
    for index, row in enumerate(rows):
        # a microsecond apart: parts read back in the order the user entered them
        row.updated_at = work.now + timedelta(microseconds=index)  # type: ignore[attr-defined]
        work.record(row)


def snapshot(session: Session, draft: PlanDraft) -> dict:
    """A version's content, JSON-safe, tariff names included for the history."""
    ids = [s.tariff_id for s in draft.services if s.tariff_id]
    names = dict(session.execute(select(TariffRecord.id, TariffRecord.name)
                                 .where(TariffRecord.id.in_(ids))).all())
    return {
        "name": draft.name.strip(), "short_name": draft.short_name.strip(),
        "description": draft.description.strip(),
        "billing_frequency": draft.billing_frequency.value if draft.billing_frequency else "",
        "tax_type": draft.tax_type.value if draft.tax_type else "",
        "tax_rate": None if draft.tax_rate is None else str(draft.tax_rate),
        "valid_from": _iso(draft.valid_from), "valid_to": _iso(draft.valid_to),
        "categories": [[c, s] for c, s in draft.categories],
        "services": [{"utility": s.utility.value, "tariff_id": s.tariff_id,
                      "tariff": names.get(s.tariff_id or "", "")} for s in draft.services],
        "charges": [{"name": c.name.strip(), "scope": c.scope,
                     "charge_type": c.charge_type.value if c.charge_type else "",
                     "amount": None if c.amount is None else str(c.amount)} for c in draft.charges],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def plan_changes(before: dict, after: dict, currency: str) -> list[str]:
    """The spec's change list: 'Tax Value: 4.5% → 5%', 'Description: "Basic plan" → "…"'."""
    texts = [
        ("Plan Name", lambda s: s["name"]),
        ("Short Name", lambda s: s["short_name"]),
        ("Description", lambda s: f'"{s["description"]}"'),
        ("Billing Frequency", lambda s: s["billing_frequency"]),
        ("Tax Type", lambda s: s["tax_type"]),
        ("Tax Value", lambda s: tax_text(s["tax_type"], s["tax_rate"], currency)),
        ("Validity", lambda s: f"{s['valid_from']} – {s['valid_to'] or 'Ongoing'}"),
        ("Consumer Categories", lambda s: "; ".join(f"{c}: {sub}" for c, sub in s["categories"])),
        ("Utility Services", lambda s: "; ".join(
            f"{Utility(x['utility']).label}: {x['tariff']}" for x in s["services"])),
        ("Service Charges", lambda s: "; ".join(
            f"{x['name']} ({x['scope']}, {x['charge_type']}) {x['amount']}" for x in s["charges"])),
    ]
    changes = []
    for label, text in texts:
        old, new = text(before), text(after)
        if old != new:
            changes.append(f"{label}: {old} → {new}")
    return changes


def tax_text(tax_type: str, rate: str | None, currency: str) -> str:
    if tax_type == TaxType.EXEMPT.value or rate is None:
        return "Exempt"
    value = Decimal(rate)
    if tax_type == TaxType.FLAT.value:
        return f"{value.quantize(Decimal(1).scaleb(-MINOR_DIGITS.get(currency, 2)))} {currency}"
    return f"{plain(value)}%"


def plain(value: Decimal) -> str:
    """4.5000 -> '4.5', 5.0000 -> '5': how a user writes a percentage."""
    return format(value.normalize(), "f")


def tariff_rate_text(state: TariffState) -> str:
    """One line saying how a tariff prices consumption, for plan screens."""
    published = state.in_force()
    version = published[-1] if published else state.latest_version()
    unit = version.unit.value
    if version.rate_type is RateType.FLAT:
        return f"{version.unit_rate} per {unit}"
    if version.rate_type is RateType.SLAB:
        rates = [slab.rate for slab in version.slabs]
        return f"{len(rates)} slabs, {min(rates)}–{max(rates)} per {unit}"
    if version.rate_type is RateType.SEASONAL:
        return ", ".join(f"{s.name} {s.rate if s.rate is not None else 'slabs'}"
                         for s in version.seasons) + f" per {unit}"
    if version.rate_type is RateType.TIME_OF_USE:
        return ", ".join(f"{p.name} {p.rate}" for p in version.tou_periods) + f" per {unit}"
    fixed = [c for c in version.charges if c.amount is not None]
    return ", ".join(f"{c.name} {c.amount}" for c in fixed) or "Fixed charges"
