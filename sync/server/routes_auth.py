"""Log in and out, enrolment codes, enrolling and revoking desktops."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Path, Request
from sqlalchemy import select

from app.domain.core.errors import AccountLocked, AuthenticationError, ValidationError
from app.domain.core.permissions import Permission
from app.models.reference import ServiceCentre
from app.models.users import User
from app.services.core.auth import AuthService
from sync.protocol import (
    NO_NUL,
    EnrolmentCodeRequest,
    EnrolmentCodeResponse,
    EnrolRequest,
    EnrolResponse,
    LoginRequest,
    TokenResponse,
)
from sync.server import auth
from sync.server.deps import Authenticated, Token, central_of, transaction
from sync.server.errors import ApiError, error_responses

router = APIRouter(prefix="/v1", tags=["auth"], responses=error_responses(400, 422, 426))


@router.post("/auth/login", response_model=TokenResponse, responses=error_responses(401, 403, 423))
def login(body: LoginRequest, request: Request) -> TokenResponse:
    central = central_of(request)
    try:
        # The desktop's own login rules: argon2, lockout after repeated failures, audit.
        AuthService(central.app_context()).login(body.username, body.password)
    except AccountLocked as error:
        raise ApiError(423, "account_locked", error.message) from None
    except (AuthenticationError, ValidationError) as error:
        raise ApiError(401, "login_failed", error.message) from None
    with transaction(central) as session:
        user = session.execute(select(User).where(User.username == body.username.strip())).scalar_one()
        device_id = None
        if body.device_id:
            device_id = auth.check_device_login(session, body.device_id, body.device_secret, user).id
        token, expires = auth.issue_token(session, user, device_id, central.now(), central.config.token_ttl)
        return TokenResponse(token=token, expires_at=expires, user_id=user.id, username=user.username,
                             role=user.role, centre_id=user.centre_id, device_id=device_id)


@router.post("/auth/logout", status_code=204, responses=error_responses(401))
def logout(request: Request, caller: Authenticated, token: Token) -> None:
    central = central_of(request)
    with transaction(central) as session:
        auth.revoke_token(session, token or "", central.now())


@router.post("/enrolment-codes", response_model=EnrolmentCodeResponse, responses=error_responses(401, 403, 404))
def create_enrolment_code(caller: Authenticated, body: EnrolmentCodeRequest,
                          request: Request) -> EnrolmentCodeResponse:
    central = central_of(request)
    with transaction(central) as session:
        caller.require(Permission.MANAGE_USERS)
        code, row = auth.create_enrolment_code(session, body.centre_code, caller.username, central.now(),
                                               timedelta(hours=body.valid_hours))
        return EnrolmentCodeResponse(code=code, centre_id=row.centre_id, expires_at=row.expires_at)


@router.post("/devices/enrol", response_model=EnrolResponse, responses=error_responses(403, 409))
def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
    """No token yet: the one-time enrolment code is the credential."""
    central = central_of(request)
    with transaction(central) as session:
        device, secret = auth.enrol_device(session, body.enrolment_code, body.device_id,
                                           body.device_code, body.name, central.now())
        centre = session.get(ServiceCentre, device.centre_id)
        return EnrolResponse(device_id=device.id, device_secret=secret, centre_id=device.centre_id,
                             zone_ids=auth.zone_ids_of(session, device.centre_id),
                             centre_code=centre.code if centre else "", centre_name=centre.name if centre else "")


@router.post("/devices/{device_id}/revoke", status_code=204, responses=error_responses(401, 403, 404))
def revoke_device(request: Request, caller: Authenticated,
                  device_id: str = Path(max_length=36, pattern=NO_NUL["pattern"])) -> None:
    caller.require(Permission.MANAGE_USERS)
    central = central_of(request)
    with transaction(central) as session:
        auth.revoke_device(session, device_id, central.now())
