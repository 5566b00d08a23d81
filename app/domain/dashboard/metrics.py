"""The overview's metrics: one period's raw figures, and each metric with its two comparisons.

Success rate follows the spec's formula, generated / (generated + not generated) x 100, shown
with two decimals: 26,410 generated and 68 not generated give 99.74%, not the 98.2% of the
spec's sample table (docs/dashboard.md says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.dashboard.trends import DEFAULT_THRESHOLD, TrendPair, compare, rounded, success_rate

SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Monthly Performance", (
        ("bills_generated", "Total Bills Generated"), ("bills_not_generated", "Bills Not Generated"),
        ("success_rate", "Success Rate"), ("average_bill_amount", "Average Bill Amount"))),
    ("Consumption Distribution", (
        ("total_consumption", "Total Consumption"),
        ("high_consumption_accounts", "High Consumption Accounts"),
        ("low_consumption_accounts", "Low Consumption Accounts"),
        ("zero_consumption_accounts", "Zero Consumption Accounts"))),
    ("Financial Summary", (
        ("total_billed", "Total Billed Amount"), ("service_charges", "Service Charges"),
        ("outstanding_amount", "Outstanding Amount"), ("late_payment_revenue", "Late Payment Revenue"))),
)
LABELS: dict[str, str] = {key: label for _, metrics in SECTIONS for key, label in metrics}
MONEY_METRICS = frozenset({"average_bill_amount", "total_billed", "service_charges",
                           "outstanding_amount", "late_payment_revenue"})
TOOLTIPS = {
    "bills_not_generated": "Accounts of the period whose bill the bill run held back with a "
                           "billing exception that is not resolved yet (no bill exists for them).",
    "success_rate": "Bills generated / (bills generated + bills not generated) x 100.",
    "service_charges": "Bill lines on GL 4100 (fixed and service charges) plus service charge "
                       "items on GL 4300 (reconnection and service fees).",
    "late_payment_revenue": "Service charge items on GL 4200: penalties and interest only, "
                            "never the principal paid late.",
    "high_consumption_accounts": "Above 150% of the account's average for the same period in "
                                 "earlier years.",
    "low_consumption_accounts": "Below 50% of the account's average for the same period in "
                                "earlier years.",
    "zero_consumption_accounts": "No consumption now after consumption in each of the previous "
                                 "two billing cycles.",
    "outstanding_amount": "The ledger balance (bills and charges less payments and credits) "
                          "at the end of the period.",
}


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """What SQL aggregates return for one period; money in Decimal, never float."""

    bills_generated: int = 0
    bills_not_generated: int = 0
    total_billed: Decimal = Decimal(0)
    total_consumption: Decimal = Decimal(0)
    high_consumption_accounts: int = 0
    low_consumption_accounts: int = 0
    zero_consumption_accounts: int = 0
    insufficient_history_accounts: int = 0
    service_charges: Decimal = Decimal(0)
    outstanding_amount: Decimal = Decimal(0)
    late_payment_revenue: Decimal = Decimal(0)
    actual_bills: int = 0
    estimated_bills: int = 0

    @property
    def success_rate(self) -> Decimal | None:
        return success_rate(self.bills_generated, self.bills_not_generated)

    @property
    def average_bill_amount(self) -> Decimal | None:
        """Total billed / bills generated, to the cent; None without bills."""
        if not self.bills_generated:
            return None
        return rounded(self.total_billed / self.bills_generated, 2)

    def value(self, metric: str) -> Decimal | None:
        raw = getattr(self, metric)
        return None if raw is None else Decimal(raw)


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: str
    section: str
    current: Decimal | None
    previous_cycle: Decimal | None
    last_year: Decimal | None
    trends: TrendPair
    tooltip: str = ""
    is_money: bool = False


@dataclass(frozen=True, slots=True)
class MetricSet:
    metrics: tuple[Metric, ...] = field(default_factory=tuple)

    def __getitem__(self, key: str) -> Metric:
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)


def build_metrics(current: PeriodFigures, previous: PeriodFigures | None, last_year: PeriodFigures | None,
                  threshold: Decimal = DEFAULT_THRESHOLD) -> MetricSet:
    """Every overview metric with its comparison to the previous cycle and to last year."""
    rows = []
    for section, metrics in SECTIONS:
        for key, label in metrics:
            now = current.value(key)
            before = previous.value(key) if previous else None
            year_ago = last_year.value(key) if last_year else None
            pair = compare(key, now, before, year_ago, threshold) if now is not None \
                else TrendPair(None, None)
            rows.append(Metric(key, label, section, now, before, year_ago, pair, TOOLTIPS.get(key, ""),
                               key in MONEY_METRICS))
    return MetricSet(tuple(rows))


def success_rate_text(rate: Decimal | None) -> str:
    """Two decimals, as the acceptance criteria ask: 99.74%."""
    return "—" if rate is None else f"{rounded(rate, 2)}%"
