"""Receivables ageing: outstanding amounts sorted into days-past-due buckets.

Days past due are counted from the due date: paying on the due date is on
time, so an item due today is 0 days past due and falls in "0-30", as the
spec's label says. Only items not yet due (negative days) are "Current";
they are part of the outstanding total but of none of the spec's buckets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.core.money import Money

CURRENT = "Current"
# (label, last day past due in the bucket); None means no upper bound.
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-30", 30), ("31-60", 60), ("61-90", 90), (">90", None),
)
LABELS: tuple[str, ...] = (CURRENT, *(label for label, _ in BUCKETS))


def days_past_due(due_date: date, as_of: date) -> int:
    """Negative while not yet due, 0 on the due date."""
    return (as_of - due_date).days


def bucket_for(days: int) -> str:
    if days < 0:
        return CURRENT
    for label, upper in BUCKETS:
        if upper is None or days <= upper:
            return label
    raise AssertionError("the last bucket has no upper bound")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class AgingBucket:
    label: str
    amount: Money
    count: int


@dataclass(frozen=True, slots=True)
class AgingReport:
    """Every bucket, in order, including empty ones; the total of all of them."""

    as_of: date
    buckets: tuple[AgingBucket, ...]
    total: Money

    def bucket(self, label: str) -> AgingBucket:
        for bucket in self.buckets:
            if bucket.label == label:
                return bucket
        raise KeyError(label)

    @property
    def past_due(self) -> Money:
        return self.total - self.bucket(CURRENT).amount


def age_receivables(
    items: Iterable[tuple[date, Money]], as_of: date, currency: str
) -> AgingReport:
    """Sort (due date, outstanding amount) items into buckets as of a day."""
    amounts = {label: Money.zero(currency) for label in LABELS}
    counts = dict.fromkeys(LABELS, 0)
    for due_date, amount in items:
        label = bucket_for(days_past_due(due_date, as_of))
        amounts[label] = amounts[label] + amount  # Money refuses a foreign currency
        counts[label] += 1
    buckets = tuple(AgingBucket(label, amounts[label], counts[label]) for label in LABELS)
    total = sum((bucket.amount for bucket in buckets), Money.zero(currency))
    return AgingReport(as_of, buckets, total)
