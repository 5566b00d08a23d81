"""Background work that outlasts 600 ms shows a progress dialog; when it closes, the keyboard is
back where the person left it, so the next key goes to the form and not to nowhere."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from app.views.common.operations import Operation


def test_focus_returns_to_the_field_after_a_progress_dialog(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second = QLineEdit(), QLineEdit()
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    second.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second)
    results = []
    operation = Operation(window, lambda: time.sleep(1.0) or "done").success(results.append)
    operation.run_in_background()
    qtbot.waitUntil(lambda: operation._dialog is not None, timeout=3000)  # the progress dialog took over
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second, timeout=2000)


def test_work_for_a_screen_closed_meanwhile_tells_nobody(qtbot):
    from PySide6.QtWidgets import QLabel

    label = QLabel("waiting")
    told = []
    operation = Operation(label, lambda: time.sleep(0.8) or "late").success(lambda r: (told.append(r),
                                                                                        label.setText(r)))
    operation.run_in_background()
    label.deleteLater()  # the screen is closed (a logout) while the work runs
    qtbot.wait(50)
    qtbot.waitUntil(lambda: operation not in Operation._running, timeout=5000)
    assert told == []  # no callback on a deleted widget (it raised RuntimeError in the event loop)
