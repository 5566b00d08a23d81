"""The clipping audit of one window: text that does not fit the space it is drawn in, and sort
arrows that point the wrong way.

`Clipping.window(title, window)` measures what the window shows, with the widgets' own font
metrics and style: a label's text against its width (and, wrapped, its height), a header
section's text plus padding and sort arrow (`sectionSizeFromContents`) against the section, a
cell's text against its column (allowed only when the cell's tooltip holds the full text), a
button's, tab's or drop-down's text against its box, and anything pushed out of sight by the
window or a parent too small for it. A sortable table whose header does not draw its arrow the
way the rows run (SortArrowStyle, which keyboard_table gives every table) goes in `arrows`; a
table whose vertical header shows no labels (an empty gutter, or Qt's bare row numbers) fails. It has
the `Audit` interface, so the keyboard walk (keyboard_walk.py) and the dialog watcher drive it
through every screen, dialog and wizard page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTableView,
    QWidget,
)

from app.views.common.tables import SortArrowStyle
from tests.gui.dates_audit import DateCheck
from tests.gui.helpers import arrow_points
from tests.gui.keyboard_audit import OpenedWindows, row_action_connected, settle
from tests.gui.keyboard_watcher import DialogWatcher

CELL_ROWS = 200  # cells of the first rows only: enough to meet every kind of value


def shown_text(text: str) -> str:
    """A widget's text as drawn: no mnemonic ampersands."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def text_width(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def rich(label: QLabel) -> bool:
    if label.textFormat() == Qt.TextFormat.RichText:
        return True
    return label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())


def plain_of(text: str) -> str:
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def on_screen(widget: QWidget) -> QRect:
    """The part of `widget` (in its own coordinates) its parents let show, up to its window. A
    parent that scrolls (a scroll area's viewport) lets everything show: it can be scrolled to."""
    shown = widget.rect()
    parent = widget.parentWidget() if not widget.isWindow() else None
    while parent is not None:
        scroller = parent.parentWidget()
        if isinstance(scroller, QAbstractScrollArea) and parent is scroller.viewport():
            break
        shown = shown.intersected(parent.rect().translated(-widget.mapTo(parent, QPoint(0, 0))))
        parent = parent.parentWidget() if not parent.isWindow() else None
    return shown


