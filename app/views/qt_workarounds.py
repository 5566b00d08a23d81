"""Work-arounds for faults in the Qt bindings: None kept alive (applied when the views are
imported), and the garbage collector kept on the GUI thread (installed with the application).

PySide6 6.12.0 hands back an empty QVariant as None without taking a reference to it: every
`index.data(role)` with nothing for that role, `combo.currentData()` on an item without data,
`QObject.property()` of a property not set, ... drops one reference to None. On Python 3.11 None
is an ordinary object, so a table's delegate asking for an empty role on each paint brings None's
count to zero after a few hundred repaints of a list and the process aborts ("Fatal Python error:
none_dealloc"). Python 3.12 made None immortal; on 3.11 we give it a count no session can use up.
"""

from __future__ import annotations

import ctypes
import gc
import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer

ENOUGH = 1 << 40  # a trillion dropped references: more than any session makes


def keep_none_alive() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return  # None is immortal there
    ctypes.c_ssize_t.from_address(id(None)).value += ENOUGH  # ob_refcnt, PyObject's first field


class GuiThreadGarbageCollector(QObject):
    """Python's cycle collector runs on the GUI thread only, from a timer.

    Left automatic, it runs in whichever thread allocates when its threshold is crossed: a worker
    of the background pool, say. Collecting a dead widget's Python side there disconnects its Qt
    connections, which takes Qt's connection lock and then waits for the GIL; the GUI thread,
    holding the GIL, builds a widget and waits for the same lock. Both wait for ever (seen as a
    frozen test run). pyqtgraph's GarbageCollector does the same, for the same reason.
    """

    def __init__(self, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


def collect_on_the_gui_thread(app: QCoreApplication) -> GuiThreadGarbageCollector:
    """Once per application: the collector lives as long as `app`."""
    existing = app.findChild(GuiThreadGarbageCollector)
    return existing if existing is not None else GuiThreadGarbageCollector(parent=app)
