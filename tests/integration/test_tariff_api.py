"""The central service's read-only tariffs, over real HTTP on PostgreSQL: listing, versions, and
quotes equal to the desktop's `utilitydesk tariff quote` for the same input; refusals are
401, 403, 404 and 422, never 500."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import httpx
import pytest

from app.cli import main
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    RateType,
    SlabRow,
    TariffVersion,
    Unit,
    Utility,
    slabs_from_rows,
)
from app.models.tariffs import Tariff
from app.models.tariffs import TariffVersion as VersionRecord
from app.services.core.serialize import row_to_dict
from tests.tariff_fixtures import actor, dollar_utility, standard_residential

pytestmark = [pytest.mark.postgres]


def telescopic() -> TariffVersion:
    """Five blocks with 6-decimal rates, a per-kW charge and a percentage tax."""
    rows = [SlabRow(D(0), D(100), D("0.081234")), SlabRow(D(101), D(300), D("0.104567")),
            SlabRow(D(301), D(500), D("0.127891")), SlabRow(D(501), D(1000), D("0.150012")),
            SlabRow(D(1001), None, D("0.180005"))]
    return TariffVersion("Home Blocks", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, "USD",
                         date(2025, 1, 1), slabs=slabs_from_rows(rows),
                         charges=(Charge(ChargeKind.PER_KW, "Demand", rate=D("2.50")),
                                  Charge(ChargeKind.PERCENTAGE, "State tax", percent=D("6.25"))))


@pytest.fixture
def published(server, runtime, services):
    """Two tariffs published on a desktop, copied to the central database as sync would."""
    dollar_utility(services, runtime)
    manager = actor(runtime, "manager")
    services.tariffs.create(manager, standard_residential(), categories=["Residential"])
    services.tariffs.create(manager, telescopic())
    with runtime.app.sessions() as desk:
        rows = [row_to_dict(r) for r in desk.query(Tariff).all()], \
               [row_to_dict(r) for r in desk.query(VersionRecord).all()]
    with server.central.sessions() as session, session.begin():
        session.add_all(Tariff(**_columns(Tariff, row)) for row in rows[0])
        session.flush()
        session.add_all(VersionRecord(**_columns(VersionRecord, row)) for row in rows[1])
    runtime.close()
    return runtime.paths.root


def _columns(cls, payload: dict) -> dict:
    from sync.records import column_values

    return column_values(cls, payload)


def client(server, username: str | None = "manager") -> httpx.Client:
    token = server.login(username) if username else None
    return httpx.Client(base_url=server.url, timeout=30,
                        headers={"Authorization": f"Bearer {token}"} if token else {})


def desktop_quote(folder, capsys, *args: str) -> dict:
    assert main(["--data-dir", str(folder), "tariff", "quote", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_lists_tariffs_and_versions(server, published):
    with client(server) as http:
        listing = http.get("/v1/tariffs")
        assert listing.status_code == 200
        names = {t["name"]: t for t in listing.json()["tariffs"]}
        assert set(names) == {"Standard Residential Electricity", "Home Blocks"}
        flat = names["Standard Residential Electricity"]
        assert (flat["utility"], flat["rate_type"], flat["unit"], flat["current_version"],
                flat["consumer_categories"]) == ("electricity", "flat", "kWh", 1, ["Residential"])
        by_name = http.get("/v1/tariffs/home blocks")
        by_id = http.get(f"/v1/tariffs/{names['Home Blocks']['id']}")
        assert by_name.status_code == by_id.status_code == 200 and by_name.json() == by_id.json()
        [version] = by_name.json()["versions"]
        assert (version["version"], version["valid_from"]) == (1, "2025-01-01")


def test_the_quote_equals_the_desktop_quote(server, published, capsys):
    body = {"period_start": "2025-03-16", "period_end": "2025-04-15", "units": "1234.5",
            "demand_kw": "7.5"}
    with client(server) as http:
        answer = http.post("/v1/tariffs/Home Blocks/quote", json=body)
        flat = http.post("/v1/tariffs/standard residential electricity/quote",
                         json={"period_start": "2025-04-01", "period_end": "2025-04-30", "units": 100})
    assert answer.status_code == 200, answer.text
    assert answer.json() == desktop_quote(published, capsys, "--tariff", "Home Blocks", "--from", "2025-03-16",
                                          "--to", "2025-04-15", "--units", "1234.5", "--load-kw", "7.5")
    assert flat.json()["total"] == "12.00"  # the spec's sample: 100 units on the flat tariff


def test_refusals_are_401_403_404_and_422_never_500(server, published):
    good = {"period_start": "2025-04-01", "period_end": "2025-04-30", "units": "100"}
    with client(server, None) as anonymous:
        assert anonymous.get("/v1/tariffs").status_code == 401
        assert anonymous.post("/v1/tariffs/Home Blocks/quote", json=good).status_code == 401
    with client(server, "recovery") as no_tariffs:
        assert no_tariffs.get("/v1/tariffs").status_code == 403
    with client(server) as http:
        assert http.get("/v1/tariffs/No Such Tariff").json()["kind"] == "not_found"
        assert http.post("/v1/tariffs/nope/quote", json=good).status_code == 404
        bad = [good | {"units": "1e400"}, good | {"units": "-5"}, good | {"units": "abc"},
               good | {"units": "0.1234567"}, good | {"demand_kw": "9" * 40},
               good | {"period_end": "2025-03-01"}, good | {"period_start": "0001-01-01"},
               good | {"period_end": "9999-12-31"}, {k: v for k, v in good.items() if k != "units"},
               good | {"units_by_period": {"peak": "5"}}, good | {"extra": 1}, [1, 2], "x" * 10]
        for body in bad:
            response = http.post("/v1/tariffs/Home Blocks/quote", json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["kind"] == "invalid_request"
        before = http.post("/v1/tariffs/Home Blocks/quote",
                           json=good | {"period_start": "2024-01-01", "period_end": "2024-01-31"})
        assert before.status_code == 422 and "2024-01-01" in before.json()["message"]


def test_the_openapi_documents_every_tariff_response(server):
    with httpx.Client(base_url=server.url) as http:
        paths = http.get("/openapi.json").json()["paths"]
    assert set(paths["/v1/tariffs/{code}/quote"]["post"]["responses"]) == {
        "200", "400", "401", "403", "404", "422"}
    assert set(paths["/v1/tariffs"]["get"]["responses"]) == {"200", "400", "401", "403", "422"}
    assert paths["/v1/tariffs/{code}"]["get"]["security"] == [{"token": []}]
