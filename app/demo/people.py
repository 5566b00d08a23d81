"""Names, addresses, phones and e-mails of the demo's consumers, drawn from realistic pools."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Aarav", "Aditi", "Aditya", "Akash", "Ananya", "Anil", "Anita", "Anjali", "Arjun", "Arun",
    "Asha", "Bhavna", "Chetan", "Deepa", "Deepak", "Divya", "Farhan", "Gaurav", "Geeta", "Harish",
    "Imran", "Isha", "Jaya", "Karan", "Kavita", "Kiran", "Lakshmi", "Manoj", "Meena", "Mohan",
    "Nandini", "Naveen", "Neha", "Nikhil", "Pallavi", "Pooja", "Prakash", "Priya", "Rahul", "Rajesh",
    "Ramesh", "Rekha", "Ritu", "Rohit", "Sandeep", "Sangeeta", "Sanjay", "Shalini", "Shreya", "Sneha",
    "Sunil", "Sunita", "Suresh", "Swati", "Tanvi", "Usha", "Varun", "Vidya", "Vijay", "Vikram",
    "Vinod", "Yash", "Zoya", "Abdul", "Ayesha", "Joseph", "Mary", "Thomas", "Anthony", "Grace",
    "Harpreet", "Gurpreet", "Manpreet", "Naresh", "Lalitha", "Venkatesh", "Srinivas", "Padma",
    "Girish", "Keerthi",
)
LAST_NAMES = (
    "Sharma", "Verma", "Gupta", "Iyer", "Nair", "Reddy", "Rao", "Patel", "Shah", "Mehta",
    "Joshi", "Kulkarni", "Deshpande", "Menon", "Pillai", "Das", "Banerjee", "Chatterjee", "Mukherjee",
    "Singh", "Kaur", "Gill", "Khan", "Ahmed", "Qureshi", "D'Souza", "Fernandes", "Pereira", "Thomas",
    "Kumar", "Yadav", "Mishra", "Pandey", "Tiwari", "Saxena", "Agarwal", "Jain", "Bhat", "Hegde",
    "Shetty", "Gowda", "Naidu", "Chowdhury", "Bose", "Sen", "Malhotra", "Kapoor", "Chopra", "Bhatia",
    "Krishnan", "Subramanian", "Raghavan", "Venkatesan", "Murthy", "Prasad", "Acharya", "Kamath",
    "Patil", "Pawar", "Desai",
)
BUSINESS_WORDS = (
    "Lakshmi", "Ganesh", "Sai", "Balaji", "Annapurna", "Sri Krishna", "Venkateshwara", "Mahalakshmi",
    "Sunrise", "Royal", "Green Leaf", "Silver Oak", "Blue Lotus", "Golden", "Star", "Metro",
    "City", "National", "United", "Apex", "Vishal", "Pragati", "Navya", "Om Sai", "Shree",
)
SHOP_KINDS = ("Traders", "Stores", "Medicals", "Bakery", "Textiles", "Enterprises", "Provision Stores",
              "Hardware", "Sweets", "Opticals", "Electronics", "Tailors")
RETAIL_KINDS = ("Supermarket", "Fashion", "Mobiles", "Jewellers", "Furniture", "Home Needs", "Footwear")
OFFICE_KINDS = ("Technologies Pvt Ltd", "Associates", "Consultants LLP", "Infotech", "Chartered Accountants",
                "Realty", "Insurance Services", "Software Solutions")
INDUSTRY_KINDS = ("Industries Pvt Ltd", "Polymers", "Engineering Works", "Foods Pvt Ltd", "Castings",
                  "Garments", "Packaging", "Pharma Ltd", "Steel Fabricators", "Auto Components")
STREETS = ("MG Road", "Station Road", "Temple Street", "Church Road", "Market Road", "Lake View Road",
           "Park Avenue", "Nehru Street", "Gandhi Bazaar Main Road", "Hospital Road", "School Road",
           "1st Main Road", "2nd Cross Road", "3rd Main Road", "4th Cross Road", "5th Main Road",
           "Ring Road", "Old Airport Road", "Industrial Area Road", "100 Feet Road")
APARTMENTS = ("Sunrise Residency", "Green Meadows", "Lake Vista", "Palm Grove Apartments", "Silver Springs",
              "Orchid Enclave", "Maple Heights", "Skyline Towers")
# zone code -> localities with their PIN codes
LOCALITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "NZ": (("Malleshwaram", "560003"), ("Rajajinagar", "560010"), ("Hebbal", "560024"),
          ("Yelahanka", "560064"), ("RT Nagar", "560032")),
    "SZ": (("Jayanagar", "560041"), ("BTM Layout", "560076"), ("JP Nagar", "560078"),
          ("Banashankari", "560050"), ("Basavanagudi", "560004")),
    "EZ": (("Indiranagar", "560038"), ("Whitefield", "560066"), ("KR Puram", "560036"),
          ("Marathahalli", "560037"), ("HAL 2nd Stage", "560008")),
    "WZ": (("Vijayanagar", "560040"), ("Rajarajeshwari Nagar", "560098"), ("Kengeri", "560060"),
          ("Nagarbhavi", "560072"), ("Peenya", "560058")),
}
CITY = "Bengaluru"
MAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    phone: str
    email: str
    address: str


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def business_name(rng: random.Random, category: str, sub_category: str) -> str:
    word = rng.choice(BUSINESS_WORDS)
    if category == "Industrial":
        return f"{word} {rng.choice(INDUSTRY_KINDS)}"
    kinds = {"Retail": RETAIL_KINDS, "Office": OFFICE_KINDS}.get(sub_category, SHOP_KINDS)
    return f"{word} {rng.choice(kinds)}"


def phone_number(rng: random.Random) -> str:
    """An Indian mobile number as people write it: 98450 12345."""
    return f"+91 {rng.choice('6789')}{rng.randrange(1000, 10000)} {rng.randrange(10000, 100000)}"


def address(rng: random.Random, zone_code: str, sub_category: str) -> str:
    locality, pin = rng.choice(LOCALITIES[zone_code])
    street = rng.choice(STREETS)
    if sub_category == "Apartment":
        flat = f"Flat {rng.randrange(1, 15)}{rng.randrange(1, 9):02d}, {rng.choice(APARTMENTS)}"
        return f"{flat}, {street}, {locality}, {CITY} {pin}"
    if sub_category in ("Light", "Heavy"):
        return f"Plot {rng.randrange(1, 400)}, {locality} Industrial Area, {CITY} {pin}"
    return f"No. {rng.randrange(1, 800)}, {street}, {locality}, {CITY} {pin}"


def slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace(" ", ".") if ch.isalnum() or ch == ".").strip(".")


def make_person(rng: random.Random, serial: int, category: str, sub_category: str,
                zone_code: str) -> Person:
    """A consumer's contact details; `serial` keeps e-mail addresses unique."""
    if category == "Residential":
        first, last = person_name(rng)
        name = f"{first} {last}"
        email = f"{slug(first)}.{slug(last)}{serial}@{rng.choice(MAIL_DOMAINS)}"
    else:
        name = business_name(rng, category, sub_category)
        email = f"accounts{serial}@{slug(name.split(' Pvt')[0])}.example.com"
    return Person(name, phone_number(rng), email, address(rng, zone_code, sub_category))
