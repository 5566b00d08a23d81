"""The HTTP contract: authentication before the body, documented refusals, optional cursor,
strict operation fields, who may read /metrics, and unhandled errors in the request log."""

from __future__ import annotations

import logging

import pytest

from tests.sync_helpers import enrolled_desktop

pytestmark = pytest.mark.postgres

OPERATION = {"seq": 1, "entity": "payments", "entity_id": "p-1", "operation": "update", "payload": {"id": "p-1"}}


@pytest.fixture
def desk(server, tmp_path):
    desktop = enrolled_desktop(server, tmp_path / "desk")
    yield desktop
    desktop.close()


def test_a_request_without_a_token_is_refused_before_its_body_is_read(server):
    with server.client() as http:
        response = http.post("/v1/push", json={"operations": "not a list"})
    assert response.status_code == 401 and response.json()["kind"] == "unauthenticated"


def test_pull_without_a_cursor_starts_from_the_beginning(server, desk):
    with server.client(desk.agent.credentials.token) as http:
        response = http.get("/v1/changes")
    assert response.status_code == 200 and response.json()["cursor"]


@pytest.mark.parametrize("cursor", ["x:1:2", "abc", f"e:{10**30}:0", "e:-1:0"])
def test_a_bad_cursor_is_a_400_not_a_500(server, desk, cursor):
    with server.client(desk.agent.credentials.token) as http:
        response = http.get("/v1/changes", params={"cursor": cursor})
    assert response.status_code in (400, 409) and response.json()["kind"] in ("bad_cursor", "epoch_changed")


@pytest.mark.parametrize(("field", "value"), [("base_version", False), ("seq", True), ("base_version", "1")])
def test_flags_and_text_are_not_numbers(server, desk, field, value):
    with server.client(desk.agent.credentials.token) as http:
        response = http.post("/v1/push", json={"operations": [OPERATION | {field: value}]})
    assert response.status_code == 422
    body = response.json()
    assert body["kind"] == "invalid_request" and f"operations.0.{field}" in body["message"]


def test_the_openapi_document_declares_the_scheme_and_every_refusal(server):
    with server.client() as http:
        document = http.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "description": "The token POST /v1/auth/login returned."}
    push = document["paths"]["/v1/push"]["post"]
    assert push["security"] == [{"token": []}]
    for status in ("401", "403", "422", "426"):
        assert push["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"}
    changes = document["paths"]["/v1/changes"]["get"]
    cursor = next(p for p in changes["parameters"] if p["name"] == "cursor")
    assert cursor["required"] is False and {"400", "409"} <= set(changes["responses"])


def test_metrics_are_for_administrators_and_the_scrape_token(server, desk):
    with server.client() as http:
        assert http.get("/metrics").status_code == 401
    with server.client(desk.agent.credentials.token) as http:  # a cashier
        assert http.get("/metrics").status_code == 403
    with server.client(server.login("admin")) as http:
        response = http.get("/metrics")
    assert response.status_code == 200 and "utilitydesk_http_request_duration_seconds_bucket" in response.text


def test_an_unhandled_error_is_logged_with_its_request_and_answered_plainly(server, caplog):
    app = server.server.config.app

    def boom() -> None:
        raise RuntimeError("the disk is on fire")

    app.add_api_route("/v1/boom", boom)
    with caplog.at_level(logging.ERROR, logger="utilitydesk.server"), server.client() as http:
        response = http.get("/v1/boom")
    assert response.status_code == 500 and response.json()["kind"] == "internal_error"
    (record,) = [r for r in caplog.records if r.getMessage() == "request failed"]
    assert record.path == "/v1/boom" and record.status == 500
    assert "the disk is on fire" in caplog.text
