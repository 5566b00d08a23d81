"""Batch editing of plans: several selected plans extend their validity, change the rates of
their Variable and Consumption-based charges by a percentage (rounded half up to 6 decimals,
app.domain.tariffs.batch), or are deactivated. A plan's versions take effect when saved, so
each extension or rate change is the plan's next version (1.1, 1.2 …). All in one
transaction, one audit entry and one summary, as for tariffs (app.services.tariffs.batch)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.tariffs.batch import check_percent, scaled_rate
from app.domain.tariffs.model import TariffStatus, tariff_status
from app.domain.tariffs.plans import ChargeType
from app.models.tariffs import Plan
from app.services.core.changes import PLANS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.work import Work, unit_of_work
from app.services.tariffs.batch import BatchAction, BatchSummary
from app.services.tariffs.plan_records import draft_of
from app.services.tariffs.plans import accounts_on, save_plan_version
from app.services.tariffs.records import utility_today

RATE_CHARGES = (ChargeType.VARIABLE, ChargeType.CONSUMPTION)


class PlanBatch:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def extend_validity(self, actor: Actor, plan_ids: list[str], valid_to: date) -> BatchSummary:
        def edit(work: Work, plan: Plan, today: date) -> str | None:
            if plan.valid_to is None:
                return "Already valid with no end date"
            if valid_to <= plan.valid_to:
                return f"Already valid to {plan.valid_to.isoformat()}"
            save_plan_version(self.app, work, plan, replace(draft_of(work.session, plan), valid_to=valid_to),
                              audit=False)
            return None

        return self._run(actor, BatchAction.EXTEND, plan_ids, edit, valid_to=valid_to.isoformat())

    def change_rates(self, actor: Actor, plan_ids: list[str], percent: Decimal) -> BatchSummary:
        check_percent(percent)

        def edit(work: Work, plan: Plan, today: date) -> str | None:
            draft = draft_of(work.session, plan)
            if not any(c.charge_type in RATE_CHARGES and c.amount for c in draft.charges):
                return "Has no Variable or Consumption-based charge"
            charges = tuple(replace(c, amount=scaled_rate(c.amount, percent))
                            if c.charge_type in RATE_CHARGES and c.amount else c for c in draft.charges)
            save_plan_version(self.app, work, plan, replace(draft, charges=charges), audit=False)
            return None

        return self._run(actor, BatchAction.CHANGE_RATES, plan_ids, edit, percent=str(percent))

    def deactivate(self, actor: Actor, plan_ids: list[str], *, reason: str,
                   confirm_in_use: bool = False) -> BatchSummary:
        """Each Active plan becomes Inactive (its accounts keep it until their next billing
        cycle); one with accounts is skipped unless confirmed."""
        if not reason.strip():
            raise ValidationError("reason", "Give a reason for the status change")

        def edit(work: Work, plan: Plan, today: date) -> str | None:
            status = tariff_status(plan.valid_from, plan.valid_to, plan.manually_inactive, today)
            if status is not TariffStatus.ACTIVE:
                return f"Already {status.value}"
            accounts = accounts_on(work.session, plan.id)
            if accounts and not confirm_in_use:
                return f"Used by {accounts} service account(s)"
            base = plan.version
            plan.manually_inactive, plan.inactive_since = True, today
            plan.version, plan.updated_at = base + 1, work.now
            work.record(plan, "update", base_version=base)
            return None

        return self._run(actor, BatchAction.DEACTIVATE, plan_ids, edit, reason=reason.strip())

    def _run(self, actor: Actor, action: BatchAction, plan_ids: list[str], edit,
             **facts: object) -> BatchSummary:
        actor.require(Permission.PUBLISH_TARIFFS if action is BatchAction.DEACTIVATE
                      else Permission.EDIT_TARIFFS)
        if not plan_ids:
            raise ValidationError("plans", "Select at least one plan")
        with unit_of_work(self.app, actor) as work:
            today = utility_today(self.app, work.session)
            plans = work.session.execute(select(Plan).where(
                Plan.id.in_(plan_ids), Plan.deleted.is_(False)).order_by(Plan.name)).scalars().all()
            changed, skipped = [], []
            for plan in plans:
                try:
                    problem = edit(work, plan, today)
                except ValidationError as error:  # undoes the whole batch, naming the plan
                    raise ValidationError(error.field, f"'{plan.name}': {error.rule}") from None
                if problem:
                    skipped.append((plan.name, problem))
                else:
                    changed.append(plan.name)
            work.audit("plan_batch_edit", "plan", "batch", edit=action.value, plan_ids=list(plan_ids),
                       changed=changed, skipped=dict(skipped), **facts)
            return BatchSummary(action, tuple(changed), tuple(skipped), Changes.of(PLANS), kind="plan")
