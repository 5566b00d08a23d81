"""The 4-step plan wizard: Basic Details -> Consumer Categories -> Utility Services -> Service Charges.

Next is refused until the step is complete (its messages show beside its fields); the plan is
saved only when all four steps pass. "Add <utility> rate" opens the tariff wizard over this
one and comes back to it whether the rate was saved or cancelled.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from app.domain.core.errors import ConflictError, UtilityDeskError, ValidationError
from app.domain.tariffs.plans import PlanDraft, validate_plan, validate_step
from app.domain.tariffs.validation import RateType, Utility
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.plans import PlanSaved, TariffChoice
from app.services.tariffs.service import TariffSaved
from app.views.common.errors import show_error
from app.views.tariffs.plan_charges_page import ChargesPage
from app.views.tariffs.plan_wizard_pages import (
    BasicDetailsPage,
    CategoriesPage,
    PlanStep,
    ServicesPage,
)
from app.views.tariffs.tariff_wizard import TariffWizard
from app.views.tariffs.ui import chosen, message_label, show_message, style_wizard


class PlanWizard(QWizard):
    saved = Signal(object)  # PlanSaved
    tariff_saved = Signal(object)  # TariffSaved, from "Add rate"

    def __init__(self, services: Services, actor: Actor, *, plan_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.plan_id = services, actor, plan_id
        self.started = time.monotonic()
        self.context = services.plans.context(actor, plan_id)
        self._choices: dict[str, TariffChoice] = {}
        self.tariff_wizard: TariffWizard | None = None
        self.base_version: int | None = None
        self.basic = BasicDetailsPage(self)
        self.categories = CategoriesPage(self)
        self.services_page = ServicesPage(self)
        self.charges = ChargesPage(self)
        self.steps: list[PlanStep] = [self.basic, self.categories, self.services_page, self.charges]
        for page in self.steps:
            self.addPage(page)
        self.result_message = message_label("Plan save message")
        self.charges.layout().addWidget(self.result_message)
        self._name_buttons()
        if plan_id is not None:
            detail = services.plans.details(actor, plan_id)
            self.base_version = detail.row.base_version
            for page in self.steps:
                page.load(detail.draft)

    def _name_buttons(self) -> None:
        style_wizard(self, "Plan wizard", "Edit plan (new version)" if self.plan_id else "New plan",
                     "Save plan", (1040, 620))

    # the draft and its checks ---------------------------------------------------------------

    def draft(self) -> PlanDraft:
        draft = PlanDraft()
        for page in self.steps:
            draft = page.fill(draft)
        return draft

    def step_ok(self, page: PlanStep) -> bool:
        errors = validate_step(page.step, self.draft(), self.context)
        page.show_errors(errors)
        return not errors

    def tariff_choices(self, utility: Utility, rate_type: RateType) -> list[TariffChoice]:
        choices = self.services.plans.tariff_choices(self.actor, utility, rate_type)
        self._choices.update({choice.option.id: choice for choice in choices})
        return choices

    def choice(self, tariff_id: str | None) -> TariffChoice | None:
        return self._choices.get(tariff_id or "")

    # Add rate: to the tariff wizard and back --------------------------------------------------

    def add_rate(self, utility: Utility) -> TariffWizard:
        box, rate_type, _, _ = self.services_page.rows[utility]
        wizard = TariffWizard(self.services, self.actor, parent=self)
        wizard.basics.preset(utility, chosen(rate_type, RateType))
        wizard.saved.connect(lambda saved: self._rate_added(utility, saved))
        wizard.finished.connect(lambda _result: self._back_from_rate(utility))
        self.tariff_wizard = wizard
        wizard.open()
        return wizard

    def _rate_added(self, utility: Utility, saved: TariffSaved) -> None:
        self.tariff_saved.emit(saved)
        self.context = self.services.plans.context(self.actor, self.plan_id)
        detail = self.services.tariffs.get(self.actor, saved.tariff_id)
        box, rate_type, _, _ = self.services_page.rows[utility]
        if detail.version.utility is utility:
            box.setChecked(True)
            rate_type.setCurrentIndex(max(0, rate_type.findData(detail.version.rate_type)))
        self.services_page.refresh_names(utility, select=saved.tariff_id)
        if saved.state != "Published":
            show_message(self.services_page.messages[utility.value],
                         f"'{detail.row.name}' was saved as a draft: publish it to use it in a plan")

    def _back_from_rate(self, utility: Utility) -> None:
        self.tariff_wizard = None
        self.services_page.refresh_names(utility)
        self.raise_()
        self.activateWindow()

    # saving -----------------------------------------------------------------------------------

    def accept(self) -> None:
        draft = self.draft()
        errors = validate_plan(draft, self.context)
        if errors:
            show_message(self.result_message, f"Not saved: {errors[0].rule}")
            return
        try:
            saved = self._save(draft)
        except (ValidationError, ConflictError) as error:
            show_message(self.result_message, f"Not saved: {getattr(error, 'rule', error.message)}")
            return
        except UtilityDeskError as error:
            show_error(self, error)
            return
        self.saved.emit(saved)
        super().accept()

    def _save(self, draft: PlanDraft) -> PlanSaved:
        if self.plan_id is None:
            return self.services.plans.create(self.actor, draft,
                                              seconds_to_complete=int(time.monotonic() - self.started))
        return self.services.plans.update(self.actor, self.plan_id, draft, base_version=self.base_version)
