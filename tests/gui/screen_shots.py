"""Every screen, tab, dialog and wizard page the keyboard walk reaches, as PNG files, at a chosen
window size, with the clipping audit's findings printed: for looking at a layout change.

    QT_QPA_PLATFORM=offscreen python -m tests.gui.screen_shots /tmp/shots --size 1920x1080

It builds the screen guard's small demo utility (demo_utility.py) in a temporary folder, or opens
--data-dir with the clock standing at the same moment.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TZ", "UTC")

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.formatting import Formats  # noqa: E402
from app.services.registry import Services  # noqa: E402
from app.views.qt_workarounds import collect_on_the_gui_thread  # noqa: E402
from app.views.style import apply_style  # noqa: E402
from tests.gui.clipping_audit import Clipping, ClippingWatcher  # noqa: E402
from tests.gui.dates_audit import DateCheck  # noqa: E402
from tests.gui.demo_utility import DEMO_NOW, build_demo_utility, open_demo_utility  # noqa: E402
from tests.gui.keyboard_walk import ROLES, Walk  # noqa: E402
from tests.payment_fixtures import actor  # noqa: E402


class Bot:
    """What the walk needs of pytest-qt's qtbot."""

    def __init__(self) -> None:
        self.widgets: list[QWidget] = []

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - qtbot's name
        self.widgets.append(widget)

    def waitUntil(self, condition, timeout: int = 3000) -> None:  # noqa: N802 - qtbot's name
        end = time.monotonic() + timeout / 1000
        while not condition() and time.monotonic() < end:
            QApplication.processEvents()


class Shots(Clipping):
    """The clipping audit that also saves what it measured."""

    def __init__(self, out: Path, dates: DateCheck) -> None:
        super().__init__(dates=dates)
        self.out, self.saved, self.role = out, set(), ""

    def window(self, where: str, window: QWidget, *, rows: bool = True) -> None:
        super().window(where, window, rows=rows)
        name = re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-")
        if name not in self.saved:
            self.saved.add(name)
            window.grab().save(str(self.out / f"{name}.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_style(app)
    collect_on_the_gui_thread(app)
    folder = args.data_dir or build_demo_utility(Path(tempfile.mkdtemp()) / "demo")
    runtime = open_demo_utility(folder)
    try:
        services = Services(runtime.app)
        formats = Formats.of(services.settings.current())
        shots = Shots(args.out, DateCheck(formats.date_format, formats.local(DEMO_NOW)))
        shots.screen = QSize(width, height)
        watcher = ClippingWatcher(shots)
        app.installEventFilter(watcher)
        walk = Walk(Bot(), shots, size=(width, height))
        for username in args.roles.split(","):
            walk.role(services, actor(runtime, username))
        app.removeEventFilter(watcher)
    finally:
        runtime.close()
    report = "\n".join(shots.problems + shots.arrows + shots.dates.problems) or "nothing cut"
    (args.out / "problems.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"{len(shots.saved)} screens in {args.out}")


if __name__ == "__main__":
    main()
