"""The app's look: one style sheet from resources/, applied once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "style.qss"


def apply_style(app: QApplication) -> None:
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))
