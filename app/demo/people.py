"""Names, addresses, phones and e-mails of the demo's consumers, drawn from its region's pools."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.demo.regions import Region

MAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    phone: str
    email: str
    address: str


def business_name(rng: random.Random, region: Region, category: str, sub_category: str) -> str:
    word = rng.choice(region.business_words)
    if category == "Industrial":
        return f"{word} {rng.choice(region.industry_kinds)}"
    kinds = {"Retail": region.retail_kinds, "Office": region.office_kinds}.get(
        sub_category, region.shop_kinds)
    return f"{word} {rng.choice(kinds)}"


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", ".") if ch.isalnum() or ch == ".").strip(".")


def make_person(rng: random.Random, region: Region, serial: int, category: str, sub_category: str,
                zone_code: str) -> Person:
    """A consumer's contact details; `serial` keeps e-mail addresses unique."""
    if category == "Residential":
        first, last = rng.choice(region.first_names), rng.choice(region.last_names)
        name = f"{first} {last}"
        email = f"{slug(first)}.{slug(last)}{serial}@{rng.choice(MAIL_DOMAINS)}"
    else:
        name = business_name(rng, region, category, sub_category)
        company = name.split(" Pvt")[0].split(" Inc")[0].split(" LLC")[0]
        email = f"accounts{serial}@{slug(company)}.example.com"
    return Person(name, region.phone_number(rng), email, region.address(rng, zone_code, sub_category))
