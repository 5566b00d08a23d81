"""The FastAPI application: routers, protocol check, request logging and latency metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from alembic.script import ScriptDirectory
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from app.models.db import alembic_config
from sync.protocol import MIN_PROTOCOL_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import routes_auth, routes_ops, routes_runs, routes_sync, routes_tariffs
from sync.server.config import ServerConfig
from sync.server.errors import (
    ApiError,
    api_error_handler,
    error_response,
    http_error_handler,
    validation_error_handler,
)
from sync.server.mailer import MailerThread, SmtpSettings
from sync.server.reports import ReportScheduler
from sync.server.state import Central, open_central

log = logging.getLogger("utilitydesk.server")
UNVERSIONED = ("/v1/webhooks/", "/v1/tariffs")  # for other systems, not the desktop


def create_app(config: ServerConfig) -> FastAPI:
    """One process's app; the schema must already be migrated (the `server` command does it)."""
    central = open_central(config)
    app = FastAPI(title="UtilityDesk central service", version=f"protocol {PROTOCOL_VERSION}",
                  description="Sync, number leases, payment webhooks, the mailer, central bill runs and "
                              "read-only tariffs and quotes for UtilityDesk.",
                  lifespan=_lifespan)
    app.state.central = central
    app.state.expected_revision = ScriptDirectory.from_config(alembic_config(central.engine)).get_current_head()
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_middleware(ProtocolCheck)
    app.add_middleware(RequestLog)
    for module in (routes_ops, routes_auth, routes_sync, routes_tariffs, routes_runs):
        app.include_router(module.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    central: Central = app.state.central
    if central.dialect == "postgresql":  # the job workers' periodic tasks do it (jobs.py)
        yield
        return
    mailer = None
    if central.config.smtp_url:
        mailer = MailerThread(central, SmtpSettings.from_url(central.config.smtp_url),
                              central.config.mailer_interval)
        mailer.start()
    reports = ReportScheduler(central)  # with or without SMTP: reports queue until a mailer sends them
    reports.start()
    yield
    reports.stop()
    if mailer is not None:
        mailer.stop()


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker process (`--factory`)."""
    return create_app(ServerConfig.from_env())


def central_of_app(app: FastAPI) -> Central:
    return app.state.central


class ProtocolCheck(BaseHTTPMiddleware):
    """An old desktop is refused with a message a person can act on, before anything else."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if path.startswith("/v1/") and not path.startswith(UNVERSIONED):
            version = _version(request.headers.get(PROTOCOL_HEADER))
            if version < MIN_PROTOCOL_VERSION:
                return error_response(426, "protocol_too_old", (
                    f"This desktop speaks sync protocol {version}; the central service needs "
                    f"{MIN_PROTOCOL_VERSION} or newer. Update UtilityDesk on this desktop."))
        return await call_next(request)


def _version(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return 0


class RequestLog(BaseHTTPMiddleware):
    """One log line per request, and the latency histogram; an unhandled error is logged with
    its traceback and answered with a plain 500 body instead of vanishing."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        central: Central = request.app.state.central
        try:
            response = await call_next(request)
        except Exception:  # noqa: BLE001 - logged here, with the request it belongs to
            route = getattr(request.scope.get("route"), "path", "unmatched")
            central.metrics.inc("utilitydesk_unhandled_errors_total", route=route)
            log.exception("request failed", extra={
                "method": request.method, "path": request.url.path, "status": 500,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user": getattr(request.state, "user", None), "device": getattr(request.state, "device", None)})
            return error_response(500, "internal_error", "The central service failed on this request; "
                                                         "the details are in its log.")
        elapsed = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", "unmatched")
        central.metrics.observe("utilitydesk_http_request_duration_seconds", elapsed,
                                method=request.method, route=route)
        log.info("request", extra={
            "method": request.method, "path": request.url.path, "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2), "user": getattr(request.state, "user", None),
            "device": getattr(request.state, "device", None)})
        return response
