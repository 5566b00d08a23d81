"""Where the app keeps its data, its config file, and the one-instance lock."""

from __future__ import annotations

import os
import sys
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import tomli_w

from app.domain.core.errors import UtilityDeskError

APP_NAME = "UtilityDesk"
ENV_DATA_DIR = "UTILITYDESK_DATA_DIR"


class DataDirError(UtilityDeskError):
    pass


class AlreadyRunning(UtilityDeskError):
    pass


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """--data-dir beats UTILITYDESK_DATA_DIR beats the platform default."""
    chosen = cli_value or os.environ.get(ENV_DATA_DIR)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "utilitydesk.sqlite3"

    @property
    def config_file(self) -> Path:
        return self.root / "config.toml"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def lock_file(self) -> Path:
        return self.root / ".instance.lock"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


def require_database(root: Path) -> None:
    """Refuse a folder that holds no UtilityDesk database, naming what was looked for."""
    database = Paths(root).database
    if not database.is_file():
        raise DataDirError(
            f"{root} holds no UtilityDesk data ({database.name} is missing): check --data-dir "
            f"or {ENV_DATA_DIR}; `utilitydesk demo` or the app itself creates one.")


def prepare_data_dir(root: Path) -> Paths:
    """Create the folders; a clear error when the place cannot be written."""
    paths = Paths(root)
    try:
        for folder in (paths.root, paths.logs, paths.exports):
            folder.mkdir(parents=True, exist_ok=True)
        probe = paths.root / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DataDirError(
            f"The data folder {root} cannot be written ({exc.strerror or exc}). "
            f"Choose another with --data-dir or {ENV_DATA_DIR}."
        ) from exc
    return paths


@dataclass(frozen=True)
class DeviceConfig:
    """This machine's identity and local preferences (utility settings live in the database)."""

    device_id: str
    device_code: str
    server_url: str = ""
    # A private CA for the central service's TLS certificate ([sync] ca_file in config.toml).
    ca_file: str = ""


def load_device_config(paths: Paths) -> DeviceConfig:
    data: dict = {}
    if paths.config_file.exists():
        try:
            data = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataDirError(f"The config file {paths.config_file} is not valid TOML: {exc}") from exc
    device = data.get("device", {})
    if not device.get("id"):
        device_id = str(uuid.uuid4())
        device = {"id": device_id, "code": "D" + device_id[:4].upper(), **device}
        data["device"] = device
        paths.config_file.write_text(tomli_w.dumps(data), encoding="utf-8")
    sync = data.get("sync", {})
    return DeviceConfig(
        device_id=device["id"],
        device_code=device.get("code", "D" + device["id"][:4].upper()),
        server_url=sync.get("server_url", ""),
        ca_file=sync.get("ca_file", ""),
    )


class InstanceLock:
    """An OS file lock: a second app on the same data folder would reuse receipt numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = None

    def acquire(self) -> None:
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the process lifetime
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise AlreadyRunning(
                f"UtilityDesk is already running on {self.path.parent}. "
                "Only one instance may use a data folder at a time."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
