"""The demo's consumers: profiles, service accounts, meters and what their history needs."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.demo.bulk import BulkWriter, DemoIds
from app.demo.people import make_person
from app.demo.plans import PlanBook
from app.demo.reference import ZONES, Reference, ZoneDef
from app.demo.tariffs import TariffBook
from app.models.consumers import Consumer, Meter, ServiceAccount

FIRST_ACCOUNT = 10001  # WU-10001 is the payments spec's John Doe
CATEGORY_WEIGHTS = (("Residential", 85), ("Commercial", 12), ("Industrial", 3))
SUB_WEIGHTS = {
    "Residential": (("Single Family", 45), ("Apartment", 35), ("Standard", 20)),
    "Commercial": (("Small Business", 50), ("Retail", 30), ("Office", 20)),
    "Industrial": (("Light", 70), ("Heavy", 30)),
}
# payment behaviour: share of consumers
PROFILES = (("good", 82), ("late", 10), ("partial", 5), ("delinquent", 3))
# median monthly units per (category, utility), and spread (sigma of the log)
MEDIAN_UNITS = {
    ("Residential", "electricity"): (650, 0.45), ("Commercial", "electricity"): (2400, 0.6),
    ("Industrial", "electricity"): (24000, 0.5), ("Residential", "water"): (18, 0.4),
    ("Commercial", "water"): (320, 0.7), ("Industrial", "water"): (1500, 0.5),
    ("Residential", "gas"): (35, 0.4), ("Commercial", "gas"): (260, 0.5), ("Industrial", "gas"): (4000, 0.5),
}
DEPOSITS = {"Residential": ("200.00", "300.00", "500.00"), "Commercial": ("2000.00", "5000.00"),
            "Industrial": ("25000.00",)}
UNIT_CAPS = {"electricity": (40, 250_000), "water": (2, 20_000), "gas": (3, 60_000)}


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    total = sum(weight for _, weight in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


@dataclass(slots=True)
class DemoAccount:
    id: str
    account_no: str
    utility: str
    group: str  # billing group: which tariffs rate it (tariffs.TIMELINES)
    meter_id: str
    connected_on: date
    base_units: float
    load_kw: int | None = None
    tou: bool = False
    step: int = 1  # a CT meter's multiplying factor: its consumption moves in steps of 10
    readings: list[int] = field(default_factory=list)  # per register; empty until first read


@dataclass(slots=True)
class DemoConsumer:
    index: int
    id: str
    account_no: str
    name: str
    category: str
    sub_category: str
    zone: ZoneDef
    status: str
    vip: bool
    registered_on: date
    profile: str
    route_offset: int  # days after the zone's read day that this consumer's meters are read
    accounts: list[DemoAccount]
    email: str = ""
    disconnected_on: date | None = None
    stop_paying_from: date | None = None
    deposit: tuple[str, Decimal, bool] | None = None  # id, amount, use in bill
    # the running account, kept by the history
    open_items: list[list] = field(default_factory=list)  # [kind, id, remaining, due, label]
    credits: list[list] = field(default_factory=list)  # unapplied credit notes [id, remaining]
    bills_issued: int = 0
    last_payment: tuple[date, Decimal, str] | None = None


@dataclass(frozen=True, slots=True)
class Population:
    consumers: list[DemoConsumer]
    history_start: date
    today: date


def generate_consumers(writer: BulkWriter, ids: DemoIds, rng: random.Random, ref: Reference,
                       tariffs: TariffBook, plans: PlanBook, count: int, history_start: date,
                       today: date) -> Population:
    consumers = []
    serials = {"meter": 0}
    for index in range(count):
        consumer = _consumer(rng, ids, index, history_start, today)
        _write_consumer(writer, ref, rng, consumer)
        _accounts(writer, ids, rng, ref, tariffs, plans, consumer, serials)
        consumers.append(consumer)
    return Population(consumers, history_start, today)


def _consumer(rng: random.Random, ids: DemoIds, index: int, history_start: date, today: date) -> DemoConsumer:
    category = weighted(rng, CATEGORY_WEIGHTS)
    sub = weighted(rng, SUB_WEIGHTS[category])
    zone = ZONES[rng.randrange(len(ZONES))]
    if rng.random() < 0.8:
        registered = date(2012, 1, 1) + timedelta(days=rng.randrange(max(1, (history_start - date(2012, 1, 1)).days)))
    else:
        span = max(1, (today - timedelta(days=20) - history_start).days)
        registered = history_start + timedelta(days=rng.randrange(span))
    vip = rng.random() < 0.02
    profile = "good" if vip else weighted(rng, PROFILES)
    consumer = DemoConsumer(
        index=index, id=ids.new("consumers"), account_no=f"WU-{FIRST_ACCOUNT + 1 + index}", name="",
        category=category, sub_category=sub, zone=zone, status="Active", vip=vip,
        registered_on=registered, profile=profile, route_offset=rng.randrange(9), accounts=[],
    )
    _inactive_or_delinquent(rng, consumer, history_start, today)
    if rng.random() < 0.85:
        amount = rng.choice(DEPOSITS[category])
        consumer.deposit = (ids.new("security_deposits"), Decimal(amount), rng.random() < 0.35)
    return consumer


def _inactive_or_delinquent(rng: random.Random, consumer: DemoConsumer, history_start: date, today: date) -> None:
    first = max(consumer.registered_on, history_start) + timedelta(days=75)
    last = today - timedelta(days=12)
    if rng.random() < 0.03 and first < last:
        consumer.status = "Inactive"
        consumer.disconnected_on = first + timedelta(days=rng.randrange((last - first).days))
        if rng.random() < 0.5:
            consumer.profile = "delinquent"
    if consumer.profile == "delinquent":
        end = consumer.disconnected_on or today
        start = max(consumer.registered_on, history_start)
        window = max(1, (end - start).days - 90)
        consumer.stop_paying_from = start + timedelta(days=rng.randrange(window))


def _write_consumer(writer: BulkWriter, ref: Reference, rng: random.Random, consumer: DemoConsumer) -> None:
    person = make_person(rng, ref.region, consumer.index + 2, consumer.category, consumer.sub_category,
                         consumer.zone.code)
    consumer.name, consumer.email = person.name, person.email
    billing = person.address if rng.random() < 0.9 else f"PO Box {rng.randrange(100, 9999)}, {ref.region.city}"
    writer.add(Consumer.__table__, {
        "id": consumer.id, "account_no": consumer.account_no, "name": person.name,
        "phone": person.phone, "email": person.email, "category": consumer.category,
        "sub_category": consumer.sub_category, "vip": consumer.vip, "status": consumer.status,
        "service_address": person.address, "billing_address": billing,
        "zone_id": ref.zone_ids[consumer.zone.code], "registered_on": consumer.registered_on,
        "locked_by": None, "locked_until": None,
    })


def _utilities(rng: random.Random, category: str) -> list[str]:
    """Electricity always; a second supply of water or gas for many."""
    water, gas = {"Residential": (0.55, 0.12), "Commercial": (0.7, 0.15), "Industrial": (0.8, 0.4)}[category]
    if rng.random() < water:
        return ["electricity", "water"]
    if rng.random() < gas:
        return ["electricity", "gas"]
    return ["electricity"]


def _group(rng: random.Random, category: str, utility: str) -> str:
    if utility == "electricity":
        if category == "Residential":
            pick = rng.random()
            return "tou" if pick < 0.02 else "res_seasonal" if pick < 0.17 else "res_e"
        return "com_e" if category == "Commercial" else "ind_e"
    if utility == "water":
        return "res_w" if category == "Residential" else "com_w"
    return "ind_g" if category == "Industrial" else "res_g"


def _meter_type(category: str, sub: str, utility: str, tou: bool) -> str:
    if utility == "electricity":
        return "TOU" if tou else "E1" if category == "Residential" or sub == "Small Business" else "E3"
    if utility == "water":
        return "W15" if category == "Residential" or sub == "Small Business" else "W40"
    return "G25" if category == "Industrial" else "G4"


def _plan(plans: PlanBook, category: str, sub: str, utility: str) -> str | None:
    if category == "Residential":
        return plans.ids["prb"]
    if category == "Commercial" and utility == "water":
        return plans.ids["cwp"]
    return None


def _accounts(writer: BulkWriter, ids: DemoIds, rng: random.Random, ref: Reference, tariffs: TariffBook,
              plans: PlanBook, consumer: DemoConsumer, serials: dict[str, int]) -> None:
    for utility in _utilities(rng, consumer.category):
        group = _group(rng, consumer.category, utility)
        median, sigma = MEDIAN_UNITS[(consumer.category, utility)]
        low, high = UNIT_CAPS[utility]
        base = min(high, max(low, median * math.exp(rng.gauss(0, sigma))))
        connected = consumer.registered_on + timedelta(days=rng.randrange(0, 20))
        load = None
        if group == "ind_e":
            load = min((50, 75, 100, 150, 250, 400), key=lambda kw: abs(kw * 240 - base))
        account = DemoAccount(ids.new("service_accounts"), f"{consumer.account_no}-{utility[0].upper()}",
                              utility, group, ids.new("meters"), connected, base, load, group == "tou")
        if _meter_type(consumer.category, consumer.sub_category, utility, account.tou) == "E3":
            account.step = 10
        consumer.accounts.append(account)
        write_account(writer, ref, tariffs, consumer, account,
                      _plan(plans, consumer.category, consumer.sub_category, utility),
                      _sanctioned_load(rng, consumer.category, load) if utility == "electricity" else None,
                      serials)


def _sanctioned_load(rng: random.Random, category: str, load: int | None) -> Decimal:
    if load is not None:
        return Decimal(load)
    choices = (2, 3, 4, 5, 6, 8) if category == "Residential" else (5, 10, 15, 20, 30, 40)
    return Decimal(rng.choice(choices))


def write_account(writer: BulkWriter, ref: Reference, tariffs: TariffBook, consumer: DemoConsumer,
                  account: DemoAccount, plan_id: str | None, load: Decimal | None,
                  serials: dict[str, int]) -> None:
    inactive = consumer.status == "Inactive"
    writer.add(ServiceAccount.__table__, {
        "id": account.id, "consumer_id": consumer.id, "utility": account.utility,
        "account_no": account.account_no, "plan_id": plan_id,
        "tariff_id": tariffs.current_tariff_id(account.group),
        "status": "Disconnected" if inactive else "Active", "sanctioned_load_kw": load,
        "connected_on": account.connected_on,
    })
    serials["meter"] += 1
    serial = serials["meter"]
    prefix = {"electricity": "EM", "water": "WM", "gas": "GM"}[account.utility]
    meter_type = _meter_type(consumer.category, consumer.sub_category, account.utility, account.tou)
    writer.add(Meter.__table__, {
        "id": account.meter_id, "meter_no": f"{prefix}{serial:07d}", "device_no": f"DEV-{serial:08d}",
        "meter_type_id": ref.meter_type_ids[meter_type], "service_account_id": account.id,
        "status": "Uninstalled" if inactive and account.utility == "electricity" else "Installed",
        "installed_on": account.connected_on,
    })
