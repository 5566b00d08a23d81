"""Opening the app's world: data folder, lock, logging, database and service context."""

from __future__ import annotations

import logging
import logging.handlers
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.config import (
    DeviceConfig,
    InstanceLock,
    Paths,
    load_device_config,
    prepare_data_dir,
    require_database,
)
from app.domain.core.clock import Clock, SystemClock
from app.models.db import make_engine, session_factory, upgrade
from app.services.core.context import AppContext

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


def open_runtime(data_dir: Path, *, lock: bool = True, clock: Clock | None = None,
                 database_url: str | None = None, existing: bool = False) -> Runtime:
    """Prepare the folder, take the instance lock, migrate the database, build the context.

    `existing`: the caller reads a utility that must already be there (audit verify, reports,
    reprints), so a mistyped --data-dir is refused instead of becoming a new, empty database.
    """
    if existing and database_url is None:
        require_database(data_dir)
    paths = prepare_data_dir(data_dir)
    instance_lock = InstanceLock(paths.lock_file) if lock else None
    if instance_lock is not None:
        instance_lock.acquire()
    try:
        setup_logging(paths)
        device = load_device_config(paths)
        engine = make_engine(database_url or paths.database_url)
        upgrade(engine)
    except Exception:
        if instance_lock is not None:
            instance_lock.release()
        raise
    context = AppContext(sessions=session_factory(engine), device_id=device.device_id,
                         device_code=device.device_code, clock=clock or SystemClock(),
                         self_lease=not device.server_url)
    log.info("opened %s (device %s)", paths.root, device.device_code)
    return Runtime(paths, device, engine, context, instance_lock)
