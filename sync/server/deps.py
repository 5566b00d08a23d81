"""What every route needs: the process's Central, a transaction, and the authenticated caller.

Authentication is a FastAPI security dependency: it runs before the body is validated (a
request without a valid token gets 401, whatever its body), and the bearer scheme appears in
the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync.server.auth import Caller, authenticate, zone_ids_of
from sync.server.scope import DeviceScope
from sync.server.state import Central

bearer_scheme = HTTPBearer(auto_error=False, scheme_name="token",
                           description="The token POST /v1/auth/login returned.")


def central_of(request: Request) -> Central:
    return request.app.state.central


def bearer_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]) -> str | None:
    return credentials.credentials.strip() if credentials and credentials.credentials.strip() else None


def authenticated(request: Request, token: Annotated[str | None, Depends(bearer_token)]) -> Caller:
    central = central_of(request)
    with central.sessions() as session:
        caller = authenticate(session, token, central.now())
    request.state.user = caller.username
    request.state.device = caller.device_id
    return caller


Authenticated = Annotated[Caller, Security(authenticated)]
Token = Annotated[str | None, Depends(bearer_token)]


@contextmanager
def transaction(central: Central) -> Iterator[Session]:
    with central.sessions() as session, session.begin():
        yield session


def device_scope(session: Session, caller: Caller) -> DeviceScope:
    caller.require_device()
    assert caller.device_centre_id is not None
    return DeviceScope(caller.device_centre_id, tuple(zone_ids_of(session, caller.device_centre_id)))
