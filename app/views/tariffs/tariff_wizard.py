"""The guided tariff wizard: Basics -> Rates -> Sample calculations -> Review & publish.

The form is checked live with the domain's own rules (validate_tariff against the other
tariffs): a field's message appears once the user has touched it, and every message of a
step appears when the user tries to leave it. Used for new tariffs (blank, from a template
or a copy), for a new version of a tariff, and for editing its pending draft.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from app.domain.core.errors import ConflictError, UtilityDeskError, ValidationError
from app.domain.core.money import Money
from app.domain.tariffs.validation import (
    RateType,
    TariffVersion,
    validate_slab_rows,
    validate_tariff,
)
from app.formatting import Formats
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.tariffs.compare import SampleBill
from app.services.tariffs.service import TariffDetail, TariffSaved
from app.services.tariffs.templates import sample_tariffs
from app.views.common.errors import show_error
from app.views.tariffs.ui import field_root, first_per_field, money_text, style_wizard
from app.views.tariffs.wizard_basics import BasicsPage
from app.views.tariffs.wizard_rates import RatesPage
from app.views.tariffs.wizard_review import ReviewPage
from app.views.tariffs.wizard_samples import SamplesPage

BASICS, RATES, SAMPLES, REVIEW = range(4)


class TariffWizard(QWizard):
    saved = Signal(object)  # TariffSaved

    def __init__(self, services: Services, actor: Actor, *, detail: TariffDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.detail = services, actor, detail
        settings = services.settings.current()
        self.currency, self.locale = settings.currency, settings.locale
        self.consumer_categories = settings.get("general.consumer_categories")
        self.formats = Formats.of(settings)
        self.today = services.app.clock.today(self.formats.zone)  # the utility's day, not UTC's
        self.mode = "create" if detail is None else (
            "edit_draft" if detail.row.version_state == "Draft" else "new_version")
        self.others = services.tariffs.others(actor, except_id=detail.row.id if detail else None)
        self.started = time.monotonic()
        self.touched: set[str] = set()
        self.attempted: set[int] = set()
        self.benefits_seen: set[object] = set()
        self.start_version: TariffVersion | None = detail.version if detail else None
        self.start_categories: tuple[str, ...] = detail.row.categories if detail else ()
        self._templates = {f"template:{v.rate_type.value}": v for v in sample_tariffs(self.currency)}
        choices = [(f"Template: {v.rate_type.label} ({v.name})", key) for key, v in self._templates.items()]
        if self.mode == "create":
            choices += [(f"Copy of: {row.name}", f"copy:{row.id}")
                        for row in services.tariffs.list_tariffs(actor)]
        self.rates = RatesPage(self)
        self.basics = BasicsPage(self, choices)
        self.samples = SamplesPage(self)
        self.review = ReviewPage(self)
        for page in (self.basics, self.rates, self.samples, self.review):
            self.addPage(page)
        self._name_buttons()
        if detail is not None:
            self._load(detail.version, detail.row.categories, detail.row.description)
            self.basics.lock_identity()
        self.revalidate()

    def _name_buttons(self) -> None:
        title = {"create": "New tariff", "new_version": f"New version of {self.detail.row.name}"
                 if self.detail else "", "edit_draft": f"Edit draft of {self.detail.row.name}"
                 if self.detail else ""}[self.mode]
        style_wizard(self, "Tariff wizard", title, "Save", (940, 640))

    # loading ---------------------------------------------------------------------------------

    def start_from(self, key: object) -> None:
        """Fills the form from a built-in template or a copy of an existing tariff."""
        if key is None:
            return
        if str(key).startswith("copy:"):
            detail = self.services.tariffs.get(self.actor, str(key)[5:])
            version = replace(detail.version, valid_from=self.today, valid_to=None)
            self._load(version, detail.row.categories, detail.row.description, keep_name=False)
        else:
            template = self._templates[str(key)]
            self._load(replace(template, valid_from=self.today, valid_to=None), (), "")

    def _load(self, version: TariffVersion, categories: Sequence[str], description: str,
              keep_name: bool = True) -> None:
        self.extras = version
        self.rates.load(version)
        self.basics.load(version, tuple(categories), description, keep_name)
        self.rates.show_rate_type(version.rate_type)
        self.revalidate()

    # the version on the form, and its problems ------------------------------------------------

    def build(self) -> tuple[TariffVersion, list[ValidationError]]:
        parse_errors: list[ValidationError] = []
        fields = self.basics.collect(parse_errors)
        fields |= self.rates.collect(fields["rate_type"], parse_errors)  # type: ignore[arg-type]
        extras = getattr(self, "extras", None)
        rate_type = fields["rate_type"]
        allowance = extras.allowance_units if extras and rate_type in (RateType.FLAT, RateType.SLAB,
                                                                      RateType.SEASONAL) else Decimal(0)
        version = TariffVersion(
            currency=self.currency, version=self._version_number(), allowance_units=allowance,
            **fields)  # type: ignore[arg-type]
        problems = validate_tariff(version, self.others)
        if rate_type is RateType.SLAB:
            problems += validate_slab_rows(self.rates.slab_rows)
        parsed = {error.field for error in parse_errors}
        errors = parse_errors + [e for e in problems if e.field not in parsed]
        if self.mode != "create" and not self.review.change_summary():
            errors.append(ValidationError("change_summary", "Describe what changed in this version"))
        return version, errors

    def _version_number(self) -> int:
        if self.detail is None:
            return 1
        return self.detail.row.version_no + (1 if self.mode == "new_version" else 0)

    def field_changed(self, field: str) -> None:
        self.touched |= {field, "validity"} if field in ("valid_from", "valid_to", "utility",
                                                         "rate_type") else {field}
        self.revalidate()

    def revalidate(self) -> None:
        if not hasattr(self, "review"):
            return  # still building the pages
        _, errors = self.build()
        self._show(errors)

    def _show(self, errors: list[ValidationError]) -> None:
        visible = set(self.touched)
        pages = {BASICS: self.basics, RATES: self.rates, REVIEW: self.review}
        for page_id in self.attempted:
            if page_id in pages:
                visible |= {field_root(e.field) for e in errors}
        messages = first_per_field(errors)
        roots = {field_root(field): rule for field, rule in messages.items()}
        self.basics.show_errors(roots, visible)
        self.rates.show_errors(errors, visible)
        self.review.show_errors(roots, visible)

    def page_ok(self, page: QWizardPage, fields: Sequence[str]) -> bool:
        """Next only when the step has no problems; its messages show, its first bad field gets focus."""
        self.attempted.add(self.currentId())
        _, errors = self.build()
        self._show(errors)
        return not [e for e in errors if field_root(e.field) in fields]

    # samples and tracking ---------------------------------------------------------------------

    def sample_bills(self, version: TariffVersion, levels: list[Decimal], season: str | None,
                     record: bool) -> list[SampleBill]:
        return self.services.tariffs.sample_bills(self.actor, version, levels, season=season,
                                                  record_view=record)

    def benefits_viewed(self, rate_type: RateType | None) -> None:
        if rate_type is not None and rate_type not in self.benefits_seen:
            self.benefits_seen.add(rate_type)
            tariff_id = self.detail.row.id if self.detail else None
            self.services.tariffs.track(self.actor, "Benefit section accessed",
                                        tariff_id=tariff_id, rate_type=rate_type.label)

    def money(self, money: Money) -> str:
        return money_text(money, self.locale)

    # saving --------------------------------------------------------------------------------------

    def accept(self) -> None:
        self.attempted.add(REVIEW)
        version, errors = self.build()
        self._show(errors)
        if errors:
            self.review.show_result(f"Not saved: {errors[0].rule}")
            return
        try:
            saved = self._save(version)
        except (ValidationError, ConflictError) as error:
            self.review.show_result(f"Not saved: {error.rule if isinstance(error, ValidationError) else error.message}")
            return
        except UtilityDeskError as error:
            show_error(self, error)
            return
        self.saved.emit(saved)
        super().accept()

    def _save(self, version: TariffVersion) -> TariffSaved:
        tariffs, categories = self.services.tariffs, self.basics.chosen_categories()
        description = self.basics.description.toPlainText()
        publish, summary = self.review.publish.isChecked(), self.review.change_summary()
        if self.mode == "create":
            return tariffs.create(self.actor, version, description=description, categories=categories,
                                  publish=publish, change_summary=summary or "Initial tariff creation",
                                  seconds_to_complete=int(time.monotonic() - self.started))
        assert self.detail is not None
        tariff_id, base = self.detail.row.id, self.detail.row.base_version
        if self.mode == "new_version":
            return tariffs.new_version(self.actor, tariff_id, version, change_summary=summary,
                                       base_version=base, publish=publish, categories=categories,
                                       description=description)
        saved = tariffs.update_draft(self.actor, tariff_id, version, change_summary=summary,
                                     base_version=base, categories=categories, description=description)
        if publish:
            saved = tariffs.publish(self.actor, tariff_id, base_version=saved.base_version)
        return saved
