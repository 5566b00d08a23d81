"""What every route needs: the process's Central, a transaction, and the authenticated caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy.orm import Session

from sync.server.auth import Caller, authenticate, zone_ids_of
from sync.server.scope import DeviceScope
from sync.server.state import Central


def central_of(request: Request) -> Central:
    return request.app.state.central


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@contextmanager
def transaction(central: Central) -> Iterator[Session]:
    with central.sessions() as session, session.begin():
        yield session


def caller_of(session: Session, request: Request) -> Caller:
    caller = authenticate(session, bearer(request), central_of(request).now())
    request.state.user = caller.username
    request.state.device = caller.device_id
    return caller


def device_scope(session: Session, caller: Caller) -> DeviceScope:
    caller.require_device()
    assert caller.device_centre_id is not None
    return DeviceScope(caller.device_centre_id, tuple(zone_ids_of(session, caller.device_centre_id)))
