"""Tables as people need them. Keyboard: Tab leaves the table (arrows move between cells), Enter
opens the row as a double-click does, and the Menu key or Shift+F10 opens the row's menu. Eyes:
columns as wide as their header and content, the one long text column taking the rest and eliding
with the full text in a tooltip (`fit_columns`), and a sort arrow that points the way the rows
run (every table made by `keyboard_table` has it)."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QHelpEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QProxyStyle,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QToolTip,
)

V = TypeVar("V", bound=QAbstractItemView)
RowAction = Callable[[QModelIndex], None]
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RowKeys(QObject):
    """Enter runs the row action; the Menu key and Shift+F10 ask for the row's context menu."""

    def __init__(self, view: QAbstractItemView, on_row: RowAction | None) -> None:
        super().__init__(view)
        self.view, self.on_row = view, on_row
        self._menu_opened_at = 0.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not hasattr(self, "view"):
            return False  # the table is being torn down
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent) \
                and event.reason() == QContextMenuEvent.Reason.Keyboard:
            # Platforms that turn the Menu key into a context-menu event as well: one menu only.
            if monotonic() - self._menu_opened_at < 0.5:
                return True
            return self._open_menu()
        return False

    def _key(self, event: QKeyEvent) -> bool:
        editing = self.view.state() == QAbstractItemView.State.EditingState
        index = self.view.currentIndex()
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if event.key() in ENTER_KEYS and plain and not editing and self.on_row is not None and index.isValid():
            self.on_row(index)
            return True
        menu_key = event.key() == Qt.Key.Key_Menu or (
            event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier)
        if menu_key and not editing:
            self._menu_opened_at = monotonic()
            return self._open_menu()
        return False

    def _open_menu(self) -> bool:
        if self.view.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu:
            return False
        index = self.view.currentIndex()
        if not index.isValid():
            return False
        rect = self.view.visualRect(index)
        self.view.customContextMenuRequested.emit(rect.center())
        return True


def keyboard_table(view: V, on_row: RowAction | None = None) -> V:
    """Every table goes through here: Tab moves between widgets, a row action (if any) runs on
    Enter as well as on double-click, a sorted column's arrow points the way the rows run, and
    no empty row-header gutter stands left of the rows (no list of the app labels its rows)."""
    view.setTabKeyNavigation(False)
    if isinstance(view, QTableView):
        arrows_point_the_sort_way(view.horizontalHeader())
        view.verticalHeader().hide()
    if on_row is not None:
        view.doubleClicked.connect(on_row)
    keys = view._row_keys = RowKeys(view, on_row)  # type: ignore[attr-defined] - kept alive with it
    view.installEventFilter(keys)
    view.viewport().installEventFilter(keys)  # context-menu events arrive at the viewport
    return view


def row_shortcuts(view: QAbstractItemView, menu_for_row: Callable[[int], QMenu],
                  keys: dict[str, str]) -> None:
    """Each entry of a row's menu named in `keys` also runs from the table by its shortcut, on the
    current row, if that row's menu offers it (the menu holds the role and status rules)."""
    for text, sequence in keys.items():
        action = QAction(text, view)
        action.setShortcut(QKeySequence(sequence))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False, t=text: _run_row_entry(view, menu_for_row, t))
        view.addAction(action)


def show_shortcuts(menu: QMenu, keys: dict[str, str]) -> QMenu:
    """The row menu shows each entry's shortcut beside it."""
    for action in menu.actions():
        if action.text() in keys:
            action.setShortcut(QKeySequence(keys[action.text()]))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    return menu


def _run_row_entry(view: QAbstractItemView, menu_for_row: Callable[[int], QMenu], text: str) -> None:
    index = view.currentIndex()
    if not index.isValid():
        return
    menu = menu_for_row(index.row())
    try:
        for action in menu.actions():
            if action.text() == text and action.isEnabled():
                action.trigger()
                break
    finally:
        menu.deleteLater()


class SortArrowStyle(QProxyStyle):
    """Qt draws an up arrow for a descending sort (QHeaderView passes SortUp for DescendingOrder);
    people read ▲ as "smallest first". This draws ▼ when the rows run largest/newest first."""

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 - Qt API
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = _FLIPPED.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


_FLIPPED = {QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
            QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp}


def arrows_point_the_sort_way(header: QHeaderView) -> QHeaderView:
    """Descending (newest first) shows ▼, ascending ▲. The style lives as long as the header."""
    style = SortArrowStyle()
    style.setParent(header)
    header.setStyle(style)
    return header


class FullTextTips(QObject):
    """For the one column that takes what is left of a table's width: a text too long for it is
    elided, and its tooltip (when the model gives none) is the whole text."""

    def __init__(self, view: QTableView, column: int) -> None:
        super().__init__(view)
        self.view, self.column = view, column
        view.viewport().installEventFilter(self)

    def elided(self, index: QModelIndex) -> bool:
        return index.column() == self.column and \
            self.view.sizeHintForIndex(index).width() > self.view.visualRect(index).width()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent) or not hasattr(self, "view"):
            return False
        index = self.view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole) or not self.elided(index):
            return False
        QToolTip.showText(event.globalPos(), str(index.data(Qt.ItemDataRole.DisplayRole)), self.view)
        return True


def fit_columns(view: QTableView, stretch: int | None = None) -> QHeaderView:
    """Every column as wide as its header (with room for the sort arrow) and its widest cell;
    column `stretch`, the long text one, takes what is left and elides, its tooltip giving the
    whole text. Without `stretch` the last column fills the row."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch is None)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        view.full_text_tips = FullTextTips(view, stretch)  # type: ignore[attr-defined] - kept with it
    return header
