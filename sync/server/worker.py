"""A job worker process of the central service: claims bill run chunks and periodic work
from the procrastinate queue in PostgreSQL until stopped (SIGINT/SIGTERM)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket

from sync.server.config import ServerConfig
from sync.server.mailer import SmtpSettings
from sync.server.state import open_central


def worker_context(config: ServerConfig) -> dict:
    return {"central": open_central(config),
            "smtp": SmtpSettings.from_url(config.smtp_url) if config.smtp_url else None}


async def run_worker_async(config: ServerConfig, name: str, *, wait: bool = True,
                           install_signal_handlers: bool = True) -> None:
    """One worker on this event loop; returns when stopped (or, wait=False, when the queue is empty)."""
    from sync.server.jobs import worker_app

    context = worker_context(config)
    app = worker_app(config.database_url)
    try:
        async with app.open_async():
            await app.run_worker_async(name=name, wait=wait, additional_context=context,
                                       install_signal_handlers=install_signal_handlers,
                                       update_heartbeat_interval=10, fetch_job_polling_interval=2.0)
    finally:
        context["central"].engine.dispose()


def run_worker(config: ServerConfig, name: str) -> None:
    asyncio.run(run_worker_async(config, name))


def worker_name(number: int) -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{number}"


def run_workers(config: ServerConfig, count: int) -> None:
    """count workers: this process alone, or as many child processes (each one core's billing)."""
    if count == 1:
        run_worker(config, worker_name(1))
        return
    children = start_workers(config, count)
    try:
        for child in children:
            child.join()
    finally:
        stop_workers(children)


def start_workers(config: ServerConfig, count: int) -> list[multiprocessing.process.BaseProcess]:
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=run_worker, args=(config, worker_name(n)), name=f"jobs-{n}")
                for n in range(1, count + 1)]
    for child in children:
        child.start()
    return children


def stop_workers(children: list[multiprocessing.process.BaseProcess]) -> None:
    """SIGTERM: each worker finishes the chunk it holds (its transaction) and stops."""
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(60)
