"""`utilitydesk screenshots`: the login window and each main screen rendered offscreen to PNG."""

from __future__ import annotations

from pathlib import Path

from app.domain.core.permissions import Role, visible_modules
from app.runtime import open_runtime
from app.services.registry import Services
from app.views.application import qt_app
from app.views.common.operations import wait_for_background
from app.views.login import LoginDialog
from app.views.main_window import MainWindow

# Demo logins whose modules together cover every screen.
SHOT_USERS = (("admin", Role.UTILITY_ADMINISTRATOR), ("supervisor", Role.SUPERVISOR),
              ("cashier", Role.CUSTOMER_SERVICE_EXECUTIVE))


def _slug(text: str) -> str:
    return "".join(ch.lower() if ch.isalnum() else "-" for ch in text).strip("-").replace("--", "-")


def render_screenshots(data_dir: Path, out: Path, password: str = "demo1234") -> list[Path]:
    app = qt_app()
    out.mkdir(parents=True, exist_ok=True)
    runtime = open_runtime(data_dir)
    written: list[Path] = []
    try:
        services = Services(runtime.app)
        settings = services.settings.current()
        login = LoginDialog(services, settings.utility_name)
        login.resize(420, 260)
        login.show()
        app.processEvents()
        written.append(_save(login, out / "login.png"))
        login.close()
        done: set[str] = set()
        for username, role in SHOT_USERS:
            actor = services.auth.login(username, password)
            window = MainWindow(services, actor, centre=settings.get("general.centre_name"),
                                counter=settings.get("general.counter_name"),
                                utility_name=settings.utility_name)
            window.resize(1280, 800)
            window.show()
            for module in visible_modules(role):
                if module.value in done:
                    continue
                window.show_module(module)
                app.processEvents()
                wait_for_background()  # pages that load off the GUI thread (the dashboard)
                app.processEvents()
                written.append(_save(window, out / f"{_slug(module.value)}.png"))
                done.add(module.value)
            window.close()
    finally:
        runtime.close()
    return written


def _save(widget, path: Path) -> Path:
    widget.grab().save(str(path))
    return path
