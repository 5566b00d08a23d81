"""The central service's configuration, from arguments or the environment (for worker processes)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from app.domain.core.clock import Clock, SystemClock

ENV_DATABASE_URL = "UTILITYDESK_DATABASE_URL"
ENV_TOKEN_TTL_HOURS = "UTILITYDESK_TOKEN_TTL_HOURS"
ENV_STRIPE_SECRET = "UTILITYDESK_STRIPE_WEBHOOK_SECRET"
ENV_POOL_SIZE = "UTILITYDESK_DB_POOL_SIZE"
ENV_SMTP_URL = "UTILITYDESK_SMTP_URL"
ENV_METRICS_TOKEN = "UTILITYDESK_METRICS_TOKEN"
ENV_RUN_CHUNK = "UTILITYDESK_RUN_CHUNK_ACCOUNTS"


@dataclass(frozen=True)
class ServerConfig:
    database_url: str
    token_ttl: timedelta = timedelta(hours=12)
    stripe_webhook_secret: str = ""
    webhook_tolerance: timedelta = timedelta(seconds=300)
    pool_size: int = 10
    smtp_url: str = ""  # empty: no mailer in this process
    mailer_interval: float = 30.0
    metrics_token: str = ""  # empty: only administrators' tokens may read /metrics
    run_chunk_accounts: int = 500  # accounts per job of a central bill run
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def from_env(cls) -> ServerConfig:
        url = os.environ.get(ENV_DATABASE_URL)
        if not url:
            raise RuntimeError(f"{ENV_DATABASE_URL} is not set: the service needs its database")
        return cls(
            database_url=url,
            token_ttl=timedelta(hours=float(os.environ.get(ENV_TOKEN_TTL_HOURS, "12"))),
            stripe_webhook_secret=os.environ.get(ENV_STRIPE_SECRET, ""),
            pool_size=int(os.environ.get(ENV_POOL_SIZE, "10")),
            smtp_url=os.environ.get(ENV_SMTP_URL, ""),
            metrics_token=os.environ.get(ENV_METRICS_TOKEN, ""),
            run_chunk_accounts=int(os.environ.get(ENV_RUN_CHUNK, "500")),
        )

    def to_env(self) -> dict[str, str]:
        """What a worker process needs to rebuild this configuration."""
        return {
            ENV_DATABASE_URL: self.database_url,
            ENV_TOKEN_TTL_HOURS: str(self.token_ttl.total_seconds() / 3600),
            ENV_STRIPE_SECRET: self.stripe_webhook_secret,
            ENV_POOL_SIZE: str(self.pool_size),
            ENV_SMTP_URL: self.smtp_url,
            ENV_METRICS_TOKEN: self.metrics_token,
            ENV_RUN_CHUNK: str(self.run_chunk_accounts),
        }
