"""Prometheus text-format counters and latency histograms, per process (scrape each worker)."""

from __future__ import annotations

import threading
from collections import defaultdict

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HELP = {
    "utilitydesk_push_operations_total": "Pushed operations by result",
    "utilitydesk_push_batches_total": "Push requests handled",
    "utilitydesk_pull_requests_total": "Pull requests handled",
    "utilitydesk_pull_changes_total": "Change-log rows handed out",
    "utilitydesk_conflicts_total": "Stale writes refused",
    "utilitydesk_rejections_total": "Operations rejected",
    "utilitydesk_lease_grants_total": "Number blocks leased",
    "utilitydesk_webhook_events_total": "Payment gateway events by outcome",
    "utilitydesk_http_request_duration_seconds": "Request latency by route",
}


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, tuple], float] = defaultdict(float)
        self._histograms: dict[tuple[str, tuple], list[float]] = {}

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        with self._lock:
            self._counters[(name, tuple(sorted(labels.items())))] += amount

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            # [count per bucket..., +Inf count, sum]
            slots = self._histograms.setdefault(key, [0.0] * (len(BUCKETS) + 2))
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    slots[index] += 1
            slots[len(BUCKETS)] += 1
            slots[len(BUCKETS) + 1] += seconds

    def render(self) -> str:
        with self._lock:
            counters = dict(self._counters)
            histograms = {key: list(value) for key, value in self._histograms.items()}
        lines: list[str] = []
        for name in sorted({name for name, _ in counters}):
            lines += [f"# HELP {name} {HELP.get(name, name)}", f"# TYPE {name} counter"]
            lines += [f"{name}{_labels(labels)} {value:g}"
                      for (metric, labels), value in sorted(counters.items()) if metric == name]
        for name in sorted({name for name, _ in histograms}):
            lines += [f"# HELP {name} {HELP.get(name, name)}", f"# TYPE {name} histogram"]
            for (metric, labels), slots in sorted(histograms.items()):
                if metric == name:
                    lines += _histogram_lines(name, labels, slots)
        return "\n".join(lines) + "\n"


def _labels(labels: tuple, extra: tuple = ()) -> str:
    pairs = list(labels) + list(extra)
    if not pairs:
        return ""
    body = ",".join(f'{key}="{_escape(str(value))}"' for key, value in pairs)
    return "{" + body + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _histogram_lines(name: str, labels: tuple, slots: list[float]) -> list[str]:
    lines = [f"{name}_bucket{_labels(labels, (('le', repr(bound)),))} {slots[i]:g}"
             for i, bound in enumerate(BUCKETS)]
    lines.append(f"{name}_bucket{_labels(labels, (('le', '+Inf'),))} {slots[len(BUCKETS)]:g}")
    lines.append(f"{name}_count{_labels(labels)} {slots[len(BUCKETS)]:g}")
    lines.append(f"{name}_sum{_labels(labels)} {slots[len(BUCKETS) + 1]:g}")
    return lines
