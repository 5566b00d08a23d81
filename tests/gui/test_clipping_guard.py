"""The screen guard: every screen, tab, dialog and wizard page of the demo utility, as every role,
on a 1280x800 screen. It fails when

- a header, label, cell, button, tab or drop-down cuts its text (a cell may elide only where its
  tooltip holds the whole text), a list scrolls sideways, or a window needs more than the screen;
- a table shows an empty row-header gutter (a vertical header with no labels of its own);
- a sortable table draws its sort arrow pointing up while the rows run newest first;
- a day is written otherwise than the date format setting says (MM/dd/yyyy in the dollar demo),
  or a moment lies after the utility's now (a UTC time shown as if it were local).

The walk is the keyboard guard's (keyboard_walk.py): a screen that joins it is measured here too.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

from app.formatting import Formats
from app.services.registry import Services
from app.views.login import LoginDialog
from app.views.style import apply_style
from tests.gui.clipping_audit import Clipping, ClippingWatcher
from tests.gui.dates_audit import DateCheck
from tests.gui.demo_utility import DEMO_NOW
from tests.gui.keyboard_audit import settle
from tests.gui.keyboard_walk import ROLES, Walk
from tests.payment_fixtures import actor


def test_every_screen_reads_at_a_glance(qtbot, demo_runtime):
    apply_style(QApplication.instance())
    services = Services(demo_runtime.app)
    formats = Formats.of(services.settings.current())
    clipping = Clipping(dates=DateCheck(formats.date_format, formats.local(DEMO_NOW)))
    watcher = ClippingWatcher(clipping)
    QApplication.instance().installEventFilter(watcher)
    try:
        login = LoginDialog(services, services.settings.current().utility_name)
        qtbot.addWidget(login)
        login.show()  # measured as it shows, then closed
        settle()
        walk = Walk(qtbot, clipping)
        for username in ROLES:
            walk.role(services, actor(demo_runtime, username))
    finally:
        QApplication.instance().removeEventFilter(watcher)
    if os.environ.get("CLIPPING_GUARD_REPORT"):
        print("\n".join(clipping.problems + clipping.arrows + clipping.dates.problems))
    assert not clipping.problems, f"{len(clipping.problems)} cut texts:\n" + "\n".join(clipping.problems)
    assert not clipping.arrows, "\n".join(clipping.arrows)
    assert not clipping.dates.problems, "\n".join(clipping.dates.problems)


def test_the_login_window_keeps_its_title_whole_when_an_account_is_locked(qtbot, demo_runtime):
    apply_style(QApplication.instance())
    services = Services(demo_runtime.app)
    login = LoginDialog(services, "Springfield Utilities")
    qtbot.addWidget(login)
    login.show()
    for _ in range(6):  # five wrong passwords lock the account; the sixth try says so
        login.username.setText("cashier")
        login.password.setText("not the password")
        login.try_login()
    assert "locked" in login.message.text()
    QApplication.processEvents()
    clipping = Clipping()
    clipping.window("login window, account locked", login, rows=False)
    assert not clipping.problems, "\n".join(clipping.problems)
