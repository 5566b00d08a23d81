"""The desktop's start (#17): the login window is on screen before the database has opened (it
opens behind the window, app.runtime.OpeningRuntime); a login typed meanwhile waits for it and
works; if the database cannot open, the start says so as any start-up error does, without a
traceback."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton

from app import runtime as runtime_module
from app.models.db import DatabaseError
from app.runtime import OpeningRuntime, open_runtime
from app.views import application
from app.views.application import StartingServices, run_gui
from app.views.login import LoginDialog
from tests.factories import PASSWORD, make_runtime
from tests.gui.helpers import click, find, type_into


@pytest.fixture
def folder(tmp_path):
    """A data folder whose database is at the newest schema and has users: the everyday start."""
    make_runtime(tmp_path / "data").close()
    return tmp_path / "data"


def type_and_log_in(qtbot, dialog: LoginDialog, username: str = "cashier") -> None:
    type_into(qtbot, find(dialog, "Username", QLineEdit), username)
    type_into(qtbot, find(dialog, "Password", QLineEdit), PASSWORD)
    click(qtbot, find(dialog, "Log in", QPushButton))


def test_a_login_typed_before_the_database_opened_waits_for_it_and_works(qtbot, folder):
    loading = threading.Event()  # the database layer keeps loading until this is set
    opening = OpeningRuntime(folder, warm_up=loading.wait)
    try:
        assert opening.facts is not None and opening.facts.users_exist
        assert not opening.ready()  # the window below is shown with nothing opened yet
        dialog = LoginDialog(StartingServices(opening), opening.facts.settings.utility_name)
        qtbot.addWidget(dialog)
        dialog.show()
        opening.start()
        type_into(qtbot, find(dialog, "Username", QLineEdit), "cashier")
        type_into(qtbot, find(dialog, "Password", QLineEdit), PASSWORD)
        assert not opening.ready()
        threading.Timer(0.3, loading.set).start()
        click(qtbot, find(dialog, "Log in", QPushButton))  # waits for the opening, then logs in
        assert opening.ready()
        assert dialog.result() == LoginDialog.DialogCode.Accepted
        assert dialog.actor is not None and dialog.actor.username == "cashier"
        assert QApplication.overrideCursor() is None  # the wait cursor is gone again
    finally:
        loading.set()
        opening.close()
    open_runtime(folder).close()  # the instance lock was released


def test_a_new_folder_is_opened_in_full_before_the_window(tmp_path):
    opening = OpeningRuntime(tmp_path / "new")
    try:
        assert opening.facts is None and opening.ready()  # created and migrated at once
    finally:
        opening.close()


def _unexpected() -> None:
    raise ImportError("No module named 'argon2'")  # say, a bundle that lacks a module


def _refused(*args, **kwargs):
    raise DatabaseError("The database was created by a newer version of UtilityDesk (schema 9999). "
                        "Install the newer version; this one will not change the file.")


@pytest.mark.parametrize(("module", "name", "failing", "code", "said"), [
    (application, "_load_the_login", _unexpected, 1,
     "unexpected error (ImportError: No module named 'argon2')"),
    (runtime_module, "open_database", _refused, 2, "created by a newer version of UtilityDesk"),
])
def test_a_database_that_cannot_open_behind_the_window_is_a_start_error(
        qtbot, folder, monkeypatch, capsys, caplog, module, name, failing, code, said):
    monkeypatch.setattr(module, name, failing)
    boxes = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: boxes.append((title, text)))
    monkeypatch.setattr(application, "qt_app", QApplication.instance)  # the tests' style stays
    monkeypatch.setattr(application, "install_excepthook", lambda log_path: None)

    def person_logs_in(dialog: LoginDialog):
        qtbot.addWidget(dialog)
        dialog.show()
        type_and_log_in(qtbot, dialog)
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", person_logs_in)
    assert run_gui(folder) == code
    assert len(boxes) == 1 and boxes[0][0] == "UtilityDesk cannot start" and said in boxes[0][1]
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    if code == 1:  # a defect: its trace goes to the log the message names
        assert [record.exc_info[0] for record in caplog.records if record.exc_info] == [ImportError]
    monkeypatch.undo()
    open_runtime(folder).close()  # the instance lock was released
