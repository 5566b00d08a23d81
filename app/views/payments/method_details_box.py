"""The Record Payment form's card, cheque or bank-transfer details: shown for those methods only,
each field with its message beside it when the service refuses it."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from app.domain.core.errors import ValidationError
from app.domain.payments.method_details import FIELDS, details_kind
from app.views.common.forms import DateEdit
from app.views.common.widgets import named
from app.views.payments.display import error_label, from_qdate, show_error, to_qdate

MAX_LENGTHS = {"last4": 4, "auth_code": 6, "cheque_no": 6, "bank": 60, "reference": 30}


class MethodDetailsBox(QGroupBox):
    def __init__(self, today) -> None:
        super().__init__("Card, cheque or transfer details")
        named(self, "Card, cheque or transfer details")
        self.today = today
        layout = QFormLayout(self)
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.rows: dict[str, tuple[QLabel, QWidget, QLabel]] = {}
        for details in FIELDS.values():
            for detail in details:
                widget = self._input(detail.key, detail.label)
                label = QLabel(detail.label)
                label.setBuddy(widget)
                error = error_label(detail.label)
                layout.addRow(label, widget)
                layout.addRow("", error)
                self.inputs[detail.key], self.errors[detail.label] = widget, error
                self.rows[detail.key] = (label, widget, error)
        self.method: str | None = None  # so that show_for("") hides every field from the start
        self.show_for("")

    def _input(self, key: str, label: str) -> QWidget:
        if key == "cheque_date":
            edit = named(DateEdit(), label)
            edit.setCalendarPopup(True)
            return edit
        edit = named(QLineEdit(), label)
        edit.setMaxLength(MAX_LENGTHS[key])
        return edit

    def show_for(self, method: str) -> None:
        """Only the fields of this method (none for cash, UPI, ...); a new method starts empty."""
        if method == self.method:
            return
        self.method = method
        kind = details_kind(method)
        keys = {d.key for d in FIELDS[kind]} if kind else set()
        for key, (label, widget, error) in self.rows.items():
            label.setVisible(key in keys)
            widget.setVisible(key in keys)
            show_error(error, "")
            self._clear(widget)
        self.setVisible(bool(keys))

    def _clear(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.clear()
        elif isinstance(widget, QDateEdit):
            widget.setDate(to_qdate(self.today()))

    def values(self) -> dict[str, object] | None:
        kind = details_kind(self.method)
        if kind is None:
            return None
        out: dict[str, object] = {}
        for detail in FIELDS[kind]:
            widget = self.inputs[detail.key]
            out[detail.key] = from_qdate(widget.date()) if isinstance(widget, QDateEdit) \
                else widget.text()
        return out

    def show_validation(self, error: ValidationError) -> bool:
        """Beside its field, with the cursor there; False when the error is not about details."""
        label = self.errors.get(error.field)
        if label is None or not self.isVisible():
            return False
        for other in self.errors.values():
            show_error(other, "")
        show_error(label, error.message)
        key = next(k for k, (_l, _w, e) in self.rows.items() if e is label)
        self.inputs[key].setFocus()
        return True

