"""Refusals of the HTTP API: a status, a kind the agent can act on, and a readable message."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import ErrorBody


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message


def error_response(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorBody(kind=kind, message=message).model_dump())


async def api_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return error_response(error.status, error.kind, error.message)


async def validation_error_handler(_request: Request, error: Exception) -> JSONResponse:
    """A body or parameter of the wrong shape: 422 with the same ErrorBody as every refusal,
    naming each field and what it must be."""
    assert isinstance(error, RequestValidationError)
    problems = [f"{_where(item.get('loc', ()))}: {item.get('msg', 'invalid')}" for item in error.errors()[:5]]
    return error_response(422, "invalid_request", "; ".join(problems) or "The request is not valid.")


def _where(location: tuple | list) -> str:
    parts = [str(part) for part in location if part not in ("body",)]
    return ".".join(parts) or "body"


ERROR_MEANINGS = {
    400: "The request is malformed (bad cursor, bad signature, not JSON)",
    401: "No token, or the token is unknown, expired or revoked",
    403: "The user's role or the desktop's enrolment does not allow this",
    404: "No such record, series or entity",
    409: "A conflict with the server's state (epoch changed, device code taken)",
    422: "The body or a parameter does not have the documented shape",
    423: "The account is locked after repeated failed logins",
    426: "The desktop's sync protocol is too old",
    503: "The service is not ready or not configured for this",
}


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """The `responses=` of a route: each refusal it can give, with ErrorBody as its body."""
    return {status: {"model": ErrorBody, "description": ERROR_MEANINGS[status]} for status in statuses}


async def http_error_handler(_request: Request, error: Exception) -> JSONResponse:
    """Starlette's own refusals (a body that is not JSON, an unknown path) in the same ErrorBody."""
    assert isinstance(error, StarletteHTTPException)
    kinds = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
    return JSONResponse(status_code=error.status_code, headers=getattr(error, "headers", None),
                        content=ErrorBody(kind=kinds.get(error.status_code, "refused"),
                                          message=str(error.detail)).model_dump())
