"""What a signed gateway event must look like before it is used, and where refused ones go.

A malformed event is the gateway's (or an attacker with the secret's) problem, not the
server's: it gets a 4xx naming the field, and is kept for an administrator to look at.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.domain.core.money import MINOR_DIGITS
from app.models.central import RefusedWebhook
from sync.server.errors import ApiError

MAX_EVENT_ID = 120  # webhook_events.event_id
MAX_MINOR = 10**15  # far above any payment, far below the money column's limit
LATEST_UNIX_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z
TEXT_FIELDS = {"id": 80, "payment_intent": 80}  # payments.gateway_ref
METADATA_FIELDS = {"payment_type": 20, "method": 40, "account_no": 40, "consumer_id": 36, "payment_intent": 80}
KEEP_BODY = 65_536


def event_problem(event: object) -> str:
    """Empty when the event can be used; otherwise what is wrong, naming the field."""
    if not isinstance(event, dict):
        return "The event must be a JSON object"
    event_id, kind = event.get("id"), event.get("type", "")
    if not isinstance(event_id, str) or not event_id.strip():
        return "id: the event has no id"
    if len(event_id) > MAX_EVENT_ID:
        return f"id: longer than {MAX_EVENT_ID} characters"
    if not isinstance(kind, str) or len(kind) > 80:
        return "type: must be text of at most 80 characters"
    data = event.get("data")
    if data is None:
        return ""
    if not isinstance(data, dict):
        return "data: must be an object"
    obj = data.get("object")
    if obj is None:
        return ""
    if not isinstance(obj, dict):
        return "data.object: must be an object"
    return _object_problem(obj)


def _object_problem(obj: dict) -> str:
    for key, limit in TEXT_FIELDS.items():
        value = obj.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            return f"data.object.{key}: must be text of at most {limit} characters"
    for key in ("amount_received", "amount"):
        value = obj.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINOR):
            return f"data.object.{key}: must be a whole number of minor units from 0 to {MAX_MINOR}"
    code = obj.get("currency")
    if code is not None and (not isinstance(code, str) or code.upper() not in MINOR_DIGITS):
        return f"data.object.currency: {str(code)[:10]!r} is not a known currency"
    created = obj.get("created")
    if created is not None and (isinstance(created, bool) or not isinstance(created, int)
                                or not 0 < created <= LATEST_UNIX_TIME):
        return "data.object.created: must be a Unix time in seconds"
    return _metadata_problem(obj.get("metadata"))


def _metadata_problem(metadata: object) -> str:
    if metadata is None:
        return ""
    if not isinstance(metadata, dict):
        return "data.object.metadata: must be an object"
    for key, limit in METADATA_FIELDS.items():
        value = metadata.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            return f"data.object.metadata.{key}: must be text of at most {limit} characters"
    return ""


def refuse(session: Session, provider: str, event: object, body: bytes, reason: str, now: datetime, *,
           status: int = 422) -> ApiError:
    """Keep the refused event for an administrator; the error to answer with."""
    event_id = event.get("id") if isinstance(event, dict) else None
    session.add(RefusedWebhook(provider=provider, received_at=now, reason=reason,
                               event_id=event_id[:MAX_EVENT_ID] if isinstance(event_id, str) else "",
                               body=body[:KEEP_BODY].decode("utf-8", "replace")))
    return ApiError(status, "bad_event", reason)
