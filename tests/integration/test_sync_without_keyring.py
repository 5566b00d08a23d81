"""The README's central path on a machine without a system keyring: `utilitydesk sync` twice in a row,
each in its own process, as a person would run it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from sync.keyring_store import SECRETS_FILE, CredentialStore, MemoryKeyring, usable_keyring
from tests.factories import PASSWORD

pytestmark = pytest.mark.postgres


def utilitydesk(folder, home, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}  # keyring chooses
    env |= {"HOME": str(home), "XDG_DATA_HOME": str(home), "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
    return subprocess.run([sys.executable, "-m", "app.cli", "--data-dir", str(folder), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_sync_twice_in_a_row_without_a_keyring(server, tmp_path):
    folder, home = tmp_path / "counter1", tmp_path / "home"
    home.mkdir()
    login = ["sync", "--server", server.url, "--username", "cashier", "--password", PASSWORD]
    first = utilitydesk(folder, home, *login, "--enrolment-code", server.enrolment_code())
    assert first.returncode == 0, first.stderr
    assert "no system keyring" in first.stdout  # said once, at enrolment
    secrets = folder / SECRETS_FILE
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert "no usable system keyring" in (folder / "logs" / "utilitydesk.log").read_text()
    second = utilitydesk(folder, home, *login)
    assert second.returncode == 0, second.stderr + second.stdout
    assert "not enrolled" not in second.stdout + second.stderr
    assert "no system keyring" not in second.stdout  # not said again
    assert "Pushed 0" in second.stdout


def test_the_test_keyring_is_never_picked_by_itself(tmp_path):
    assert not MemoryKeyring.viable  # importing it no longer makes it keyring's default
    assert usable_keyring(MemoryKeyring())  # but set explicitly, it is used
    store = CredentialStore("d1", folder=tmp_path) if not usable_keyring() else None
    if store is not None:  # this process has no system keyring (the test default): the file
        store.save_token("t")
        assert CredentialStore("d1", folder=tmp_path).token == "t"
        store.forget_token()
        assert CredentialStore("d1", folder=tmp_path).token is None
