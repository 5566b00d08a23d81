"""The sync API: handshake, push, pull, bootstrap and number leases."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request, Response

from app.models.central import Device
from sync.protocol import (
    MAX_PAGE,
    MIN_PROTOCOL_VERSION,
    NO_NUL,
    PROTOCOL_VERSION,
    BootstrapPage,
    BootstrapPlan,
    LeaseRequest,
    LeaseResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ServerInfo,
    format_cursor,
    parse_cursor,
)
from sync.server import bootstrap, changelog
from sync.server.deps import Authenticated, central_of, device_scope, transaction
from sync.server.errors import ApiError, error_responses
from sync.server.leases import lease_blocks
from sync.server.permissions import SERIES_NEEDS, leasable_series
from sync.server.push import apply_batch
from sync.server.state import current_epoch

router = APIRouter(prefix="/v1", tags=["sync"], responses=error_responses(400, 401, 403, 422, 426))
MAX_POSITION = 2**63 - 1
NO_NUL_PATTERN = NO_NUL["pattern"]


@router.get("/hello", response_model=ServerInfo)
def hello(request: Request, caller: Authenticated) -> ServerInfo:
    central = central_of(request)
    with transaction(central) as session:
        scope = device_scope(session, caller)
        device = session.get(Device, caller.device_id)
        return ServerInfo(server_time=central.now(), epoch=current_epoch(session),
                          protocol_version=PROTOCOL_VERSION, min_protocol_version=MIN_PROTOCOL_VERSION,
                          device_id=device.id, device_applied_seq=device.applied_seq,
                          centre_id=scope.centre_id, zone_ids=list(scope.zone_ids),
                          leasable_series=leasable_series(caller))


@router.post("/push", response_model=PushResponse)
def push(caller: Authenticated, body: PushRequest, request: Request) -> Response:
    central = central_of(request)
    with transaction(central) as session:
        scope = device_scope(session, caller)
        results, applied_seq = apply_batch(session, caller, scope, body.operations, central.now())
    metrics = central.metrics
    metrics.inc("utilitydesk_push_batches_total")
    for result in results:
        metrics.inc("utilitydesk_push_operations_total", result=result.status)
    metrics.inc("utilitydesk_conflicts_total", sum(r.status == "conflict" for r in results))
    metrics.inc("utilitydesk_rejections_total", sum(r.status == "rejected" for r in results))
    # Encoded once: returned as the model, FastAPI would validate every result again first
    # (response_model still documents the shape).
    answer = PushResponse(results=results, applied_seq=applied_seq)
    return Response(content=answer.model_dump_json(), media_type="application/json")


@router.get("/changes", response_model=PullResponse, responses=error_responses(400, 409))
def pull(request: Request, caller: Authenticated,
         cursor: str = Query("", description="Where the last pull (or bootstrap) ended; empty: from the start"),
         limit: int = Query(500, ge=1, le=MAX_PAGE)) -> PullResponse:
    central = central_of(request)
    # Read only: a transaction id of our own would hold the snapshot fence back.
    with transaction(central) as session:
        scope = device_scope(session, caller)
        epoch = current_epoch(session)
        after = _position(cursor, epoch)
        page = changelog.read_page(session, after, scope, limit, caller.device_id)
    central.metrics.inc("utilitydesk_pull_requests_total")
    central.metrics.inc("utilitydesk_pull_changes_total", len(page.changes))
    return PullResponse(epoch=epoch, changes=page.changes, more=page.more,
                        cursor=format_cursor(epoch, page.next_position.txid, page.next_position.seq))


def _position(cursor: str, epoch: str) -> changelog.Position:
    if not cursor:
        return changelog.Position(0, 0)  # the whole change log of the desktop's scope
    try:
        cursor_epoch, txid, seq = parse_cursor(cursor)
    except ValueError:
        raise ApiError(400, "bad_cursor", f"{cursor[:80]!r} is not a cursor of this service") from None
    if not (0 <= txid <= MAX_POSITION and 0 <= seq <= MAX_POSITION):
        raise ApiError(400, "bad_cursor", f"{cursor[:80]!r} is not a cursor of this service")
    if cursor_epoch != epoch:
        raise ApiError(409, "epoch_changed", "The central database was restored from a backup: "
                                             "download everything again and re-send local changes.")
    return changelog.Position(txid, seq)


@router.get("/bootstrap", response_model=BootstrapPlan)
def bootstrap_plan(request: Request, caller: Authenticated) -> BootstrapPlan:
    central = central_of(request)
    with transaction(central) as session:
        device_scope(session, caller)
        epoch = current_epoch(session)
        start = changelog.head_position(session)
    return BootstrapPlan(epoch=epoch, entities=bootstrap.BOOTSTRAP_ENTITIES,
                         reference_entities=bootstrap.REFERENCE_ENTITIES,
                         start_cursor=format_cursor(epoch, start.txid, start.seq))


@router.get("/bootstrap/{entity}", response_model=BootstrapPage, responses=error_responses(404))
def bootstrap_page(entity: str, request: Request, caller: Authenticated,
                   after: str = Query("", max_length=36, pattern=NO_NUL_PATTERN,
                                      description="The last id of the previous page"),
                   limit: int = Query(1000, ge=1, le=bootstrap.MAX_PAGE),
                   history_days: int = Query(bootstrap.HISTORY_DAYS, ge=0,
                                             le=bootstrap.MAX_HISTORY_DAYS)) -> Response:
    if entity not in bootstrap.BOOTSTRAP_ENTITIES:
        raise ApiError(404, "not_found", f"{entity!r} is not downloaded at bootstrap")
    central = central_of(request)
    with transaction(central) as session:
        scope = device_scope(session, caller)
        rows, next_after = bootstrap.read_rows(session, entity, scope, after or None, limit,
                                               now=central.now(), history_days=history_days)
    # The rows are already JSON-safe dicts: encode once, without validating each row into
    # BootstrapPage and serialising it again (the response_model still documents the shape).
    body = json.dumps({"entity": entity, "rows": rows, "next_after": next_after},
                      ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content=body.encode("utf-8"), media_type="application/json")


@router.post("/leases", response_model=LeaseResponse, responses=error_responses(404))
def lease(caller: Authenticated, body: LeaseRequest, request: Request) -> LeaseResponse:
    central = central_of(request)
    with transaction(central) as session:
        device_id = caller.require_device()
        if body.series not in SERIES_NEEDS:
            raise ApiError(404, "unknown_series", f"No number series {body.series!r}")
        caller.require(*SERIES_NEEDS[body.series])
        blocks = lease_blocks(session, body.series, body.blocks, device_id, central.now())
    central.metrics.inc("utilitydesk_lease_grants_total", len(blocks), series=body.series)
    return LeaseResponse(series=body.series, blocks=blocks)
