"""Days as the date format setting writes them and moments on the utility's clock, on the screens
a newcomer meets first: the tariff wizard, the tariff list's Updated column, the payments list, and a
text stored before the setting changed (a payment plan's revision).

The demo utility is a Springfield (America/Chicago) dollar utility whose clock stands at 4:30 PM on
22 Nov 2026 (DEMO_NOW, 22:30 UTC); its tariffs were written at midnight, local time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication, QDateEdit

from app.domain.core.permissions import Module
from app.domain.payments.installments import ModifyTerms
from app.formatting import Formats
from app.services.payments.payment_plans import PaymentPlansService
from app.services.registry import Services
from app.views.common.operations import wait_for_background
from app.views.main_window import MainWindow
from app.views.payments.table_models import COL_DATE
from app.views.tariffs.tariff_model import COL_UPDATED
from tests.gui.demo_utility import DEMO_NOW
from tests.gui.payments_helpers import open_payments
from tests.payment_fixtures import actor

MOMENT = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{1,2}):(\d{2})\s([AP]M) · ")


def _window(qtbot, services, who) -> MainWindow:
    window = MainWindow(services, who, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Springfield Utilities")
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def day_first(demo_runtime):
    """The demo with its date format setting changed to dd/MM/yyyy."""
    services = Services(demo_runtime.app)
    services.settings.update(actor(demo_runtime, "admin"), {"general.date_format": "dd/MM/yyyy"})
    return services


def _local(match: re.Match, zone) -> datetime:
    day, month, year, hour, minute, half = match.groups()
    return datetime(int(year), int(month), int(day), int(hour) % 12 + (12 if half == "PM" else 0),
                    int(minute), tzinfo=zone)


def test_the_tariff_list_shows_updated_in_the_setting_and_the_utility_zone(qtbot, demo_runtime, day_first):
    window = _window(qtbot, day_first, actor(demo_runtime, "manager"))
    page = window.show_module(Module.TARIFFS)
    panel = page.tariffs
    model = panel.table.model()
    zone = Formats.of(day_first.settings.current()).zone
    now = DEMO_NOW.astimezone(zone)
    shown = [model.index(row, COL_UPDATED).data() for row in range(model.rowCount())]
    assert shown, "the demo has tariffs"
    for text in shown:
        match = MOMENT.match(text)
        assert match, f"Updated {text!r} is not dd/MM/yyyy h:mm AM"
        assert _local(match, zone) <= now, f"Updated {text!r} lies after {now:%d/%m/%Y %H:%M} (UTC shown as local?)"
    # written at midnight in Springfield: 06:00 UTC would read 6:00 AM
    assert any(text.startswith("22/11/2026 12:00\u202fAM") for text in shown), shown


def test_the_tariff_wizard_writes_its_dates_as_the_setting_says(qtbot, demo_runtime, day_first):
    window = _window(qtbot, day_first, actor(demo_runtime, "manager"))
    page = window.show_module(Module.TARIFFS)
    wizard = page.tariffs.new_tariff()
    qtbot.addWidget(wizard)
    edits = [edit for edit in wizard.findChildren(QDateEdit) if edit.isVisibleTo(wizard)]
    assert edits, "the wizard has date fields"
    for edit in edits:
        assert edit.displayFormat() == "dd/MM/yyyy", edit.accessibleName()
    valid_from = wizard.basics.valid_from
    assert valid_from.text() == "22/11/2026"  # the utility's today, not UTC's
    wizard.reject()


def test_the_payments_list_writes_days_as_the_setting_says(qtbot, demo_runtime, day_first):
    window = _window(qtbot, day_first, actor(demo_runtime, "supervisor"))
    page = window.show_module(Module.PAYMENTS)
    table = page.landing.payments.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10000)
    wait_for_background(5000)
    QApplication.processEvents()
    days = {table.model().index(row, COL_DATE).data() for row in range(table.model().rowCount())}
    assert "22/11/2026" in days  # today's counter payments
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", day) for day in days), days
    assert all(datetime.strptime(day, "%d/%m/%Y").date() <= DEMO_NOW.date() for day in days)


def test_a_revision_written_before_the_setting_changed_shows_the_new_format(qtbot, demo_runtime):
    """A plan revision stores its facts neutrally; the screen writes them as the settings say now,
    not as they said when the revision was written (MM/dd/yyyy then, dd/MM/yyyy now)."""
    recovery = actor(demo_runtime, "recovery")
    plans = PaymentPlansService(demo_runtime.app)
    plan = next(row for row in plans.list_plans(recovery) if row.status == "Active")
    first_due = DEMO_NOW.date() + timedelta(days=9)  # 12/01/2026: day and month read differently
    plans.modify_plan(recovery, plan.plan_id, ModifyTerms(2, "Monthly", first_due, "Lost job"))
    services = Services(demo_runtime.app)
    services.settings.update(actor(demo_runtime, "admin"), {"general.date_format": "dd/MM/yyyy"})
    _window, page = open_payments(qtbot, services, recovery)
    tab = page.landing.plans
    page.landing.tabs.setCurrentWidget(tab)
    tab.load(plan.plan_id)
    qtbot.waitUntil(lambda: tab.details.revisions.rowCount() > 0, timeout=5000)
    newest = tab.details.revisions.texts(2)[0]
    assert "from 01/12/2026" in newest, newest
    assert not re.search(r"\d{4}-\d{2}-\d{2}", newest), f"an ISO day on the screen: {newest}"
    assert re.search(r"\$\d+\.\d{2} each", newest), f"amounts as the locale writes money: {newest}"
