"""What a wizard page may ask of the wizard that holds it, so pages never import their wizard.

The tariff and plan wizards build their pages and pass themselves in; each page
sees only the small surface below, which keeps the page modules below the wizard
module in the import graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from PySide6.QtWidgets import QWizardPage

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.tariffs.plans import PlanContext, PlanDraft
from app.domain.tariffs.validation import RateType, TariffVersion, Utility
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.tariffs.compare import SampleBill
from app.services.tariffs.plans import TariffChoice


class _RatesStep(Protocol):
    def show_rate_type(self, rate_type: RateType | None) -> None: ...


class _BasicsStep(Protocol):
    def chosen_categories(self) -> tuple[str, ...]: ...


class _SamplesStep(Protocol):
    current: list[SampleBill]


class TariffWizardOwner(Protocol):
    """The tariff wizard as its Basics, Rates, Samples and Review pages see it."""

    actor: Actor
    today: date
    locale: str
    formats: Formats  # the utility's date format and zone
    mode: str  # "create", "edit_draft" or "new_version"
    consumer_categories: Sequence[str]
    start_version: TariffVersion | None
    start_categories: tuple[str, ...]
    basics: _BasicsStep
    rates: _RatesStep
    samples: _SamplesStep

    def field_changed(self, field: str) -> None: ...
    def start_from(self, key: object) -> None: ...
    def build(self) -> tuple[TariffVersion, list[ValidationError]]: ...
    def page_ok(self, page: QWizardPage, fields: Sequence[str]) -> bool: ...
    def benefits_viewed(self, rate_type: RateType | None) -> None: ...
    def money(self, money: Money) -> str: ...
    def sample_bills(self, version: TariffVersion, levels: list[Decimal], season: str | None,
                     record: bool) -> list[SampleBill]: ...


class PlanWizardOwner(Protocol):
    """The plan wizard as its steps see it."""

    context: PlanContext

    def draft(self) -> PlanDraft: ...
    def step_ok(self, page: Any) -> bool: ...
    def tariff_choices(self, utility: Utility, rate_type: RateType) -> list[TariffChoice]: ...
    def choice(self, tariff_id: str | None) -> TariffChoice | None: ...
    def add_rate(self, utility: Utility) -> object: ...
