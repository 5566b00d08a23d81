"""JSON-safe, canonical forms of rows and values (audit hashes, outbox payloads)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum


def json_safe(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return value


def canonical_json(value: object) -> str:
    return json.dumps(json_safe(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_to_dict(row: object) -> dict[str, object]:
    """Every mapped column of a row, JSON-safe."""
    # Imported here: the audit chain's hashing (canonical_json) runs without SQLAlchemy.
    from sqlalchemy import inspect

    mapper = inspect(row).mapper
    return {attr.key: json_safe(getattr(row, attr.key)) for attr in mapper.column_attrs}
