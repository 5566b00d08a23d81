"""The central service's job workers in tests: as threads (quick) or as real processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from sync.server.config import ServerConfig
from sync.server.worker import run_worker_async

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def job_worker_threads(config: ServerConfig, count: int = 2) -> Iterator[None]:
    """count workers, each on its own event loop in a thread of this process."""
    running: list[tuple[asyncio.AbstractEventLoop, asyncio.Task, threading.Thread]] = []
    for n in range(count):
        loop = asyncio.new_event_loop()
        task = loop.create_task(run_worker_async(config, f"thread-{n}", install_signal_handlers=False))

        def run(loop=loop, task=task) -> None:
            asyncio.set_event_loop(loop)
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(task)
            loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        running.append((loop, task, thread))
    try:
        yield
    finally:
        for loop, task, _thread in running:
            loop.call_soon_threadsafe(task.cancel)
        for _loop, _task, thread in running:
            thread.join(30)


@contextlib.contextmanager
def job_worker_processes(database_url: str, count: int = 2, chunk_accounts: int = 500) -> Iterator[list]:
    """count `utilitydesk server --jobs-only` processes, up (registered in the queue) before
    this yields; stopped with SIGTERM."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "app", "server", "--database-url", database_url, "--jobs-only",
         "--job-workers", "1", "--chunk-accounts", str(chunk_accounts), "--log-level", "WARNING"],
        cwd=ROOT, env=env) for _ in range(count)]
    try:
        wait_for_workers(database_url, count, processes)
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_workers(database_url: str, count: int, processes: list, timeout: float = 90) -> None:
    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            assert all(p.poll() is None for p in processes), "a job worker exited"
            with engine.connect() as connection:
                up = connection.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar_one()
            if up >= count:
                return
            time.sleep(0.2)
        raise AssertionError(f"{count} job workers did not start within {timeout} s")
    finally:
        engine.dispose()
