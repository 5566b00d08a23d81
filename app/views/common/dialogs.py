"""Dialogs that keep their accepting button the default and open where the user types first."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

ACCEPTING_ROLES = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)


def accepting_button(dialog: QDialog) -> QPushButton | None:
    """The button Enter presses: the one a dialog declares, else its button box's accept (or sole)
    button."""
    declared = getattr(dialog, "accept_button", None)
    if isinstance(declared, QPushButton):
        return declared
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if box.buttonRole(button) in ACCEPTING_ROLES and isinstance(button, QPushButton):
                return button
    buttons = [b for box in dialog.findChildren(QDialogButtonBox) for b in box.buttons()]
    return buttons[0] if len(buttons) == 1 and isinstance(buttons[0], QPushButton) else None


def takes_typing(widget: QWidget | None) -> bool:
    """A field the user types or picks a value in (not a button, a tab bar or read-only text)."""
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, (QComboBox, QAbstractSpinBox))


def first_field(root: QWidget) -> QWidget | None:
    """The first field in Tab order under `root` that is shown, enabled and takes typing."""
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() \
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus and takes_typing(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def focus_first_field(root: QWidget) -> None:
    field = first_field(root)
    if field is not None:
        field.setFocus(Qt.FocusReason.OtherFocusReason)


class _OnShow(QObject):
    def __init__(self, dialog: QDialog, first: QWidget | None) -> None:
        super().__init__(dialog)
        self.dialog, self.first = dialog, first

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # While a dialog is torn down its filter may already have lost its attributes.
        if event.type() == QEvent.Type.Show and obj is getattr(self, "dialog", None):
            button = accepting_button(self.dialog)
            if button is not None:
                # Set once the button is inside the dialog, so Qt records it as the dialog's main
                # default: after Tab leaves Cancel or Quit, Enter accepts again.
                button.setDefault(False)
                button.setDefault(True)
            if self.first is not None and self.first.isEnabled():
                self.first.setFocus(Qt.FocusReason.OtherFocusReason)
            elif not takes_typing(self.dialog.focusWidget()):
                focus_first_field(self.dialog)
        return False


def keyboard_dialog(dialog: QDialog, *, accept: QPushButton | None = None,
                    first: QWidget | None = None) -> QDialog:
    """Call at the end of a dialog's constructor: `accept` (or the button box's accepting button)
    stays the default, and the dialog opens with focus on `first` (by default, its first field)."""
    if accept is not None:
        dialog.accept_button = accept  # type: ignore[attr-defined]
    dialog._on_show = _OnShow(dialog, first)  # type: ignore[attr-defined] - kept alive with it
    dialog.installEventFilter(dialog._on_show)  # type: ignore[attr-defined]
    return dialog
