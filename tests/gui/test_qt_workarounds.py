"""PySide6 6.12.0 drops a reference to None for each empty QVariant it hands back; the views keep
None alive (app/views/qt_workarounds.py), or a list repainted a few hundred times aborts the app."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QTableWidget, QTableWidgetItem

import app.views  # noqa: F401 - applies the work-arounds


def test_empty_values_asked_for_again_and_again_do_not_abort(qtbot):
    combo = QComboBox()
    combo.addItem("All")  # no data: currentData() is an empty QVariant
    table = QTableWidget(1, 1)
    table.setItem(0, 0, QTableWidgetItem("x"))
    index = table.model().index(0, 0)
    qtbot.addWidget(combo)
    qtbot.addWidget(table)
    for _ in range(100_000):  # more than None's whole count in a fresh interpreter
        assert combo.currentData() is None
        assert index.data(256) is None
    assert sys.version_info >= (3, 12) or sys.getrefcount(None) > 1 << 39


def test_cycles_are_collected_on_the_gui_thread_only(qapp, qtbot):
    import gc

    from app.views.qt_workarounds import collect_on_the_gui_thread

    collector = collect_on_the_gui_thread(qapp)
    assert collect_on_the_gui_thread(qapp) is collector  # one per application
    assert not gc.isenabled()  # no worker thread starts a collection
    gc.collect()
    for _ in range(collector.thresholds[0] + 10):
        cycle: list = []
        cycle.append(cycle)  # garbage only the cycle collector frees
    assert gc.get_count()[0] > collector.thresholds[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] < collector.thresholds[0], timeout=3000)
