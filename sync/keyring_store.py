"""The desktop's secrets (device secret, session token): in the system keyring, or in a file of the
data folder that only this user may read when the machine has no usable keyring."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.compat import properties
from keyring.errors import KeyringError, PasswordDeleteError

from app.domain.core.errors import SyncError

SERVICE = "UtilityDesk"
SECRETS_FILE = "sync-secrets.json"
log = logging.getLogger("utilitydesk.sync")


def usable_keyring(backend: KeyringBackend | None = None) -> bool:
    """A keyring that keeps secrets: any backend keyring found or was told to use, except its fail
    and null backends (what it falls back to when the machine has none) and an empty chainer."""
    backend = backend or keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, ChainerBackend):
        return bool(backend.backends)
    return True


class SecretsFile:
    """Secrets as JSON in one file, created readable and writable by this user only (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise SyncError("credentials", f"The sync secrets file {self.path} cannot be read ({error}).") from None
        return data if isinstance(data, dict) else {}

    def get(self, name: str) -> str | None:
        value = self._read().get(name)
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str | None) -> None:
        data = self._read()
        if value is None:
            if data.pop(name, None) is None:
                return
        else:
            data[name] = value
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IRUSR | stat.S_IWUSR)  # also when the file existed with other bits
        os.replace(temporary, self.path)


class CredentialStore:
    """One desktop's entries, named by its device id so two data folders never share a token.

    With a usable system keyring the secrets live there. Without one, and given the data folder,
    they live in `sync-secrets.json` there, readable only by the user: `notice` then says so (the
    app shows it once, at enrolment, and it is logged once). Without either, saving a secret is
    refused with a message instead of keeping it in memory, where it would vanish at exit.
    """

    _logged: set[Path] = set()

    def __init__(self, device_id: str, service: str = SERVICE, *, folder: Path | None = None) -> None:
        self.device_id = device_id
        self.service = service
        self.file = SecretsFile(folder / SECRETS_FILE) if folder is not None and not usable_keyring() else None

    @property
    def notice(self) -> str:
        """What to tell the user about where the secrets are kept; empty with a system keyring."""
        if self.file is None:
            return ""
        return (f"This computer has no system keyring: the sync secrets are kept in {self.file.path}, "
                "readable only by your user account.")

    def _key(self, name: str) -> str:
        return f"{self.device_id}:{name}"

    def _get(self, name: str) -> str | None:
        if self.file is not None:
            return self.file.get(self._key(name))
        try:
            return keyring.get_password(self.service, self._key(name))
        except KeyringError as error:
            raise SyncError("credentials", f"The system keyring cannot be read ({error}).") from None

    def _set(self, name: str, value: str) -> None:
        if self.file is not None:
            self.file.set(self._key(name), value)
            if self.file.path not in CredentialStore._logged:
                CredentialStore._logged.add(self.file.path)
                log.warning("no usable system keyring: sync secrets kept in %s (mode 0600)", self.file.path)
            return
        if not usable_keyring():
            raise SyncError("credentials", "This computer has no usable system keyring to keep the sync "
                                           "secret in; install one (e.g. gnome-keyring) or sync from the app.")
        try:
            keyring.set_password(self.service, self._key(name), value)
        except KeyringError as error:
            raise SyncError("credentials", f"The system keyring refused the sync secret ({error}).") from None

    def _delete(self, name: str) -> None:
        if self.file is not None:
            self.file.set(self._key(name), None)
            return
        with contextlib.suppress(PasswordDeleteError, KeyringError):  # already gone is fine
            keyring.delete_password(self.service, self._key(name))

    @property
    def device_secret(self) -> str | None:
        return self._get("device_secret")

    def save_device_secret(self, secret: str) -> None:
        self._set("device_secret", secret)

    @property
    def token(self) -> str | None:
        return self._get("token")

    def save_token(self, token: str) -> None:
        self._set("token", token)

    def forget_token(self) -> None:
        self._delete("token")


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring backend for tests, used only when set explicitly (keyring.set_keyring).

    Its priority cannot be read, so keyring never picks it by itself: were it chosen as a default
    (as importing this module once made it on a machine without a keyring), the device secret would
    vanish when the process exits.
    """

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 - a class property
        raise RuntimeError("MemoryKeyring is for tests, set explicitly")

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._items.pop((service, username), None) is None:
            raise PasswordDeleteError(f"No {username} in {service}")
