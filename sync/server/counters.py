"""A counter is a device: only the desktop that owns a counter opens cash sessions there or claims it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models.reference import Counter
from sync.protocol import Operation
from sync.server.auth import Caller


def ownership_problem(session: Session, caller: Caller, op: Operation, values: dict) -> str:
    """Empty when the pushing device may write this counter or open this session; otherwise why not."""
    device = caller.device_id
    if op.entity == "counters":
        current = session.get(Counter, op.entity_id)
        owner = current.device_id if current is not None else None
        if owner is not None and owner != device:
            return f"Counter {current.name} belongs to another desktop"
        claimed = values.get("device_id")
        if claimed is not None and claimed != device:
            return "device_id: a desktop may claim a counter only for itself"
    if op.entity == "cash_sessions" and op.operation == "insert":
        counter = session.get(Counter, str(values.get("counter_id")))
        if counter is not None and counter.device_id is not None and counter.device_id != device:
            return f"Counter {counter.name} belongs to another desktop: its cash sessions are opened there"
    return ""
