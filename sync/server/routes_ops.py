"""Operations endpoints (health, readiness, metrics) and the payment gateway webhook."""

from __future__ import annotations

import json
import logging
import secrets

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from app.domain.core.permissions import Permission
from app.models.central import RefusedWebhook
from app.models.db import current_revision
from sync.protocol import RefusedWebhookView, WebhookResponse
from sync.server.auth import authenticate
from sync.server.deps import Authenticated, Token, central_of, transaction
from sync.server.errors import ApiError, error_response, error_responses
from sync.server.webhook import Outcome, currency_problem, handle_event, verify_signature
from sync.server.webhook_checks import event_problem, refuse

router = APIRouter(tags=["operations"])
log = logging.getLogger("utilitydesk.server")


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up (liveness)."""
    return {"status": "ok"}


@router.get("/ready", responses=error_responses(503))
def ready(request: Request):
    """The database answers and its schema is the one this code expects (readiness)."""
    central = central_of(request)
    try:
        with central.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(central.engine)
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return error_response(503, "not_ready", f"Database unavailable: {error}")
    if revision != request.app.state.expected_revision:
        return error_response(503, "not_ready", f"Schema {revision}, expected {request.app.state.expected_revision}")
    return {"status": "ready", "schema": revision}


@router.get("/metrics", response_model=None, responses={
    200: {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}},
    **error_responses(401, 403)})
def metrics(request: Request, token: Token) -> PlainTextResponse:
    """Prometheus text format, summed over every worker. Readable with the scrape token the
    service was started with (--metrics-token), or an administrator's token."""
    central = central_of(request)
    scrape_token = central.config.metrics_token
    if not (scrape_token and token and secrets.compare_digest(token, scrape_token)):
        with central.sessions() as session:
            authenticate(session, token, central.now()).require(Permission.MANAGE_SETTINGS)
    return PlainTextResponse(central.metrics.render(), media_type="text/plain; version=0.0.4")


@router.post("/v1/webhooks/stripe", response_model=WebhookResponse, tags=["webhooks"],
             responses=error_responses(400, 422, 503), openapi_extra={
                 "parameters": [{"name": "Stripe-Signature", "in": "header", "required": True,
                                 "description": "t=<unix time>,v1=<HMAC-SHA256 of 't.body'>",
                                 "schema": {"type": "string"}}],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"type": "object", "description": "A Stripe event"}}}}})
async def stripe_webhook(request: Request) -> WebhookResponse:
    # The signature covers the raw bytes, so read them before any parsing.
    body = await request.body()
    central = central_of(request)
    verify_signature(central.config.stripe_webhook_secret, request.headers.get("stripe-signature"),
                     body, central.now(), central.config.webhook_tolerance)
    try:
        event = json.loads(body)
    except ValueError:
        event = _NOT_JSON
    # The database work runs in the thread pool: it must not block the event loop.
    outcome = await run_in_threadpool(_handle, central, event, body)
    if isinstance(outcome, ApiError):
        central.metrics.inc("utilitydesk_webhook_events_total", outcome="refused")
        log.warning("stripe event refused", extra={"reason": outcome.message})
        raise outcome
    central.metrics.inc("utilitydesk_webhook_events_total",
                        outcome="duplicate" if outcome.duplicate else "processed")
    log.info("stripe event", extra={"event_id": event.get("id"), "outcome": outcome.text})
    return WebhookResponse(event_id=str(event.get("id")), duplicate=outcome.duplicate, outcome=outcome.text)


@router.get("/v1/refused-webhooks", response_model=list[RefusedWebhookView], tags=["webhooks"],
            responses=error_responses(401, 403, 422, 426))
def refused_webhooks(request: Request, caller: Authenticated,
                     limit: int = Query(100, ge=1, le=1000)) -> list[RefusedWebhookView]:
    """The latest gateway events the service refused, newest first (administrators)."""
    caller.require(Permission.MANAGE_SETTINGS)
    with transaction(central_of(request)) as session:
        rows = session.execute(select(RefusedWebhook).order_by(RefusedWebhook.id.desc()).limit(limit)).scalars()
        return [RefusedWebhookView(id=r.id, provider=r.provider, received_at=r.received_at, event_id=r.event_id,
                                   reason=r.reason, body=r.body) for r in rows]


_NOT_JSON = object()


def _handle(central, event: object, body: bytes) -> Outcome | ApiError:
    """The outcome, or the refusal to answer with (kept for an administrator either way)."""
    with transaction(central) as session:
        if event is _NOT_JSON:
            return refuse(session, "stripe", None, body, "The event is not JSON", central.now(), status=400)
        problem = event_problem(event) or currency_problem(session, event)
        if not problem:
            try:
                with session.begin_nested():
                    return handle_event(session, event, central.now())
            except (ApiError, OperationalError):
                raise
            except Exception as error:  # noqa: BLE001 - a signed event the data cannot hold: a 4xx, never a 500
                log.warning("stripe event could not be used", exc_info=error)
                problem = f"The event could not be used: {str(error).splitlines()[0][:200] if str(error) else type(error).__name__}"
        return refuse(session, "stripe", event, body, problem, central.now())