@dataclass
class Clipping:
    problems: list[str] = field(default_factory=list)
    watcher: OpenedWindows | None = None
    reported: set[str] = field(default_factory=set)
    screen: QSize = field(default_factory=lambda: QSize(1280, 800))  # no window may need more
    arrows: list[str] = field(default_factory=list)  # sortable tables whose arrow points the wrong way
    arrows_seen: set[str] = field(default_factory=set)
    dates: DateCheck | None = None  # days in the setting's format, moments in the utility's zone

    def fail(self, where: str, text: str, key: str = "") -> None:
        seen = key or re.sub(r"\d+", "#", text)
        if seen not in self.reported:  # the same cut seen from another screen or role: once
            self.reported.add(seen)
            self.problems.append(f"{where}: {text}")

    def window(self, where: str, window: QWidget, *, rows: bool = True) -> None:
        QApplication.processEvents()
        self.fits_screen(where, window)
        for widget in window.findChildren(QWidget):
            if not widget.isVisible() or widget.window() is not window:
                continue
            if isinstance(widget, QDateEdit) and self.dates is not None:
                self.dates.date_edit(where, widget)
            if isinstance(widget, QLabel):
                self.label(where, widget)
            elif isinstance(widget, QHeaderView):
                self.header(where, widget)
            elif isinstance(widget, QTabBar):
                self.tab_bar(where, widget)
            elif isinstance(widget, QAbstractButton):
                self.boxed(where, widget, shown_text(widget.text()), widget.sizeHint().width(), "button")
            elif isinstance(widget, QComboBox):
                self.combo(where, widget)
            elif isinstance(widget, QGroupBox) and widget.title():
                self.boxed(where, widget, shown_text(widget.title()), widget.minimumSizeHint().width(), "group")
            if isinstance(widget, QAbstractItemView):
                self.cells(where, widget)
            elif isinstance(widget, QScrollArea) and widget.horizontalScrollBar().isVisible():
                inner = widget.widget()
                self.fail(where, f"{widget.accessibleName() or inner.accessibleName() or 'a scroll area'!r} "
                                 f"scrolls sideways: its content needs {inner.minimumSizeHint().width()} px, "
                                 f"it shows {widget.viewport().width()}")
        if rows:
            self.row_actions(where, window)

    def fits_screen(self, where: str, window: QWidget) -> None:
        """A window shown at (or opening on) a 1280x800 screen keeps to it: a page or dialog whose
        minimum size is larger makes the window larger than the screen, and its edge is cut."""
        size = window.size()
        if size.width() <= self.screen.width() and size.height() <= self.screen.height():
            return
        widest = [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window
                  and w.accessibleName() and w.minimumSizeHint().width() > self.screen.width() - 220]
        parts = ", ".join(f"{w.accessibleName()!r} {w.minimumSizeHint().width()} px" for w in widest[-3:])
        self.fail(where, f"the window is {size.width()}x{size.height()}, larger than the "
                         f"{self.screen.width()}x{self.screen.height()} screen (widest: {parts or 'unnamed'})",
                  key=f"window {where}")

    def row_actions(self, where: str, window: QWidget) -> None:
        """What a row opens (a dialog, or a panel in place of the list), measured as well."""
        for table in window.findChildren(QAbstractItemView):
            if not table.isVisible() or table.model() is None or table.model().rowCount() == 0 \
                    or not row_action_connected(table) or self.watcher is None:
                continue
            index = table.model().index(0, 0)
            table.setCurrentIndex(index)
            before = self.watcher.opened_count()
            table.doubleClicked.emit(index)
            settle()
            if not self.watcher.opened_since(before):
                self.window(f"{where} / {table.accessibleName()} row", window, rows=False)

    # labels --------------------------------------------------------------------------------

    def label(self, where: str, label: QLabel) -> None:
        if not label.text().strip() or label.pixmap() is not None and not label.pixmap().isNull():
            return
        text = plain_of(label.text()) if rich(label) else shown_text(label.text())
        first = text.strip().split("\n")[0][:60]
        if self.dates is not None:
            self.dates.text(where, f"label {label.accessibleName() or first!r}", text)
        visible = on_screen(label)
        if label.wordWrap():
            needed_height = label.heightForWidth(label.width())
            if needed_height > visible.height() + 1:
                self.fail(where, f"label {first!r} needs {needed_height} px of height, shows {visible.height()}")
            return
        hint = label.sizeHint()
        if rich(label):
            needed = hint.width()
        else:
            margins = label.contentsMargins()
            indent = max(label.indent(), 0) if label.indent() >= 0 else 0
            needed = (text_width(label, text) + margins.left() + margins.right() + 2 * label.margin()
                      + indent)
        if needed > visible.width():
            self.fail(where, f"label {first!r} needs {needed} px, shows {visible.width()}")
        if hint.height() > visible.height() + 1:
            self.fail(where, f"label {first!r} needs {hint.height()} px of height, shows {visible.height()}")

    # tables --------------------------------------------------------------------------------

    def header(self, where: str, header: QHeaderView) -> None:
        if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
            return
        view = header.parentWidget()
        table = view.accessibleName() if view is not None else "a table"
        sortable = header.isSortIndicatorShown() or (isinstance(view, QTableView) and view.isSortingEnabled())
        # With an application style sheet, header.style() is Qt's style-sheet style drawing through
        # the header's own: SortArrowStyle, a child of the header (arrows_point_the_sort_way).
        if sortable and table not in self.arrows_seen:
            self.arrows_seen.add(table)
            self.sort_arrow(where, table, header)
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            text = str(header.model().headerData(section, Qt.Orientation.Horizontal,
                                                 Qt.ItemDataRole.DisplayRole) or "")
            if not text:
                continue
            needed, has = header.sectionSizeFromContents(section).width(), header.sectionSize(section)
            if needed > has:
                self.fail(where, f"{table!r} header {text!r} needs {needed} px, has {has}")

    def sort_arrow(self, where: str, table: str, header: QHeaderView) -> None:
        """The arrow drawn on the sorted column points down when the rows run largest or newest
        first, up when smallest or oldest first (Qt's own style draws them the other way)."""
        if header.findChild(SortArrowStyle) is None:
            self.arrows.append(f"{where}: {table!r} sorts, but its header has no SortArrowStyle "
                               "(make the table with keyboard_table)")
            return
        section = header.sortIndicatorSection()
        left = header.sectionViewportPosition(section)
        if header.isSectionHidden(section) or left < 0 or left + header.sectionSize(section) > header.width():
            return  # the sorted column is scrolled out of sight
        expected = "down" if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder else "up"
        try:
            drawn = arrow_points(header, section)
        except AssertionError:
            drawn = "missing"
        if drawn != expected:
            self.arrows.append(f"{where}: {table!r} runs {'newest' if expected == 'down' else 'oldest'} "
                               f"first on {header.model().headerData(section, Qt.Orientation.Horizontal)!r}, "
                               f"and its arrow points {drawn}")

    def cells(self, where: str, view: QAbstractItemView) -> None:
        model = view.model()
        if model is None or not isinstance(view, QTableView):
            return
        table = view.accessibleName()
        self.row_gutter(where, view)
        header = view.horizontalHeader()
        tips = getattr(view, "full_text_tips", None)  # fit_columns: the long column elides, tooltip whole
        if view.horizontalScrollBar().isVisible():
            self.fail(where, f"{table!r} scrolls sideways: its columns need {header.length()} px, "
                             f"it shows {view.viewport().width()}")
        for column in range(model.columnCount()):
            if view.isColumnHidden(column):
                continue
            name = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or column)
            cut = False
            for row in range(min(model.rowCount(), CELL_ROWS)):
                if view.isRowHidden(row):
                    continue
                index = model.index(row, column)
                text = index.data(Qt.ItemDataRole.DisplayRole)
                if text is None or str(text) == "" or view.indexWidget(index) is not None:
                    continue
                if self.dates is not None:
                    self.dates.text(where, f"{table!r} column {name!r}", str(text), table=table, column=name)
                if cut:
                    continue
                needed, has = view.sizeHintForIndex(index).width(), header.sectionSize(column)
                if needed <= has:
                    continue
                tip = index.data(Qt.ItemDataRole.ToolTipRole)
                if tip and str(text) in str(tip) or getattr(tips, "column", None) == column:
                    continue  # elided, with the full text in its tooltip
                self.fail(where, f"{table!r} column {name!r}: {str(text)[:40]!r} needs {needed} px, "
                                 f"has {has} (widen the column, or elide with a tooltip)")
                cut = True  # one cut cell per column is enough to name it

    def row_gutter(self, where: str, view: QTableView) -> None:
        """A vertical header that says nothing (no labels, or only the row numbers Qt puts there)
        is an empty gutter on the left of the list: the app's lists hide it."""
        gutter, model = view.verticalHeader(), view.model()
        if not gutter.isVisible() or gutter.width() == 0 or model.rowCount() == 0:
            return
        labels = {str(model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole) or "")
                  for row in range(min(model.rowCount(), CELL_ROWS))}
        if labels <= {"", *(str(row + 1) for row in range(min(model.rowCount(), CELL_ROWS)))}:
            self.fail(where, f"{view.accessibleName() or 'a table'!r} shows an empty row-header gutter "
                             f"({gutter.width()} px): hide its vertical header", key=f"gutter {view.accessibleName()}")

    def tab_bar(self, where: str, bar: QTabBar) -> None:
        for index in range(bar.count()):
            if not bar.isTabVisible(index):
                continue
            needed, has = bar.tabSizeHint(index).width(), bar.tabRect(index).width()
            if needed > has:
                self.fail(where, f"tab {shown_text(bar.tabText(index))!r} needs {needed} px, has {has}")

    # boxes ---------------------------------------------------------------------------------

    def boxed(self, where: str, widget: QWidget, text: str, needed: int, kind: str) -> None:
        if not text.strip():
            return
        visible = on_screen(widget)
        if needed > visible.width():
            self.fail(where, f"{kind} {text!r} needs {needed} px, shows {visible.width()}")

    def combo(self, where: str, combo: QComboBox) -> None:
        text = combo.currentText()
        if self.dates is not None:
            self.dates.text(where, f"drop-down {combo.accessibleName()!r}", text)
        if not text or combo.isEditable():
            return
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field_rect = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                                  QStyle.SubControl.SC_ComboBoxEditField, combo)
        needed = text_width(combo, text)
        if needed > field_rect.width():
            name = combo.accessibleName() or "a drop-down"
            self.fail(where, f"drop-down {name!r} shows {text!r} in {field_rect.width()} px, needs {needed}")
        visible = on_screen(combo)
        if visible.width() < combo.width():
            self.fail(where, f"drop-down {combo.accessibleName()!r} is cut to {visible.width()} px")


class ClippingWatcher(DialogWatcher):
    """The dialog watcher for the clipping audit: measures each dialog and wizard page as it opens
    (the keyboard guard checks where focus lands)."""

    def first_focus(self, where: str, dialog: QDialog) -> None:
        return

