"""The keyboard guard: every screen, tab, dialog and wizard page, as every role, by keyboard.

Fails when a Tab chain does not come back to its start, an interactive widget has no name or
one that does not start with its visible label, a form label has no buddy or mnemonic, a
dialog's accepting button is not the default after a Tab round, a dialog opens with focus away
from its first field, or Enter on a table row does less than a double-click.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QApplication

from app.services.cash.sessions import CashSessionsService
from app.services.payments.posting import PaymentRequest
from app.views.login import LoginDialog
from app.views.style import apply_style
from tests.gui.keyboard_audit import Audit, settle
from tests.gui.keyboard_walk import ROLES, Walk
from tests.gui.keyboard_watcher import DialogWatcher
from tests.gui.payments_helpers import TODAY, pay
from tests.integration.test_plan_service import residential_basic
from tests.payment_fixtures import actor, build_sample
from tests.tariff_fixtures import standard_residential, winter_discount


@pytest.fixture
def demo(runtime, services):
    """What the demo shows, small: John Doe's bills and payment plan, payments, a credit note,
    two tariffs and a tariff plan."""
    sample = build_sample(runtime, services)
    cashier, supervisor = actor(runtime, "cashier"), actor(runtime, "supervisor")
    card = pay(services, cashier, sample, payment_type="Service", item_id=sample.reconnection,
               method="Credit Card", amount=Decimal("75.00"))
    pay(services, cashier, sample, tendered=Decimal("150.00"), keep_change_on_account=True)
    services.payments.record_payment(cashier, PaymentRequest(
        consumer_id=sample.mary, payment_type="Bill", method="Cash", amount=Decimal("80.00"),
        paid_on=TODAY, item_id=sample.bill_mary))
    services.payments.create_credit_note(supervisor, card.details.payment.payment_id, "75.00",
                                         "Duplicate Payment")
    manager = actor(runtime, "manager")
    flat = services.tariffs.create(manager, standard_residential())
    services.tariffs.create(manager, winter_discount())
    services.plans.create(manager, residential_basic(flat.tariff_id))
    return sample


def test_every_screen_works_from_the_keyboard(qtbot, runtime, services, demo):
    apply_style(QApplication.instance())
    audit = Audit()
    watcher = DialogWatcher(audit)
    QApplication.instance().installEventFilter(watcher)
    try:
        walk = Walk(qtbot, audit)
        login = LoginDialog(services, "Sunrise Utilities")
        qtbot.addWidget(login)
        login.show()  # audited as it shows, then closed
        settle()
        for username in ROLES:
            if username == "cashier":  # the supervisor saw Cash with no session: now with one
                CashSessionsService(runtime.app).open_session(actor(runtime, username), {"5": 2, "1": 10})
            walk.role(services, actor(runtime, username))
    finally:
        QApplication.instance().removeEventFilter(watcher)
    if os.environ.get("KEYBOARD_GUARD_REPORT"):
        for where, lengths in sorted(audit.chains.items()):
            print(f"{'/'.join(str(n) for n in sorted(lengths)):>8}  {where}")
        print("Qt's own dialogs met:", watcher.message_boxes)
        print("wizard pages that need earlier answers:", watcher.skipped_pages)
    assert not audit.problems, f"{len(audit.problems)} keyboard problems:\n" + "\n".join(audit.problems)
