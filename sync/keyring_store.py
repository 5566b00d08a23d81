"""The desktop's secrets (device secret, session token) in the system keyring."""

from __future__ import annotations

import contextlib

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

SERVICE = "UtilityDesk"


class CredentialStore:
    """One desktop's entries, named by its device id so two data folders never share a token."""

    def __init__(self, device_id: str, service: str = SERVICE) -> None:
        self.device_id = device_id
        self.service = service

    def _get(self, name: str) -> str | None:
        return keyring.get_password(self.service, f"{self.device_id}:{name}")

    def _set(self, name: str, value: str) -> None:
        keyring.set_password(self.service, f"{self.device_id}:{name}", value)

    def _delete(self, name: str) -> None:
        with contextlib.suppress(PasswordDeleteError):  # already gone is fine
            keyring.delete_password(self.service, f"{self.device_id}:{name}")

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
    """An in-memory keyring backend, for tests and for machines without a keyring."""

    priority = 1  # type: ignore[assignment]

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
