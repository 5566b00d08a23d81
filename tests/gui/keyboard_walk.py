"""Walking every screen the demo reaches, as each role: modules, their tabs and sections, and the
dialogs and wizards their buttons, rows and Session menu open.

A new module (billing, dashboard, disconnections) is walked as soon as MainWindow builds its page
for a role; a dialog or panel behind one of its buttons joins with one line in OPENERS, and a
list that switches sections with its name in SECTION_LISTS."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QListWidget, QTabWidget, QWidget

from app.domain.core.permissions import Module, visible_modules
from app.views.common.operations import wait_for_background
from app.views.main_window import MainWindow
from tests.gui.keyboard_audit import Audit, settle

ROLES = ("admin", "manager", "specialist", "supervisor", "cashier", "callcenter", "recovery")


@dataclass(frozen=True)
class Opener:
    """A button (or a Session menu entry) that opens a dialog, a wizard or another panel of the
    same screen. Dialogs are audited as they open and closed unaccepted; a panel shown in place
    is audited as `screen` and left by `back` (a button's name)."""

    module: Module | None  # None: a Session menu entry, whichever module is shown
    button: str  # accessible name of the button, or the menu entry's text
    tab: str = ""  # the tab it sits on, when the module has tabs
    back: str = ""
    typed: str = ""  # typed into the focused field, then Enter, before the panel is audited
    screen: str = ""
    inside: str = ""  # a dialog's class: the button is in that dialog, pressed as it is audited


# Sections walked one by one: the list that switches them, by accessible name.
SECTION_LISTS = ("Settings sections",)

P, C, T, D = Module.PAYMENTS, Module.CASH, Module.TARIFFS, Module.DASHBOARD
OPENERS: tuple[Opener, ...] = (
    Opener(D, "Details: Total Bills Generated", tab="Overview"),  # a drill-down: its sortable list
    Opener(P, "Record Payment", back="Cancel", screen="Record Payment: find consumer"),
    Opener(P, "Record Payment", typed="WU-10001", back="Cancel", screen="Record Payment: payment"),
    Opener(P, "Reprint queue"),
    Opener(P, "New payment plan…", tab="Payment plans"),
    Opener(P, "Modify plan…", tab="Payment plans"),
    Opener(P, "Check compliance", tab="Payment plans"),
    Opener(C, "Cash in"), Opener(C, "Cash out"), Opener(C, "No sale"),
    Opener(C, "X report", back="Back", screen="X report"),
    Opener(C, "Close session", back="Cancel closing", screen="Close session"),
    Opener(T, "New tariff", tab="Tariffs"), Opener(T, "New version", tab="Tariffs"),
    Opener(T, "History", tab="Tariffs"), Opener(T, "Compare", tab="Tariffs"),
    Opener(T, "Batch edit", tab="Tariffs"),
    Opener(T, "New plan", tab="Plans"), Opener(T, "Edit plan", tab="Plans"),
    Opener(T, "Plan details", tab="Plans"), Opener(T, "Version history", tab="Plans"),
    Opener(D, "Bulk Bill Generation", tab="Overview"), Opener(D, "Single Bill Generation", tab="Overview"),
    Opener(D, "Print & Distribute", tab="Overview"), Opener(D, "GL Codes Management", tab="Overview"),
    Opener(D, "Open Exception Workflow", tab="Exceptions"), Opener(D, "Scheduled Reports"),
    Opener(T, "Assign plan", tab="Plans"), Opener(T, "Batch edit plans", tab="Plans"),
    Opener(None, "Change &password…"), Opener(None, "Sync &problems…"),
    Opener(None, "&Connect to central service…"), Opener(None, "&Notifications…"),
    Opener(P, "Payment alerts"),
    Opener(P, "Details: Total Collected"), Opener(P, "Details: Received Today"),  # drill-downs
    Opener(P, "Log inquiry", inside="PaymentDetailsDialog"),
    Opener(P, "Resolve inquiry", inside="PaymentDetailsDialog"),
)


def inner_openers(dialog_class: str) -> list[str]:
    """The buttons pressed inside a dialog of this class while it is audited."""
    return [opener.button for opener in OPENERS if opener.inside == dialog_class]


def window_for(qtbot, services, actor, size: tuple[int, int] = (1280, 800)) -> MainWindow:
    window = MainWindow(services, actor, centre="Central Service Centre", counter="Counter 1",
                        utility_name="Sunrise Utilities")
    window.resize(*size)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def activate(qtbot, window: QWidget) -> None:
    """Offscreen Qt does not hand activation back after a dialog closes: ask for it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def idle() -> None:
    wait_for_background(5000)
    settle()


class Walk:
    """Drives `audit` (the keyboard Audit, or anything with its `window(where, window)`) through
    every screen; the main window at `size`."""

    def __init__(self, qtbot, audit: Audit, size: tuple[int, int] = (1280, 800)) -> None:
        self.qtbot, self.audit, self.size = qtbot, audit, size

    def role(self, services, actor) -> None:
        """Every module `actor` sees, with its tabs, sections, openers and the Session menu."""
        window = window_for(self.qtbot, services, actor, self.size)
        for module in visible_modules(actor.role):
            page = window.show_module(module)
            idle()
            self.page(window, page, module.value)
            for opener in OPENERS:
                if opener.module == module and not opener.inside:
                    self.open(window, page, module.value, opener)
        for opener in OPENERS:
            if opener.module is None:
                self.menu_entry(window, opener.button)
        window.close()

    def page(self, window: MainWindow, page: QWidget, where: str) -> None:
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        if isinstance(page, QTabWidget):
            tabs.insert(0, page)
        lists = [w for w in page.findChildren(QListWidget) if w.accessibleName() in SECTION_LISTS]
        if tabs:
            self.tabs(window, tabs[0], where)
        elif lists:
            for row in range(lists[0].count()):
                lists[0].setCurrentRow(row)
                idle()
                self.screen(window, f"{where} / {lists[0].item(row).text()}")
        else:
            self.screen(window, where)

    def tabs(self, window: MainWindow, tabs: QTabWidget, where: str) -> None:
        for index in range(tabs.count()):
            if not tabs.isTabEnabled(index) or not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            idle()
            self.page(window, tabs.widget(index), f"{where} / {tabs.tabText(index).replace('&', '')}")

    def screen(self, window: MainWindow, where: str) -> None:
        activate(self.qtbot, window)
        window.rail.setFocus()
        self.audit.window(where, window)
        idle()

    def open(self, window: MainWindow, page: QWidget, where: str, opener: Opener) -> None:
        activate(self.qtbot, window)
        if opener.tab:
            for tabs in [page, *page.findChildren(QTabWidget)]:
                if isinstance(tabs, QTabWidget):
                    for index in range(tabs.count()):
                        if tabs.tabText(index).replace("&", "") == opener.tab:
                            tabs.setCurrentIndex(index)
            idle()
        buttons = [b for b in page.findChildren(QAbstractButton)
                   if b.accessibleName() == opener.button and b.isVisible() and b.isEnabled()]
        if not buttons:
            return  # this role does not have it, or the data does not offer it
        buttons[0].click()
        idle()
        if opener.typed:
            QTest.keyClicks(window.focusWidget(), opener.typed)
            QTest.keyClick(window.focusWidget(), Qt.Key.Key_Return)
            idle()
        if opener.back:
            self.screen(window, f"{where} / {opener.screen or opener.button}")
            self.leave(window, page, opener.back)

    def leave(self, window: MainWindow, page: QWidget, back: str) -> None:
        for button in page.findChildren(QAbstractButton):
            if button.accessibleName() == back and button.isVisible():
                button.click()
                break
        idle()

    def menu_entry(self, window: MainWindow, text: str) -> None:
        activate(self.qtbot, window)
        for action in window.findChildren(QAction):
            if action.text() == text and action.isEnabled() and action.isVisible():
                action.trigger()
                idle()
                return
