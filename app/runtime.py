"""Opening the app's world: data folder, lock, logging, database and service context.

Importing this module loads neither SQLAlchemy nor the models: the desktop shows its login
window first and opens the database behind it (OpeningRuntime, #17)."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import (
    DeviceConfig,
    InstanceLock,
    Paths,
    load_device_config,
    prepare_data_dir,
    require_database,
)
from app.domain.core.clock import Clock, SystemClock
from app.services.core.context import AppContext
from app.services.core.start_reads import StartFacts, read_start_facts

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("utilitydesk")


@dataclass
class Runtime:
    paths: Paths
    device: DeviceConfig
    engine: Engine
    app: AppContext
    lock: InstanceLock | None

    def schema_revision(self) -> str | None:
        from app.models.db import current_revision

        return current_revision(self.engine)

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def setup_logging(paths: Paths, *, verbose: bool = False) -> Path:
    """A rotating log file in the data folder's logs/ (5 x 2 MB)."""
    log_file = paths.logs / "utilitydesk.log"
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return log_file


@dataclass(frozen=True)
class Folder:
    """A data folder made ready: its places, this device's identity, the instance lock held."""

    paths: Paths
    device: DeviceConfig
    lock: InstanceLock | None

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()


def open_folder(data_dir: Path, *, lock: bool = True, existing: bool = False) -> Folder:
    """Create the folder's places, take the instance lock, start the log, read the device config."""
    if existing:
        require_database(data_dir)
    paths = prepare_data_dir(data_dir)
    instance_lock = InstanceLock(paths.lock_file) if lock else None
    if instance_lock is not None:
        instance_lock.acquire()
    try:
        setup_logging(paths)
        device = load_device_config(paths)
    except BaseException:
        if instance_lock is not None:
            instance_lock.release()
        raise
    return Folder(paths, device, instance_lock)


def open_database(folder: Folder, *, clock: Clock | None = None,
                  database_url: str | None = None) -> Runtime:
    """Migrate the folder's database (or `database_url`) and build the context; on failure the
    folder's lock is released."""
    try:
        from app.models.db import make_engine, session_factory, upgrade  # SQLAlchemy, every model

        engine = make_engine(database_url or folder.paths.database_url)
        upgrade(engine)
    except BaseException:
        folder.release()
        raise
    device = folder.device
    context = AppContext(sessions=session_factory(engine), device_id=device.device_id,
                         device_code=device.device_code, clock=clock or SystemClock(),
                         self_lease=not device.server_url)
    log.info("opened %s (device %s)", folder.paths.root, device.device_code)
    return Runtime(folder.paths, device, engine, context, folder.lock)


def open_runtime(data_dir: Path, *, lock: bool = True, clock: Clock | None = None,
                 database_url: str | None = None, existing: bool = False) -> Runtime:
    """Prepare the folder, take the instance lock, migrate the database, build the context.

    `existing`: the caller reads a utility that must already be there (audit verify, reports,
    reprints), so a mistyped --data-dir is refused instead of becoming a new, empty database.
    """
    folder = open_folder(data_dir, lock=lock, existing=existing and database_url is None)
    return open_database(folder, clock=clock, database_url=database_url)


class StartFailed(Exception):
    """The database could not be opened behind the login window; the cause says why."""


class OpeningRuntime:
    """The desktop's start, open_runtime in two halves (#17).

    At once: the folder, lock, log and device config, and what the login window shows (read with
    sqlite3: `facts`). Then, in a background thread that `start()` begins once the window is on
    screen: SQLAlchemy, the models, the engine and `warm_up` (what the login click will need),
    while the user types. `result()` waits for them. A database that is not at the newest schema
    or has no users yet is opened in full at once, as open_runtime does, and reports its problems
    the same way. The thread touches no Qt object.
    """

    def __init__(self, data_dir: Path, *, warm_up: Callable[[], object] | None = None) -> None:
        self.folder = open_folder(data_dir)
        self._warm_up = warm_up
        self._thread: threading.Thread | None = None
        self._runtime: Runtime | None = None
        self._error: BaseException | None = None
        try:
            self.facts: StartFacts | None = read_start_facts(self.folder.paths.database)
            if self.facts is None or not self.facts.users_exist:
                self._runtime = open_database(self.folder)
        except BaseException:
            self.folder.release()
            raise

    @property
    def paths(self) -> Paths:
        return self.folder.paths

    def start(self) -> None:
        """Open the database in the background; nothing when it is open or opening already."""
        if self._thread is None and self._runtime is None and self._error is None:
            self._thread = threading.Thread(target=self._open, name="opening the database", daemon=True)
            self._thread.start()

    def _open(self) -> None:
        try:
            from sqlalchemy.orm import configure_mappers

            self._runtime = open_database(self.folder)
            configure_mappers()  # at the first query otherwise: the login click's
            if self._warm_up is not None:
                self._warm_up()
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits (result)
            self._error = error

    def ready(self) -> bool:
        return self._runtime is not None and (self._thread is None or not self._thread.is_alive())

    def failure(self) -> BaseException | None:
        """What went wrong in the background (after waiting for it), if it ran and failed."""
        if self._thread is not None:
            self._thread.join()
        return self._error

    def result(self) -> Runtime:
        """The open runtime, waiting for the background (or opening here, if it never began);
        StartFailed, caused by what went wrong, when it could not open."""
        if self._thread is None and self._runtime is None and self._error is None:
            self._open()
        if self.failure() is not None:
            raise StartFailed(str(self._error)) from self._error
        assert self._runtime is not None
        return self._runtime

    def close(self) -> None:
        """Wait for the background, then close what it opened (or release the lock)."""
        self.failure()
        if self._runtime is not None:
            self._runtime.close()
        else:
            self.folder.release()
