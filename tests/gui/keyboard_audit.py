"""The keyboard and screen-reader audit of one window, as a keyboard user meets it.

`Audit.window(title, window)` presses Tab until focus comes back to where it started and checks
what a screen reader and voice control need: every interactive widget named, the name starting
with what the screen shows, every form label the buddy of its field with an Alt mnemonic unique
within its form, the accepting button still the default after a Tab round, Enter on a table row
doing what a double-click does, and the row menu opening from the keyboard. A `DialogWatcher`
(keyboard_watcher.py) audits each dialog and wizard page as it opens, then closes it unaccepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
    QWizard,
)

from app.views.common.operations import wait_for_background

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def plain(text: str) -> str:
    """What a label shows: no mnemonic ampersand, no rich-text tags, no trailing colon."""
    text = re.sub(r"<[^>]+>", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.strip().rstrip(":").strip()


def stop_of(widget: QWidget | None) -> QWidget | None:
    """The Tab stop a focused widget belongs to (a spin box, not its inner line edit)."""
    while widget is not None and widget.focusProxy() is not None:
        widget = widget.focusProxy()
    parent = widget.parentWidget() if widget is not None else None
    if isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return parent
    return widget


def tab_stops(window: QWidget, *, enabled_only: bool = True) -> list[QWidget]:
    """The window's shown widgets that Tab stops on (and, with enabled_only=False, those that it
    would stop on once enabled: they need a name as much)."""
    return [w for w in window.findChildren(QWidget)
            if w.window() is window and w.isVisible() and (w.isEnabled() or not enabled_only)
            and w.focusProxy() is None
            and (w.focusPolicy() & Qt.FocusPolicy.TabFocus) == Qt.FocusPolicy.TabFocus
            and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox))]


def is_input(widget: QWidget) -> bool:
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    return isinstance(widget, INPUTS)


def receivers(obj: QObject, signature: str) -> int:
    return obj.receivers(f"2{signature}")


_BASES = (QTableWidget, QListWidget, QTreeWidget, QAbstractItemView)
_OWN: dict[tuple[type, str], int] = {}


def row_action_connected(view: QAbstractItemView) -> bool:
    """Whether a double-click on a row does something the screen asked for (the item widgets
    connect their own item signals internally: those do not count)."""
    base = next(kind for kind in _BASES if isinstance(view, kind))
    signals = ["doubleClicked(QModelIndex)", "activated(QModelIndex)"]
    if base is QTableWidget:
        signals += ["itemDoubleClicked(QTableWidgetItem*)", "itemActivated(QTableWidgetItem*)",
                    "cellDoubleClicked(int,int)", "cellActivated(int,int)"]
    elif base is QListWidget:
        signals += ["itemDoubleClicked(QListWidgetItem*)", "itemActivated(QListWidgetItem*)"]
    elif base is QTreeWidget:
        signals += ["itemDoubleClicked(QTreeWidgetItem*,int)", "itemActivated(QTreeWidgetItem*,int)"]
    for signature in signals:
        if (base, signature) not in _OWN:
            fresh = (QTableView if base is QAbstractItemView else base)()
            _OWN[(base, signature)] = receivers(fresh, signature)
            fresh.deleteLater()
        if receivers(view, signature) > _OWN[(base, signature)]:
            return True
    return False


class OpenedWindows(Protocol):
    def opened_count(self) -> int: ...

    def opened_since(self, count: int) -> list[str]: ...


@dataclass
class Audit:
    problems: list[str] = field(default_factory=list)
    chains: dict[str, set[int]] = field(default_factory=dict)  # screen -> Tab-chain lengths seen
    seen: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    watcher: OpenedWindows | None = None  # the DialogWatcher, which counts what opens

    def fail(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    # one window ----------------------------------------------------------------------------

    def window(self, where: str, window: QWidget, *, rows: bool = True) -> None:
        """Audit `window` as the screen `where`; a role seeing the very same stops is not re-audited,
        a role seeing other buttons or fields is."""
        QApplication.processEvents()
        variant = (where, tuple(sorted(w.accessibleName() for w in tab_stops(window, enabled_only=False))))
        if variant in self.seen:
            return
        self.seen.add(variant)
        QApplication.processEvents()
        self.names(where, window)
        self.form_labels(where, window)
        self.captions(where, window)
        self.tab_chain(where, window)
        if isinstance(window, QDialog):
            self.default_button(where, window)
        if rows:
            self.tables(where, window)

    def tab_chain(self, where: str, window: QWidget) -> None:
        stops = tab_stops(window)
        if not stops:
            self.chains.setdefault(where, set()).add(0)
            return
        start = stop_of(window.focusWidget())
        if start not in stops:
            start = stops[0]
            start.setFocus(Qt.FocusReason.TabFocusReason)
        current, visited = start, [start]
        for _press in range(len(stops) + 1):
            QTest.keyClick(window.focusWidget() or current, Qt.Key.Key_Tab)
            current = stop_of(window.focusWidget())
            if current is start:
                self.chains.setdefault(where, set()).add(len(visited))
                return
            visited.append(current)
        trail = " -> ".join(w.accessibleName() or type(w).__name__ for w in visited[-4:])
        self.chains.setdefault(where, set()).add(-1)
        self.fail(where, f"Tab does not return to {start.accessibleName()!r} within {len(stops)} "
                         f"stops (stuck at … {trail}; tables: keyboard_table, text boxes: multiline, "
                         "dates: DateEdit)")

    def names(self, where: str, window: QWidget) -> None:
        labels = {id(label.buddy()): plain(label.text()) for label in window.findChildren(QLabel)
                  if label.buddy() is not None and label.isVisible()}
        for widget in tab_stops(window, enabled_only=False):
            if isinstance(widget, QTabBar):
                continue  # its tabs are announced by their own text
            name = widget.accessibleName()
            kind = type(widget).__name__
            if not name:
                self.fail(where, f"a {kind} has no accessible name ({self._context(widget)})")
                continue
            shown = plain(widget.text()) if isinstance(widget, QAbstractButton) else labels.get(id(widget))
            if shown and not name.casefold().startswith(shown.casefold()):
                self.fail(where, f"{kind} {name!r} does not start with its visible label {shown!r}")
            if is_input(widget) and not shown and not widget.accessibleDescription() \
                    and isinstance(widget, QLineEdit) and widget.placeholderText():
                self.fail(where, f"{kind} {name!r} is labelled only by its placeholder (caption())")

    @staticmethod
    def _context(widget: QWidget) -> str:
        parent = widget.parentWidget()
        while parent is not None and not parent.accessibleName():
            parent = parent.parentWidget()
        return f"inside {parent.accessibleName()!r}" if parent is not None else "top level"

    def captions(self, where: str, window: QWidget) -> None:
        """A short label placed just before a field in a row (a filter bar) must be its buddy,
        or a screen reader reads the field without it."""
        for row in window.findChildren(QBoxLayout):
            items = [row.itemAt(i).widget() for i in range(row.count())]
            for label, beside in zip(items, items[1:], strict=False):
                if isinstance(label, QLabel) and label.isVisible() and label.buddy() is None \
                        and isinstance(beside, QWidget) and beside.isVisible() and is_input(beside) \
                        and 0 < len(plain(label.text())) <= 30 and "<" not in label.text():
                    self.fail(where, f"label {plain(label.text())!r} before {beside.accessibleName()!r} "
                                     "is not its buddy (caption())")

    def form_labels(self, where: str, window: QWidget) -> None:
        for form in window.findChildren(QFormLayout):
            if form.parentWidget() is None or not form.parentWidget().isVisible():
                continue
            used: dict[str, str] = {}
            for row in range(form.rowCount()):
                label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                label = label_item.widget() if label_item else None
                if not isinstance(label, QLabel) or not label.isVisible() or field_item is None:
                    continue
                targets = self._focusable_in(field_item)
                if not targets:
                    continue  # a read-only value beside its caption
                text = plain(label.text())
                if not text:
                    continue  # a field continuing the row above, named by its own text
                if label.buddy() is None:
                    self.fail(where, f"form label {text!r} has no buddy (build the form with Form)")
                elif stop_of(label.buddy()) not in targets and label.buddy() not in targets:
                    self.fail(where, f"form label {text!r} is the buddy of another field")
                match = re.search(r"&([^&])", label.text())
                if match is None:
                    self.fail(where, f"form label {text!r} has no Alt mnemonic (build the form with Form)")
                    continue
                key = match.group(1).casefold()
                if key in used:
                    self.fail(where, f"mnemonic Alt+{key.upper()} is used by {used[key]!r} and {text!r}")
                used[key] = text

    @staticmethod
    def _focusable_in(item) -> list[QWidget]:
        widgets = [item.widget()] if item.widget() is not None else []
        if item.layout() is not None:
            layout = item.layout()
            widgets += [layout.itemAt(i).widget() for i in range(layout.count())
                        if layout.itemAt(i).widget() is not None]
        found = []
        for widget in widgets:
            for candidate in [widget, *widget.findChildren(QWidget)]:
                if candidate.isVisible() and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus:
                    found.append(stop_of(candidate))
        return found

    def default_button(self, where: str, dialog: QDialog) -> None:
        accepting = accepting_button(dialog)
        # A focused button is rightly Enter's target; the default shows once focus is elsewhere.
        others = [w for w in tab_stops(dialog) if not isinstance(w, QPushButton)]
        if isinstance(dialog.focusWidget(), QPushButton) and others:
            others[0].setFocus(Qt.FocusReason.TabFocusReason)
            settle()
        focused = dialog.focusWidget()
        if not others and isinstance(focused, QPushButton) and focused.isDefault():
            return  # buttons only: Enter presses the one with focus
        if accepting is None:
            self.fail(where, "has no accepting button (a QDialogButtonBox, or keyboard_dialog(self, accept=...))")
        elif not accepting.isDefault():
            defaults = [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]
            self.fail(where, f"after a Tab round the default button is {defaults or 'none'} (keyboard_dialog), "
                             f"not {plain(accepting.text())!r}")

    # tables --------------------------------------------------------------------------------

    def tables(self, where: str, window: QWidget) -> None:
        for table in window.findChildren(QAbstractItemView):
            if not table.isVisible() or table.model() is None or table.model().rowCount() == 0:
                continue
            name = f"{where} / {table.accessibleName()}"
            if table.tabKeyNavigation():
                self.fail(name, "Tab steps through the cells instead of leaving the table (keyboard_table)")
            has_action = row_action_connected(table)
            has_menu = table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu \
                and receivers(table, "customContextMenuRequested(QPoint)") > 0
            if has_action or has_menu:
                index = table.model().index(0, 0)
                table.setCurrentIndex(index)
            if has_action:
                self._enter_like_double_click(name, table, index)
            if has_menu:
                self._menu_key(name, table)

    def _enter_like_double_click(self, name: str, table: QAbstractItemView, index) -> None:
        watcher = self.watcher
        before = watcher.opened_count()
        table.doubleClicked.emit(index)
        table.activated.emit(index)  # what a double-click does on this platform
        settle()
        by_mouse = watcher.opened_since(before)
        before = watcher.opened_count()
        table.setFocus()
        table.setCurrentIndex(index)
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(table, event)
        settle()
        by_key = watcher.opened_since(before)
        if by_mouse and not set(by_mouse) <= set(by_key):
            self.fail(name, f"double-click opens {by_mouse} but Enter opens {by_key or 'nothing'} "
                            "(keyboard_table(view, on_row))")
        elif not by_mouse and not event.isAccepted():
            self.fail(name, "a double-click has an action and Enter does nothing (keyboard_table(view, on_row))")

    def _menu_key(self, name: str, table: QAbstractItemView) -> None:
        for key, modifier, text in ((Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier, "the Menu key"),
                                    (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier, "Shift+F10")):
            before = self.watcher.opened_count()
            QTest.keyClick(table, key, modifier)
            settle()
            if "QMenu" not in self.watcher.opened_since(before):
                self.fail(name, f"{text} does not open the row menu")


def accepting_button(dialog: QDialog) -> QPushButton | None:
    if isinstance(dialog, QWizard):
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton):
            button = dialog.button(which)
            if button.isVisible() and button.isEnabled():
                return button
        return None
    declared = getattr(dialog, "accept_button", None)
    if isinstance(declared, QPushButton):
        return declared
    boxes = [box for box in dialog.findChildren(QDialogButtonBox) if box.isVisible()]
    for box in boxes:
        for button in box.buttons():
            if box.buttonRole(button) in (QDialogButtonBox.ButtonRole.AcceptRole,
                                          QDialogButtonBox.ButtonRole.YesRole):
                return button
    closing = [b for box in boxes for b in box.buttons() if b.isVisible()]
    return closing[0] if len(closing) == 1 else None


def settle() -> None:
    """Let background loads finish and what they open show."""
    for _ in range(3):
        wait_for_background(5000)
        QApplication.processEvents()
