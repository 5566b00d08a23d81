"""Tokens, devices, roles, protocol version and clock: every endpoint refuses what it must."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.core.clock import FixedClock, SystemClock
from app.domain.core.errors import SyncError
from app.models.central import AuthToken
from app.models.users import User
from sync import local
from sync.server.auth import hash_secret, issue_token
from tests.sync_helpers import enrolled_desktop, open_desktop

pytestmark = pytest.mark.postgres

# (method, path, json body) of every endpoint that needs a token.
ENDPOINTS = [
    ("GET", "/v1/hello", None),
    ("POST", "/v1/push", {"operations": []}),
    ("GET", "/v1/changes?cursor=x:0:0", None),
    ("GET", "/v1/bootstrap", None),
    ("GET", "/v1/bootstrap/consumers", None),
    ("POST", "/v1/leases", {"series": "receipt"}),
    ("POST", "/v1/enrolment-codes", {"centre_code": "CSC"}),
    ("POST", "/v1/devices/nobody/revoke", None),
    ("POST", "/v1/auth/logout", None),
]


@pytest.fixture
def desktop(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    yield desk
    desk.close()


def call(server, token, method, path, body):
    with server.client(token) as http:
        return http.request(method, path, json=body)


def stored_token(server, username: str, device_id: str | None, expires_in: timedelta) -> str:
    with server.central.sessions() as session, session.begin():
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        now = server.central.now()
        token, _ = issue_token(session, user, device_id, now - timedelta(hours=1), expires_in)
    return token


def test_every_endpoint_refuses_missing_expired_and_revoked_tokens(server, desktop):
    device_id = desktop.runtime.app.device_id
    expired = stored_token(server, "admin", device_id, timedelta(minutes=30))
    revoked = stored_token(server, "admin", device_id, timedelta(hours=5))
    with server.central.sessions() as session, session.begin():
        session.get(AuthToken, hash_secret(revoked)).revoked_at = server.central.now()
    for method, path, body in ENDPOINTS:
        assert call(server, None, method, path, body).json()["kind"] == "unauthenticated", path
        assert call(server, "made-up", method, path, body).status_code == 401, path
        assert call(server, expired, method, path, body).json()["kind"] == "token_expired", path
        assert call(server, revoked, method, path, body).json()["kind"] == "token_revoked", path


def test_wrong_role_is_refused(server, desktop):
    for method, path, body in [("POST", "/v1/enrolment-codes", {"centre_code": "CSC"}),
                               ("POST", "/v1/devices/nobody/revoke", None),
                               ("POST", "/v1/leases", {"series": "invoice"})]:
        response = call(server, desktop.agent.credentials.token, method, path, body)
        assert response.status_code == 403, path
        assert "Customer Service Executive" in response.json()["message"]


def test_sync_endpoints_need_a_token_of_an_enrolled_desktop(server):
    token = server.login("cashier")
    for path in ("/v1/hello", "/v1/changes?cursor=x:0:0", "/v1/bootstrap"):
        assert call(server, token, "GET", path, None).json()["kind"] == "device_required", path
    assert call(server, token, "POST", "/v1/push", {"operations": []}).json()["kind"] == "device_required"


def test_pushed_operations_are_checked_against_the_role(server, desktop):
    desktop.agent.sync_once()
    operation = {"seq": 1, "entity": "tariffs", "entity_id": "t-1", "operation": "insert",
                 "payload": {"id": "t-1", "name": "Flat", "utility": "Electricity", "rate_type": "Flat",
                             "unit": "kWh"}}
    answer = call(server, desktop.agent.credentials.token, "POST", "/v1/push", {"operations": [operation]})
    (result,) = answer.json()["results"]
    assert result["status"] == "rejected" and "may not insert tariffs" in result["reason"]


def test_revoked_device_is_refused(server, desktop):
    with server.client(server.login("admin")) as http:
        assert http.post(f"/v1/devices/{desktop.runtime.app.device_id}/revoke").status_code == 204
    with pytest.raises(SyncError) as refused:
        desktop.agent.sync_once()
    assert refused.value.kind == "device_revoked"
    with pytest.raises(SyncError) as refused:
        desktop.agent.login("cashier", "secret-pass")
    assert refused.value.kind == "device_unknown"


def test_user_of_another_centre_cannot_log_in_on_this_desktop(server, desktop):
    with pytest.raises(SyncError) as refused:
        desktop.agent.login("north_cashier", "secret-pass")
    assert refused.value.kind == "wrong_centre"


def test_enrolment_code_works_once(server, tmp_path):
    code = server.enrolment_code()
    first, second = open_desktop(tmp_path / "a", server.url), open_desktop(tmp_path / "b", server.url)
    try:
        enrolled = first.agent.enrol(code)
        assert enrolled.zone_ids == [server.world.zone_id]
        assert (enrolled.centre_name, enrolled.centre_code) == ("Central", "CSC")  # for the enrolment message
        with pytest.raises(SyncError) as refused:
            second.agent.enrol(code)
        assert refused.value.kind == "enrolment_refused"
    finally:
        first.close()
        second.close()


def test_old_protocol_version_is_refused_with_a_clear_message(server, desktop):
    for version in (None, "0"):
        headers = {} if version is None else {"X-UtilityDesk-Protocol": version}
        with server.client(desktop.agent.credentials.token) as http:
            if version is None:
                del http.headers["X-UtilityDesk-Protocol"]
            response = http.get("/v1/hello", headers=headers)
        assert response.status_code == 426
        assert "Update UtilityDesk" in response.json()["message"]


def test_clock_skew_over_five_minutes_is_refused(server, tmp_path):
    skewed = FixedClock(SystemClock().now() + timedelta(minutes=7))
    desk = enrolled_desktop(server, tmp_path / "desk", clock=skewed)
    try:
        with pytest.raises(SyncError) as refused:
            desk.agent.sync_once()
        assert refused.value.kind == "clock_skew"
        assert "minutes ahead of the central service" in refused.value.message
        with desk.runtime.app.sessions() as session:
            assert local.get_state(session, local.CURSOR) == ""  # nothing was synced
    finally:
        desk.close()


def test_logout_revokes_the_token(server, desktop):
    desktop.agent.sync_once()
    token = desktop.agent.credentials.token
    desktop.agent.logout()
    assert desktop.agent.credentials.token is None
    assert call(server, token, "GET", "/v1/hello", None).json()["kind"] == "token_revoked"
