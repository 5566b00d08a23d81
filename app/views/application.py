"""Starting the desktop app: runtime, error handling, the login/main-window loop."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.core.errors import UtilityDeskError
from app.runtime import OpeningRuntime, Runtime, open_runtime
from app.services.core.context import AppContext
from app.services.registry import Services
from app.views.common.errors import install_excepthook
from app.views.common.operations import Operation
from app.views.login import LoginDialog
from app.views.qt_workarounds import collect_on_the_gui_thread
from app.views.style import apply_style

if TYPE_CHECKING:
    from app.views.main_window import MainWindow
    from sync.desktop import SyncLink

# The main window, its modules and the sync client are imported after the login window is on
# screen (Session.login and Session.sync_link), and the database layer (SQLAlchemy, the models)
# loads behind it (OpeningRuntime): the login window waits for none of them.

log = logging.getLogger(__name__)


def qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("UtilityDesk")
    app.setOrganizationName("UtilityDesk")
    apply_style(app)
    collect_on_the_gui_thread(app)  # never in a worker: see qt_workarounds
    return app


class StartingServices(Services):
    """The services of a desktop whose database is still opening behind the login window: the
    first service asked for (the login click's) waits for it, under a wait cursor."""

    def __init__(self, opening: OpeningRuntime) -> None:
        self.opening = opening  # not Services.__init__: `app` is the property below

    @property
    def app(self) -> AppContext:
        if self.opening.ready():
            return self.opening.result().app
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self.opening.result().app
        finally:
            QApplication.restoreOverrideCursor()


def _load_the_login() -> None:
    """In the opening thread, after the database: the login click then only checks a password."""
    import app.services.core.auth  # noqa: F401 - argon2, the users' model, the audit trail


class Session:
    """One run of the desktop: log in, work, log out, log in again, until quit."""

    def __init__(self, opening: OpeningRuntime) -> None:
        self.opening = opening
        self.services = StartingServices(opening)
        self.window: MainWindow | None = None

    @property
    def runtime(self) -> Runtime:
        return self.opening.result()

    @cached_property
    def sync_link(self) -> SyncLink:
        from sync.desktop import SyncLink

        runtime = self.runtime
        return SyncLink(runtime.app, runtime.paths.config_file, runtime.device.server_url,
                        ca_file=runtime.device.ca_file)

    def settings_labels(self) -> tuple[str, str, str]:
        settings = self.services.settings.current()
        return (settings.utility_name, settings.get("general.centre_name"),
                settings.get("general.counter_name"))

    def users_exist(self) -> bool:
        if self.opening.facts is not None and self.opening.facts.users_exist:
            return True  # read before the database layer loaded (no one deletes the last user)
        return self.services.auth.users_exist()

    def _utility_name(self) -> str:
        """Before the database has opened, as read at the start; the current one after."""
        if self.opening.ready() or self.opening.facts is None:
            return self.services.settings.current().utility_name
        return self.opening.facts.settings.utility_name

    def login(self) -> bool:
        dialog = LoginDialog(self.services, self._utility_name())
        QTimer.singleShot(0, self.opening.start)  # once the window is on screen
        if dialog.exec() != LoginDialog.DialogCode.Accepted or dialog.actor is None:
            return False
        from app.views.main_window import MainWindow

        utility, centre, counter = self.settings_labels()
        self.window = MainWindow(self.services, dialog.actor, centre=centre, counter=counter,
                                 utility_name=utility, sync_link=self.sync_link)
        self.window.logout_requested.connect(self.logout)
        self.window.show()
        # With a central service: sync now and every minute; the password renews this user's token.
        self.window.sync_status.start(sign_in=(dialog.actor.username, dialog.password.text()))
        self._notify_expired_tariffs()
        return True

    def _notify_expired_tariffs(self) -> None:
        """Administrators hear of expired tariffs that plans still use; once per expiry, off the
        GUI thread. A failure is logged and retried at the next login."""
        (Operation(self.window, self.services.plans.notify_expired_tariffs, writes=True)
         .failure(lambda error: log.warning("expired-tariff notices not queued: %s", error))
         .run_in_background())

    def logout(self) -> None:
        if self.window is None:
            return
        self.services.auth.logout(self.window.actor)
        self.window.sync_status.shutdown()
        if self.sync_link.configured:
            self.sync_link.sign_out()  # the next user syncs under their own sign-in
        self.window.close()
        self.window.deleteLater()
        self.window = None
        if not self.login():
            QApplication.instance().quit()


def _connect_new_desktop(*args) -> bool:
    from app.views.sync.connect import connect_new_desktop

    return connect_new_desktop(*args)


def _cannot_start(error: BaseException) -> int:
    """A start-up failure in a box and one line on stderr, never a traceback: 2 for a problem the
    user can fix (the message says how), 1 for a defect (the trace goes to the log)."""
    if isinstance(error, UtilityDeskError):
        message, code = error.message, 2
    else:
        log.error("the start failed", exc_info=(type(error), error, error.__traceback__))
        message, code = (f"unexpected error ({type(error).__name__}: {error}); the details are in "
                         f"the log of the data folder (logs/utilitydesk.log)"), 1
    QMessageBox.critical(None, "UtilityDesk cannot start", message)
    print(f"utilitydesk: {message}", file=sys.stderr)
    return code


def run_gui(data_dir: Path) -> int:
    app = qt_app()
    try:
        opening = OpeningRuntime(data_dir, warm_up=_load_the_login)
    except Exception as error:  # noqa: BLE001 - reported as the background's failures are
        return _cannot_start(error)
    install_excepthook(opening.paths.logs / "utilitydesk.log")
    session = Session(opening)
    try:
        if not session.users_exist() and not _connect_new_desktop(session.sync_link, opening.paths.root,
                                                                 session.users_exist):
            return 1
        if not session.login():
            failure = opening.failure()  # the login window closed because the database did not open
            return 0 if failure is None else _cannot_start(failure)
        return app.exec()
    finally:
        if session.window is not None:
            from app.views.sync.status import QUIT_WAIT_MS

            session.window.sync_status.shutdown(wait_ms=QUIT_WAIT_MS)  # let a running sync finish
        opening.close()


def run_smoke(data_dir: Path) -> int:
    """Start as a user would up to the login window, then leave: proves an installation (or a
    bundle) has its Qt plugins and modules, resources and migrations. Prints what it checked."""
    import PySide6.QtCharts  # noqa: F401 - the dashboard's and tariff wizard's charts
    import PySide6.QtPdf  # noqa: F401 - the PDF previews

    from app.printing.pdf.common import register_fonts
    from app.views.style import STYLE_SHEET

    app = qt_app()
    if not STYLE_SHEET.exists():
        print(f"utilitydesk: the style sheet is missing ({STYLE_SHEET})", file=sys.stderr)
        return 1
    register_fonts()  # the PDF fonts (with the rupee glyph) load from resources/fonts
    runtime = open_runtime(data_dir)  # creates the folder's database and applies every migration
    try:
        _load_the_login()  # what the everyday start loads behind the login window
        revision = runtime.schema_revision()
        services = Services(runtime.app)
        dialog = LoginDialog(services, services.settings.current().utility_name)
        dialog.show()
        app.processEvents()
        shown = dialog.isVisible()
        dialog.close()
    finally:
        runtime.close()
    print(f"UtilityDesk smoke start: schema {revision}, style sheet and fonts found, login window "
          f"{'shown' if shown else 'NOT shown'}, data folder {data_dir}")
    return 0 if shown else 1
