"""The desktop's side of the wire: the server's clock, TLS trust, and refusals read back."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta

import httpx

from app.domain.core.errors import SyncError
from sync.protocol import MAX_CLOCK_SKEW_SECONDS, ErrorBody


def check_skew(server_time: datetime, local_time: datetime) -> None:
    skew = local_time - server_time
    if abs(skew) > timedelta(seconds=MAX_CLOCK_SKEW_SECONDS):
        minutes = round(abs(skew).total_seconds() / 60)
        direction = "ahead of" if skew > timedelta(0) else "behind"
        raise SyncError("clock_skew", f"This computer's clock is {minutes} minutes {direction} the central "
                                      "service's. Correct the date and time, then sync again.")


def tls_verification(ca_file: str) -> ssl.SSLContext | bool:
    """The system's trusted CAs, or only the utility's own CA when one is configured."""
    if not ca_file:
        return True
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        raise SyncError("tls", f"The CA file {ca_file} cannot be used: {error}") from error


def refusal(response: httpx.Response) -> SyncError:
    try:
        body = ErrorBody.model_validate(response.json())
        return SyncError(body.kind, body.message)
    except ValueError:
        return SyncError("server_error", f"The central service answered {response.status_code}.")
