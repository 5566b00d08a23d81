"""Small pieces the Plans & Tariffs screens share: status badges, field messages, number input."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, to_decimal
from app.formatting import format_money
from app.views.common.dialogs import focus_first_field
from app.views.common.widgets import named

# (text, background): dark text on a light fill, distinct even without colour vision by the word
STATUS_COLOURS = {
    "Active": ("#1b5e20", "#dff3e2"),
    "Inactive": ("#7a4b00", "#fff1d6"),
    "Expired": ("#a8201a", "#fde4e2"),
    "Draft": ("#37474f", "#e6ebef"),
    "Published": ("#1b5e20", "#dff3e2"),
    "Archived": ("#5d4037", "#efe7e3"),
}
ERROR_STYLE = "color: #b3261e;"
E = TypeVar("E", bound=Enum)
GOOD, BAD = "#1b6e20", "#b3261e"


def badge_style(status: str) -> str:
    fg, bg = STATUS_COLOURS.get(status, ("#333", "#eee"))
    return (f"color: {fg}; background: {bg}; border-radius: 9px; padding: 2px 10px;"
            " font-weight: bold;")


class BadgeDelegate(QStyledItemDelegate):
    """Paints a status cell as a coloured pill with its word."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint(option, index)  # the pill, its padding and margins: fits whole
        hint.setWidth(max(hint.width(), option.fontMetrics.horizontalAdvance(str(index.data() or "")) + 32))
        return hint

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        text = str(index.data() or "")
        status = text.split(" ")[0]
        fg, bg = STATUS_COLOURS.get(status, ("#333", "#eee"))
        self.initStyleOption(option, index)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(text) + 20
        rect = QRect(option.rect.x() + 6, option.rect.y() + 3, width, option.rect.height() - 6)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(rect, 9, 9)
        painter.setPen(QColor(fg))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


def chosen(combo: QComboBox, kind: type[E]) -> E | None:
    """The enum member a combo item stands for: Qt hands StrEnum item data back as plain text."""
    value = combo.currentData()
    return None if value is None else kind(value)


def message_label(name: str) -> QLabel:
    """The red line beside a field that says what is wrong with it, in the spec's words."""
    label = named(QLabel(""), name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def with_message(widget: QWidget, message: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(message)
    return box


def add_field(form: QFormLayout, label: str, widget: QWidget, message: QLabel | None = None,
              tip: str = "") -> None:
    """A form row whose label is the widget's accessible name, with its message under it."""
    named(widget, label)
    if tip:
        widget.setToolTip(tip)
    form.addRow(label, with_message(widget, message) if message is not None else widget)


def parse_decimal(text: str, field: str, label: str, *, required: bool = True) -> Decimal | None:
    """A typed number, or a ValidationError in the same words the domain uses."""
    text = text.strip()
    if not text:
        if required:
            raise ValidationError(field, f"{label} is required")
        return None
    try:
        return to_decimal(text)
    except MoneyError:
        raise ValidationError(field, f"{label} must be a number") from None


def money_text(money: Money, locale: str) -> str:
    return format_money(money, locale)


def first_per_field(errors: Iterable[ValidationError]) -> dict[str, str]:
    """One message per field, the first reported."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(error.field, error.rule)
    return messages


def field_root(field: str) -> str:
    """'slabs[2].rate' -> 'slabs'; 'valid_from' -> 'valid_from'."""
    return field.split("[", 1)[0].split(".", 1)[0]


def row_of(field: str) -> int | None:
    """'slabs[2].rate' -> 2."""
    if "[" not in field:
        return None
    return int(field.split("[", 1)[1].split("]", 1)[0])


def style_wizard(wizard: QWizard, name: str, title: str, finish_text: str, size: tuple[int, int]) -> None:
    """The look and named buttons every Plans & Tariffs wizard shares."""
    named(wizard, name)
    wizard.setWindowTitle(title)
    wizard.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
    wizard.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
    wizard.resize(*size)
    for which, text in ((QWizard.WizardButton.NextButton, "Next"),
                        (QWizard.WizardButton.BackButton, "Back"),
                        (QWizard.WizardButton.FinishButton, finish_text),
                        (QWizard.WizardButton.CancelButton, "Cancel")):
        wizard.setButtonText(which, text)
        named(wizard.button(which), text)
    # Each page opens on its first field, not on Next (QWizard would pick the first Tab stop).
    wizard.currentIdChanged.connect(lambda _id: QTimer.singleShot(0, wizard, lambda: _focus_page(wizard)))


def _focus_page(wizard: QWizard) -> None:
    page = wizard.currentPage()
    if page is not None and wizard.isVisible():
        focus_first_field(page)
