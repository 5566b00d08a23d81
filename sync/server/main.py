"""`utilitydesk server`: migrate the central database, then serve with uvicorn."""

from __future__ import annotations

import argparse
import logging.config
import os
import socket
import tempfile
from datetime import timedelta
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.models.db import make_engine, session_factory, upgrade
from app.services.core.context import SYSTEM_ACTOR
from sync.server.arguments import add_arguments  # noqa: F401  (kept where callers looked)
from sync.server.auth import create_enrolment_code
from sync.server.config import ServerConfig
from sync.server.logs import log_config
from sync.server.metrics import MULTIPROC_ENV
from sync.server.state import ensure_epoch, rotate_epoch
from sync.server.worker import run_workers, start_workers, stop_workers


def run(args: argparse.Namespace) -> int:
    config = ServerConfig(database_url=args.database_url,
                          token_ttl=timedelta(hours=args.token_ttl_hours),
                          stripe_webhook_secret=args.stripe_webhook_secret, smtp_url=args.smtp_url,
                          metrics_token=args.metrics_token,
                          run_chunk_accounts=max(1, args.chunk_accounts))
    logging.config.dictConfig(log_config(args.log_level))
    engine = make_engine(config.database_url)
    upgrade(engine)  # once, here, before any worker starts
    sessions = session_factory(engine)
    ensure_epoch(sessions)
    if args.new_epoch:
        print(f"New epoch {rotate_epoch(sessions)}: desktops will re-bootstrap at their next sync.")
    if args.enrolment_code:
        return _print_enrolment_code(sessions, config, args.enrolment_code)
    engine.dispose()
    job_workers = args.job_workers if config.database_url.startswith("postgresql") else 0
    if args.jobs_only:
        if not job_workers:
            print("Job workers need a PostgreSQL database (and --job-workers 1 or more).")
            return 2
        run_workers(config, job_workers)
        return 0
    os.environ.update(config.to_env())
    if args.workers > 1:
        _multiprocess_metrics()
    children = start_workers(config, job_workers)
    try:
        _serve(args)
    finally:
        stop_workers(children)
    return 0


def _serve(args: argparse.Namespace) -> None:
    serve(_NoDelayConfig("sync.server.app:app_from_env", factory=True, host=args.host, port=args.port,
                         workers=args.workers, log_config=log_config(args.log_level), access_log=False,
                         timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                         ssl_certfile=args.ssl_certfile or None, ssl_keyfile=args.ssl_keyfile or None))


def _multiprocess_metrics() -> None:
    """Every worker writes its metrics where a scrape of any worker adds them all up; the
    folder starts empty so a restart does not count the last run's values again."""
    folder = Path(os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="utilitydesk-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)


# uvicorn kills a worker that does not answer its supervisor's ping within this (5 s by default):
# on a loaded machine a worker still importing the app takes longer, and the workers were killed
# and restarted every 5 s without ever serving.
WORKER_HEALTHCHECK_SECONDS = 60


class _NoDelayConfig(uvicorn.Config):
    """Without TCP_NODELAY every small answer waits ~40 ms for a delayed ACK (Nagle).
    Connections accepted from the listening socket inherit the option."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def serve(config: uvicorn.Config) -> None:
    """uvicorn.run, with our socket: one process, or a supervisor and config.workers workers."""
    server = uvicorn.Server(config)
    sock = config.bind_socket()
    if config.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        server.run(sockets=[sock])


def _print_enrolment_code(sessions, config: ServerConfig, centre_code: str) -> int:
    with sessions() as session, session.begin():
        code, row = create_enrolment_code(session, centre_code, SYSTEM_ACTOR.username,
                                          config.clock.now(), timedelta(hours=72))
    print(f"Enrolment code for {centre_code}: {code} (valid until {row.expires_at:%Y-%m-%d %H:%M} UTC)")
    return 0
