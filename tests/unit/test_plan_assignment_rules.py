"""Plan assignment rules: the plan in force on a day, who may be put on a plan, and how long an
inactive plan keeps its customers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.tariffs.assignment import (
    AssignmentStep,
    PlanFacts,
    assignment_problem,
    period_problem,
    plan_on,
)
from app.domain.tariffs.model import TariffStatus

BASIC = PlanFacts("Basic", date(2025, 1, 1), None, None,
                  (("Residential", "Single Family"), ("Residential", "Apartment")),
                  frozenset({"electricity"}))


def problem(plan=BASIC, **changes):
    facts = dict(category="Residential", sub_category="Apartment", utility="electricity",
                 tariff_status=TariffStatus.ACTIVE, effective_from=date(2025, 4, 1))
    facts.update(changes)
    return assignment_problem(plan, **facts)


def test_the_plan_in_force_is_the_last_change_effective_by_that_day():
    steps = [AssignmentStep(None, "A", date(2025, 2, 1)), AssignmentStep("A", "B", date(2025, 4, 1))]
    assert plan_on(steps, "B", date(2025, 1, 31)) is None
    assert plan_on(steps, "B", date(2025, 2, 1)) == "A"
    assert plan_on(steps, "B", date(2025, 3, 31)) == "A"
    assert plan_on(steps, "B", date(2025, 4, 1)) == "B"
    assert plan_on([], "LEGACY", date(2025, 4, 1)) == "LEGACY"  # no history: the account's plan


def test_only_customers_in_matching_categories_and_only_active_items():
    assert problem() is None
    assert problem(sub_category="") is None  # no sub-category: the category decides
    assert problem(category="Commercial") == "Plan 'Basic' is only for Residential consumers, not Commercial"
    assert problem(sub_category="Villa") == "Plan 'Basic' does not cover the Residential sub-category Villa"
    assert problem(utility="gas") == "Plan 'Basic' has no gas service"
    assert problem(tariff_status=TariffStatus.EXPIRED) == (
        "The tariff that rates electricity on plan 'Basic' is not Active")
    ended = PlanFacts("Basic", date(2025, 1, 1), date(2025, 3, 31), None, BASIC.categories, BASIC.utilities)
    assert problem(ended) == "Plan 'Basic' is not Active on 2025-04-01"
    stopped = PlanFacts("Basic", date(2025, 1, 1), None, date(2025, 3, 20), BASIC.categories, BASIC.utilities)
    assert problem(stopped) == "Plan 'Basic' is not Active on 2025-04-01"
    assert problem(effective_from=date(2024, 12, 31)) == "Plan 'Basic' is not Active on 2024-12-31"


def test_an_inactive_plan_rates_only_periods_that_started_before_it_stopped():
    stopped = PlanFacts("Basic", date(2025, 1, 1), None, date(2025, 4, 20), BASIC.categories, BASIC.utilities)
    assert period_problem(stopped, date(2025, 3, 16)) is None  # the cycle in progress
    assert period_problem(stopped, date(2025, 4, 19)) is None
    assert period_problem(stopped, date(2025, 4, 20)).startswith("Plan 'Basic' stopped applying on 2025-04-20")
    expired = PlanFacts("Basic", date(2025, 1, 1), date(2025, 4, 15), None, BASIC.categories, BASIC.utilities)
    assert period_problem(expired, date(2025, 4, 15)) is None
    assert period_problem(expired, date(2025, 4, 16)) is not None
    assert period_problem(BASIC, date(2030, 1, 1)) is None


days = st.integers(min_value=0, max_value=400).map(lambda n: date(2025, 1, 1) + timedelta(days=n))


@settings(deadline=None)
@given(st.lists(st.tuples(days, st.sampled_from("ABC")), min_size=1, max_size=6), days)
def test_the_plan_in_force_is_always_one_the_history_names(changes, day):
    steps, current = [], None
    for effective, plan in sorted(changes):
        steps.append(AssignmentStep(current, plan, effective))
        current = plan
    found = plan_on(steps, current, day)
    before = [s for s in steps if s.effective_from <= day]
    assert found == (before[-1].to_plan_id if before else None)
