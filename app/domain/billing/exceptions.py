"""Billing exceptions: the spec's categories, their severity, recommended steps, escalation.

Every account that fails to bill gets one exception naming the cause in the category a
billing specialist works it under (the dashboard spec's sample categories first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "Critical"
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class Category(StrEnum):
    MISSING_READINGS = "Missing Meter Readings"
    RATE_CALCULATION = "Rate Calculation Errors"
    CUSTOMER_DATA = "Customer Data Discrepancies"
    PAYMENT_PROCESSING = "Payment Processing Failures"
    PRINT_FORMAT = "Print Format Errors"
    METER_READING = "Meter Reading Errors"


@dataclass(frozen=True, slots=True)
class CategoryRule:
    severity: Severity
    steps: tuple[str, ...]


RULES: dict[Category, CategoryRule] = {
    Category.MISSING_READINGS: CategoryRule(Severity.HIGH, (
        "Check the meter reading route for the account and schedule a special read.",
        "Enter the actual read (or import it) once taken.",
        "Re-bill the account; without history an estimate is not possible.")),
    Category.RATE_CALCULATION: CategoryRule(Severity.CRITICAL, (
        "Open Plans & Tariffs and check the account's plan has a tariff for the service.",
        "Check a published tariff version is in force for every day of the period.",
        "Correct the tariff or plan, then re-bill the account.")),
    Category.CUSTOMER_DATA: CategoryRule(Severity.MEDIUM, (
        "Verify the consumer's billing address and service details with the consumer.",
        "Correct the consumer profile.",
        "Re-bill the account.")),
    Category.PAYMENT_PROCESSING: CategoryRule(Severity.HIGH, (
        "Compare the gateway's settlement report with the payment record.",
        "Post or reverse the payment as the gateway confirms.",
        "Notify the consumer if the payment was refused.")),
    Category.PRINT_FORMAT: CategoryRule(Severity.LOW, (
        "Preview the bill and check which field does not fit the template.",
        "Correct the data or the template, then reprint.")),
    Category.METER_READING: CategoryRule(Severity.HIGH, (
        "Compare the read with the previous read and the meter's history.",
        "Record a meter change or rollover if there was one, or correct the read.",
        "Re-bill the account.")),
}


@dataclass(frozen=True, slots=True)
class BillingProblem:
    """Why an account could not be billed, as the bill run found it."""

    category: Category
    detail: str

    @property
    def severity(self) -> Severity:
        return RULES[self.category].severity

    @property
    def steps(self) -> tuple[str, ...]:
        return RULES[self.category].steps


class BillingRefused(Exception):
    """Raised while composing an account's bill: the account gets an exception instead."""

    def __init__(self, category: Category, detail: str) -> None:
        super().__init__(detail)
        self.problem = BillingProblem(category, detail)


def recommended_steps(category: str) -> tuple[str, ...]:
    try:
        return RULES[Category(category)].steps
    except ValueError:
        return ("Review the error detail and correct the cause, then re-bill the account.",)


def escalation_due(opened_at: datetime, escalation_hours: int, now: datetime) -> bool:
    """An unresolved exception escalates once it is older than its severity's threshold."""
    return now - opened_at >= timedelta(hours=escalation_hours)


def age_days(opened_at: datetime, now: datetime) -> float:
    return round((now - opened_at).total_seconds() / 86_400, 1)
