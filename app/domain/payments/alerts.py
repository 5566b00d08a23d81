"""Payment performance alerts: which KPI a billing manager watches, the rule for its threshold,
and whether today's figure breaches it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from app.domain.core.errors import ValidationError


class Unit(StrEnum):
    PERCENT = "percent"
    MONEY = "money"
    COUNT = "count"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # "Collection rate below", as the alert reads
    unit: Unit
    below: bool  # True: alert when the figure falls below the threshold


METRICS = (
    Metric("collection_rate", "Collection rate below", Unit.PERCENT, True),
    Metric("received_today", "Today's collections below", Unit.MONEY, True),
    Metric("payments_today", "Payments received today below", Unit.COUNT, True),
    Metric("total_collected", "Collected this month below", Unit.MONEY, True),
)
BY_KEY = {m.key: m for m in METRICS}
BY_LABEL = {m.label: m for m in METRICS}
IN_APP, EMAIL = "In-app", "E-mail"
FIELD = "Threshold"


def metric(key: str) -> Metric:
    if key not in BY_KEY:
        raise ValidationError("Alert type", f"choose one of {', '.join(m.label for m in METRICS)}")
    return BY_KEY[key]


def parse_threshold(watched: Metric, text: str | Decimal) -> Decimal:
    """The threshold as a number in range for its metric: a percent 0-100 (two decimals at
    most), money 0 or more with at most two decimals, a count a whole number 0 or more."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError(FIELD, "must be a number") from None
    if not value.is_finite():
        raise ValidationError(FIELD, "must be a number")
    if value < 0:
        raise ValidationError(FIELD, "must be 0 or more")
    places = -value.normalize().as_tuple().exponent
    if watched.unit is Unit.COUNT and places > 0:
        raise ValidationError(FIELD, "must be a whole number")
    if places > 2:
        raise ValidationError(FIELD, "at most 2 decimal places")
    if watched.unit is Unit.PERCENT and value > 100:
        raise ValidationError(FIELD, "a percentage is between 0 and 100")
    if value > Decimal("1e12"):
        raise ValidationError(FIELD, "is too large")
    return value.quantize(Decimal("0.01"))


def check_notification(in_app: bool, email: bool) -> None:
    if not (in_app or email):
        raise ValidationError("Notify by", "choose in-app, e-mail or both")


def breached(watched: Metric, threshold: Decimal, figure: Decimal | None) -> bool:
    """None (nothing fell due, no payments yet) is never a breach: there is no figure to judge."""
    if figure is None:
        return False
    return figure < threshold if watched.below else figure > threshold
