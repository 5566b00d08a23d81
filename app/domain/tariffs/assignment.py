"""Plan assignment: who may be put on a plan, and which plan rates a billing period.

The rules, precisely:
- A plan change applies from the account's first billing period that *starts* on or after
  its effective date; the plan in force at a period's start rates the whole period.
- Only an Active plan may be assigned (Active on the effective date: started, not ended,
  not deactivated), and only when the tariff that rates the account's utility is Active.
- Only customers in matching categories: the consumer's category must be one of the
  plan's; when the consumer has a sub-category, it must be one the plan lists for it.
- An inactive plan keeps its customers until their next billing cycle: a plan stops applying
  on the day it was deactivated (or the day after its end date); a billing period that starts
  before that day is still rated by it, one that starts on or after it is not, and the
  account needs a new plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.tariffs.model import TariffStatus


@dataclass(frozen=True)
class AssignmentStep:
    """One entry of an account's plan history."""

    from_plan_id: str | None
    to_plan_id: str
    effective_from: date


@dataclass(frozen=True)
class PlanFacts:
    """What the assignment rules know of a plan."""

    name: str
    valid_from: date
    valid_to: date | None
    inactive_since: date | None  # the day it was deactivated; None while it is not
    categories: tuple[tuple[str, str], ...]  # (category, sub-category)
    utilities: frozenset[str]  # lower case
    manually_inactive: bool = False  # Inactive now: never assignable, whatever the date

    def stops_on(self) -> date | None:
        """The first day the plan no longer applies, or None while it runs on."""
        ends = [self.inactive_since] if self.inactive_since else []
        if self.valid_to is not None:
            ends.append(self.valid_to + timedelta(days=1))
        return min(ends) if ends else None

    def active_on(self, day: date) -> bool:
        stop = self.stops_on()
        return self.valid_from <= day and (stop is None or day < stop)


def plan_on(steps: Sequence[AssignmentStep], assigned: str | None, day: date) -> str | None:
    """The plan in force on `day`: the last step effective on or before it; before the first
    step, the plan that step replaced; an account without history keeps its assigned plan."""
    if not steps:
        return assigned
    ordered = sorted(steps, key=lambda step: step.effective_from)  # stable: same day, later wins
    current = ordered[0].from_plan_id
    for step in ordered:
        if step.effective_from > day:
            break
        current = step.to_plan_id
    return current


def assignment_problem(plan: PlanFacts, *, category: str, sub_category: str, utility: str,
                       tariff_status: TariffStatus | None, effective_from: date) -> str | None:
    """Why this account cannot be put on the plan from that date, or None when it can."""
    if plan.manually_inactive or not plan.active_on(effective_from):
        return f"Plan '{plan.name}' is not Active on {effective_from.isoformat()}"
    subs = {sub for main, sub in plan.categories if main == category}
    if not subs:
        allowed = ", ".join(dict.fromkeys(main for main, _ in plan.categories))
        return f"Plan '{plan.name}' is only for {allowed} consumers, not {category}"
    if sub_category and sub_category not in subs:
        return f"Plan '{plan.name}' does not cover the {category} sub-category {sub_category}"
    if utility.lower() not in plan.utilities:
        return f"Plan '{plan.name}' has no {utility} service"
    if tariff_status is not TariffStatus.ACTIVE:
        return f"The tariff that rates {utility} on plan '{plan.name}' is not Active"
    return None


def period_problem(plan: PlanFacts, period_start: date) -> str | None:
    """An inactive plan still rates a period that started before it stopped applying."""
    stop = plan.stops_on()
    if stop is not None and period_start >= stop:
        return (f"Plan '{plan.name}' stopped applying on {stop.isoformat()}: its accounts kept it "
                "until their next billing cycle; assign an Active plan")
    return None
