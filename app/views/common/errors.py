"""Showing errors one way: expected ones as plain messages, unexpected ones with the log path."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.core.errors import UtilityDeskError

log = logging.getLogger("utilitydesk.errors")
_log_path: Path | None = None


def show_error(parent: QWidget | None, error: BaseException) -> None:
    if isinstance(error, UtilityDeskError):
        QMessageBox.warning(parent, "UtilityDesk", error.message)
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    _show_unexpected(parent, error)


def _show_unexpected(parent: QWidget | None, error: BaseException) -> None:
    where = f"\n\nDetails were written to the log:\n{_log_path}" if _log_path else ""
    box = QMessageBox(QMessageBox.Icon.Critical, "UtilityDesk: unexpected error",
                      f"Something went wrong: {error}.\n\nEverything already saved is safe; "
                      f"the action that failed was not saved.{where}", QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName("Unexpected error")
    box.exec()


def install_excepthook(log_path: Path) -> None:
    """Unhandled exceptions become a dialog and a log entry, never a silent crash."""
    global _log_path
    _log_path = log_path

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.critical("unhandled exception:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        try:
            show_error(None, error)
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            sys.__excepthook__(kind, error, tb)

    sys.excepthook = hook
