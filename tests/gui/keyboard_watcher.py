"""Audits every dialog and wizard page once as it opens, then closes it without accepting it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QTabBar,
    QWidget,
    QWizard,
)

from tests.gui.keyboard_audit import Audit, is_input, settle, stop_of, tab_stops

# Qt's own dialogs (messages, file choosers, progress): not this app's screens.
QT_OWN_DIALOGS = (QMessageBox, QFileDialog, QProgressDialog, QInputDialog)


class DialogWatcher(QObject):
    """Audits every dialog and wizard page once as it opens, then closes it unsaved; closes menus."""

    def __init__(self, audit: Audit) -> None:
        super().__init__()
        self.audit = audit
        audit.watcher = self
        self.opened: list[str] = []
        self.message_boxes: list[str] = []
        self.skipped_pages: list[str] = []
        self.depth = 0

    def opened_count(self) -> int:
        return len(self.opened)

    def opened_since(self, count: int) -> list[str]:
        return self.opened[count:]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            if isinstance(obj, QMenu):
                self.opened.append("QMenu")
                QTimer.singleShot(0, obj.close)
            elif isinstance(obj, QDialog) and obj.property("audited") is None:
                obj.setProperty("audited", True)
                self.opened.append(type(obj).__name__)
                QTimer.singleShot(0, lambda d=obj: self._audit_and_close(d))
        return False

    def _audit_and_close(self, dialog: QDialog) -> None:
        try:
            if isinstance(dialog, QT_OWN_DIALOGS):
                self.message_boxes.append(dialog.windowTitle())
            elif self.depth < 2:
                self.depth += 1
                try:
                    self._audit(dialog)
                finally:
                    self.depth -= 1
        finally:
            dialog.reject()

    def _audit(self, dialog: QDialog) -> None:
        title = dialog.accessibleName() or dialog.windowTitle() or type(dialog).__name__
        where = f"dialog {title!r}"
        self.first_focus(where, dialog)
        if isinstance(dialog, QWizard):
            for page_id in dialog.pageIds():
                if not self._jump(dialog, page_id):
                    continue
                page = dialog.currentPage()
                page_where = f"{where} page {page.title() or page_id!r}"
                self.first_focus(page_where, dialog)
                self.audit.window(page_where, dialog)
            return
        self.audit.window(where, dialog)
        self.open_inner(dialog)

    def open_inner(self, dialog: QDialog) -> None:
        """Dialogs opened from this one's buttons (keyboard_walk OPENERS `inside`), audited in turn."""
        from tests.gui.keyboard_walk import inner_openers

        for name in inner_openers(type(dialog).__name__):
            settle()
            buttons = [b for b in dialog.findChildren(QAbstractButton)
                       if b.accessibleName() == name and b.isVisible() and b.isEnabled()]
            if buttons:
                buttons[0].click()
                settle()

    def _jump(self, wizard: QWizard, page_id: int) -> bool:
        """Open a wizard on one page. A page that cannot show without the earlier pages' answers
        (it raises while initialising) is skipped and listed in `skipped_pages`."""
        raised: list[BaseException] = []
        previous = sys.excepthook
        sys.excepthook = lambda kind, error, tb: raised.append(error)
        try:
            wizard.setStartId(page_id)
            wizard.restart()
            settle()
        finally:
            sys.excepthook = previous
        if raised:
            self.skipped_pages.append(f"{wizard.accessibleName()} page {page_id}: {raised[0]!r}")
        return not raised

    def first_focus(self, where: str, dialog: QDialog) -> None:
        settle()
        focus = stop_of(dialog.focusWidget())
        fields = [w for w in tab_stops(dialog) if is_input(w)]
        if isinstance(focus, QTabBar) or (fields and focus not in fields):
            shown = focus.accessibleName() if focus is not None else "nothing"
            self.audit.fail(where, f"opens with focus on {shown!r}, not where the user types first")
