"""The `utilitydesk server` and `utilitydesk sync` commands end to end, with 2 uvicorn workers."""

from __future__ import annotations

import json

import httpx
import pytest

from app.cli import main
from sync.server.main import run as _server_main  # noqa: F401 - the command must import cleanly
from tests.factories import PASSWORD
from tests.sync_helpers import memory_keyring, prepare_central, server_process

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_server_command_serves_health_ready_metrics_openapi_and_json_logs(pg_url, tmp_path, capsys):
    prepare_central(pg_url)
    log_file = tmp_path / "server.log"
    assert main(["server", "--database-url", pg_url, "--enrolment-code", "CSC"]) == 0
    code = capsys.readouterr().out.split(": ")[1].split()[0]
    scrape = {"Authorization": "Bearer scrape-secret"}
    with memory_keyring(), server_process(pg_url, workers=2, log_file=log_file, log_level="INFO",
                                          extra_env={"UTILITYDESK_METRICS_TOKEN": "scrape-secret"}) as url:
        assert httpx.get(f"{url}/ready").json()["status"] == "ready"
        paths = httpx.get(f"{url}/openapi.json").json()["paths"]
        assert {"/v1/push", "/v1/changes", "/v1/leases", "/v1/webhooks/stripe"} <= set(paths)
        data_dir = tmp_path / "desk"
        assert main(["--data-dir", str(data_dir), "sync", "--server", url, "--username", "cashier",
                     "--password", PASSWORD, "--enrolment-code", code]) == 0
        out = capsys.readouterr().out
        assert "consumers 3 rows" in out
        assert "Enrolled device D" in out and " in centre Central (CSC)\n" in out  # the name, not a UUID
        assert f'server_url = "{url}"' in (data_dir / "config.toml").read_text()
        assert httpx.get(f"{url}/metrics").status_code == 401
        # Whichever worker answers, a scrape adds up both workers' counters.
        scrapes = {_lease_grants(httpx.get(f"{url}/metrics", headers=scrape).text) for _ in range(6)}
        assert len(scrapes) == 1 and scrapes.pop() >= 1
        assert "utilitydesk_http_request_duration_seconds_bucket" in httpx.get(f"{url}/metrics", headers=scrape).text
        assert httpx.get(f"{url}/v1/hello").status_code == 426
    lines = [line for line in log_file.read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert any(r["message"] == "request" and r["path"] == "/v1/bootstrap" and "duration_ms" in r for r in records)


def _lease_grants(text: str) -> float:
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("utilitydesk_lease_grants_total"))
