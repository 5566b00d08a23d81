"""The desktop screens (PySide6)."""

from app.views.qt_workarounds import keep_none_alive

keep_none_alive()
