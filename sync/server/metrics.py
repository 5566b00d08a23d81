"""Prometheus counters and latency histograms, through prometheus-client.

With several uvicorn workers the `server` command sets PROMETHEUS_MULTIPROC_DIR before any
worker starts: each worker then writes its values to files there, and a scrape of any worker
adds up every worker's values (prometheus-client's multiprocess mode). In one process (tests,
a single worker) each app keeps its own registry.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# name (without _total) -> (help, label names)
COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "utilitydesk_push_operations": ("Pushed operations by result", ("result",)),
    "utilitydesk_push_batches": ("Push requests handled", ()),
    "utilitydesk_pull_requests": ("Pull requests handled", ()),
    "utilitydesk_pull_changes": ("Change-log rows handed out", ()),
    "utilitydesk_conflicts": ("Stale writes refused", ()),
    "utilitydesk_rejections": ("Operations rejected", ()),
    "utilitydesk_lease_grants": ("Number blocks leased", ("series",)),
    "utilitydesk_webhook_events": ("Payment gateway events by outcome", ("outcome",)),
    "utilitydesk_unhandled_errors": ("Requests that ended in an unhandled error (500)", ("route",)),
}
HISTOGRAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "utilitydesk_http_request_duration_seconds": ("Request latency by route", ("method", "route")),
}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._counters = {f"{name}_total": Counter(name, text, labels, registry=self.registry)
                          for name, (text, labels) in COUNTERS.items()}
        self._histograms = {name: Histogram(name, text, labels, buckets=BUCKETS, registry=self.registry)
                            for name, (text, labels) in HISTOGRAMS.items()}

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        counter = self._counters[name]
        (counter.labels(**labels) if labels else counter).inc(amount)

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        histogram = self._histograms[name]
        (histogram.labels(**labels) if labels else histogram).observe(seconds)

    def render(self) -> str:
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry).decode("utf-8")
        return generate_latest(self.registry).decode("utf-8")
