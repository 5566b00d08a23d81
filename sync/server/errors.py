"""Refusals of the HTTP API: a status, a kind the agent can act on, and a readable message."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

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
