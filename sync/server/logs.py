"""Structured logs: one JSON object per line, for the service and for uvicorn."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Fields passed with extra={...} become top-level keys.
        body |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str, ensure_ascii=False)


def log_config(level: str = "INFO") -> dict:
    """A logging.config dict that uvicorn applies in every worker process."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "sync.server.logs.JsonFormatter"}},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": level, "propagate": False},
            # Our middleware writes one richer line per request instead.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "utilitydesk": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }
