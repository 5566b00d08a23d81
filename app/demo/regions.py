"""Where a demo utility is: the names, streets, neighbourhoods, phone numbers and payment habits
of its consumers. A dollar demo is a US utility (Springfield, Illinois); a rupee demo is an
Indian one (Bengaluru). Drawn from realistic pools; every address and number is made up."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    country: str  # "US" or "IN": how addresses and phone numbers are written
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    business_words: tuple[str, ...]
    shop_kinds: tuple[str, ...]
    retail_kinds: tuple[str, ...]
    office_kinds: tuple[str, ...]
    industry_kinds: tuple[str, ...]
    streets: tuple[str, ...]
    apartments: tuple[str, ...]
    localities: dict[str, tuple[tuple[str, str], ...]]  # zone code -> (locality, postal code)
    city: str
    centres: tuple[tuple[str, str, str], ...]  # code, name, address
    payment_modes: tuple[str, ...]  # the utility's payments.modes setting
    counter_methods: tuple[str, ...]  # today's live counter payments, in order
    staff: tuple[tuple[str, str], ...] = ()  # (username, full name) where the region's differ

    def phone_number(self, rng: random.Random) -> str:
        if self.country == "US":  # (217) 544-0193, never the fictional 555 exchange
            return f"({rng.choice(('217', '217', '309'))}) {rng.randrange(201, 999)}-{rng.randrange(10_000):04d}"
        return (
            f"+91 {rng.choice('6789')}{rng.randrange(1000, 10000)} {rng.randrange(10000, 100000)}"
        )

    def address(self, rng: random.Random, zone_code: str, sub_category: str) -> str:
        locality, postcode = rng.choice(self.localities[zone_code])
        street = rng.choice(self.streets)
        if self.country == "US":
            return self._us_address(rng, street, locality, postcode, sub_category)
        if sub_category == "Apartment":
            flat = f"Flat {rng.randrange(1, 15)}{rng.randrange(1, 9):02d}, {rng.choice(self.apartments)}"
            return f"{flat}, {street}, {locality}, {self.city} {postcode}"
        if sub_category in ("Light", "Heavy"):
            return (
                f"Plot {rng.randrange(1, 400)}, {locality} Industrial Area, {self.city} {postcode}"
            )
        return f"No. {rng.randrange(1, 800)}, {street}, {locality}, {self.city} {postcode}"

    def _us_address(
        self, rng: random.Random, street: str, locality: str, postcode: str, sub_category: str
    ) -> str:
        del locality  # US addresses name the city, not the neighbourhood
        if sub_category == "Apartment":
            unit = f"Apt {rng.randrange(1, 5)}{'ABCD'[rng.randrange(4)]}"
            return f"{rng.randrange(100, 3000)} {rng.choice(self.apartments)}, {unit}, {self.city} {postcode}"
        if sub_category in ("Light", "Heavy"):
            return f"{rng.randrange(1000, 6000)} Industrial Pkwy, {self.city} {postcode}"
        if sub_category in ("Small Business", "Retail", "Office"):
            return f"{rng.randrange(100, 2500)} {street}, Suite {rng.randrange(1, 30) * 10}, {self.city} {postcode}"
        return f"{rng.randrange(100, 4000)} {street}, {self.city} {postcode}"


BENGALURU = Region(
    country="IN",
    first_names=(
        "Aarav", "Aditi", "Aditya", "Akash", "Ananya", "Anil", "Anita", "Anjali", "Arjun", "Arun",
        "Asha", "Bhavna", "Chetan", "Deepa", "Deepak", "Divya", "Farhan", "Gaurav", "Geeta",
        "Harish", "Imran", "Isha", "Jaya", "Karan", "Kavita", "Kiran", "Lakshmi", "Manoj", "Meena",
        "Mohan", "Nandini", "Naveen", "Neha", "Nikhil", "Pallavi", "Pooja", "Prakash", "Priya",
        "Rahul", "Rajesh", "Ramesh", "Rekha", "Ritu", "Rohit", "Sandeep", "Sangeeta", "Sanjay",
        "Shalini", "Shreya", "Sneha", "Sunil", "Sunita", "Suresh", "Swati", "Tanvi", "Usha",
        "Varun", "Vidya", "Vijay", "Vikram", "Vinod", "Yash", "Zoya", "Abdul", "Ayesha", "Joseph",
        "Mary", "Thomas", "Anthony", "Grace", "Harpreet", "Gurpreet", "Manpreet", "Naresh",
        "Lalitha", "Venkatesh", "Srinivas", "Padma", "Girish", "Keerthi",
    ),
    last_names=(
        "Sharma", "Verma", "Gupta", "Iyer", "Nair", "Reddy", "Rao", "Patel", "Shah", "Mehta",
        "Joshi", "Kulkarni", "Deshpande", "Menon", "Pillai", "Das", "Banerjee", "Chatterjee",
        "Mukherjee", "Singh", "Kaur", "Gill", "Khan", "Ahmed", "Qureshi", "D'Souza", "Fernandes",
        "Pereira", "Thomas", "Kumar", "Yadav", "Mishra", "Pandey", "Tiwari", "Saxena", "Agarwal",
        "Jain", "Bhat", "Hegde", "Shetty", "Gowda", "Naidu", "Chowdhury", "Bose", "Sen",
        "Malhotra", "Kapoor", "Chopra", "Bhatia", "Krishnan", "Subramanian", "Raghavan",
        "Venkatesan", "Murthy", "Prasad", "Acharya", "Kamath", "Patil", "Pawar", "Desai",
    ),
    business_words=(
        "Lakshmi", "Ganesh", "Sai", "Balaji", "Annapurna", "Sri Krishna", "Venkateshwara",
        "Mahalakshmi", "Sunrise", "Royal", "Green Leaf", "Silver Oak", "Blue Lotus", "Golden",
        "Star", "Metro", "City", "National", "United", "Apex", "Vishal", "Pragati", "Navya",
        "Om Sai", "Shree",
    ),
    shop_kinds=(
        "Traders", "Stores", "Medicals", "Bakery", "Textiles", "Enterprises", "Provision Stores",
        "Hardware", "Sweets", "Opticals", "Electronics", "Tailors",
    ),
    retail_kinds=(
        "Supermarket", "Fashion", "Mobiles", "Jewellers", "Furniture", "Home Needs", "Footwear",
    ),
    office_kinds=(
        "Technologies Pvt Ltd", "Associates", "Consultants LLP", "Infotech",
        "Chartered Accountants", "Realty", "Insurance Services", "Software Solutions",
    ),
    industry_kinds=(
        "Industries Pvt Ltd", "Polymers", "Engineering Works", "Foods Pvt Ltd", "Castings",
        "Garments", "Packaging", "Pharma Ltd", "Steel Fabricators", "Auto Components",
    ),
    streets=(
        "MG Road", "Station Road", "Temple Street", "Church Road", "Market Road", "Lake View Road",
        "Park Avenue", "Nehru Street", "Gandhi Bazaar Main Road", "Hospital Road", "School Road",
        "1st Main Road", "2nd Cross Road", "3rd Main Road", "4th Cross Road", "5th Main Road",
        "Ring Road", "Old Airport Road", "Industrial Area Road", "100 Feet Road",
    ),
    apartments=(
        "Sunrise Residency", "Green Meadows", "Lake Vista", "Palm Grove Apartments",
        "Silver Springs", "Orchid Enclave", "Maple Heights", "Skyline Towers",
    ),
    localities={  # zone code -> (locality, postal code)
        "NZ": (
            ("Malleshwaram", "560003"), ("Rajajinagar", "560010"), ("Hebbal", "560024"),
            ("Yelahanka", "560064"), ("RT Nagar", "560032"),
        ),
        "SZ": (
            ("Jayanagar", "560041"), ("BTM Layout", "560076"), ("JP Nagar", "560078"),
            ("Banashankari", "560050"), ("Basavanagudi", "560004"),
        ),
        "EZ": (
            ("Indiranagar", "560038"), ("Whitefield", "560066"), ("KR Puram", "560036"),
            ("Marathahalli", "560037"), ("HAL 2nd Stage", "560008"),
        ),
        "WZ": (
            ("Vijayanagar", "560040"), ("Rajarajeshwari Nagar", "560098"), ("Kengeri", "560060"),
            ("Nagarbhavi", "560072"), ("Peenya", "560058"),
        ),
    },
    city="Bengaluru",
    centres=(
        ("CSC", "Central Service Centre", "1 Sunrise Plaza, MG Road, Bengaluru 560001"),
        ("RSC", "Riverside Service Centre", "22 Riverside Road, Jayanagar, Bengaluru 560041"),
    ),
    payment_modes=(
        "Cash", "Credit Card", "Debit Card", "Bank Transfer", "Cheque", "UPI", "Online Banking",
    ),
    counter_methods=("Cash", "Debit Card", "UPI", "Cash"),
)


SPRINGFIELD = Region(
    country="US",
    first_names=(
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
        "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
        "Sarah", "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty",
        "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Joshua",
        "Donna", "Kevin", "Michelle", "Brian", "Carol", "George", "Amanda", "Timothy", "Melissa",
        "Ronald", "Deborah", "Jason", "Stephanie", "Ryan", "Rebecca", "Jacob", "Laura", "Gary",
        "Sharon", "Nicholas", "Cynthia", "Eric", "Kathleen", "Jonathan", "Amy", "Luis", "Maria",
        "Carlos", "Ana", "Jose", "Rosa", "DeShawn", "Latoya", "Tyrone", "Keisha", "Wei", "Mei",
        "Priya", "Raj", "Nguyen", "Linh", "Omar", "Fatima", "Sean", "Megan",
    ),
    last_names=(
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
        "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
        "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
        "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Schmidt", "Meyer", "Kowalski",
        "O'Brien", "Murphy", "Sullivan", "Patel", "Chen", "Kim", "Washington",
    ),
    business_words=(
        "Prairie", "Lincoln", "Capitol", "Sangamon", "Heartland", "Cornerstone", "Midwest",
        "Riverside", "Old Town", "Lakeside", "Main Street", "Pioneer", "Liberty", "Eagle",
        "Summit", "Oak Ridge", "Golden Harvest", "Blue Sky", "Northstar", "Union", "Frontier",
        "Maple Leaf", "Red Barn", "Crossroads", "Hometown",
    ),
    shop_kinds=(
        "Bakery", "Hardware", "Pharmacy", "Diner", "Barber Shop", "Dry Cleaners", "Auto Repair",
        "Florist", "Pizza", "Coffee Co.", "Laundromat", "Pet Supply",
    ),
    retail_kinds=(
        "Market", "Outfitters", "Furniture", "Mobile", "Jewelers", "Home Goods", "Shoe Co.",
    ),
    office_kinds=(
        "Dental Group", "Insurance Agency", "Law Offices", "CPA Group LLC", "Realty",
        "Family Clinic", "Software LLC", "Architects",
    ),
    industry_kinds=(
        "Manufacturing Inc.", "Plastics", "Tool & Die", "Foods Inc.", "Castings", "Printing Co.",
        "Packaging", "Metal Works", "Machine Shop", "Feed & Grain",
    ),
    streets=(
        "Maple Ave", "Oak St", "Washington St", "Lincoln Ave", "Jefferson St", "Adams St",
        "Monroe St", "Cook St", "Lawrence Ave", "Walnut St", "Chestnut St", "Elm St", "Wabash Ave",
        "MacArthur Blvd", "Stevenson Dr", "Chatham Rd", "Sangamon Ave", "Grand Ave", "Spring St",
        "Clearlake Ave",
    ),
    apartments=(
        "Lakeview Apartments", "Prairie Crossing", "Westchester Commons", "Capitol Towers",
        "Willow Creek Apartments", "Oakbrook Place", "Pheasant Run", "Brookstone Court",
    ),
    localities={  # zone code -> (locality, postal code)
        "NZ": (
            ("Northgate", "62702"), ("Sangamon Heights", "62702"), ("Lincoln Park", "62702"),
            ("Sherman", "62684"), ("Riverton", "62561"),
        ),
        "SZ": (
            ("Harvard Park", "62703"), ("Southern View", "62703"), ("Lake Springfield", "62712"),
            ("Chatham", "62629"), ("Glenwood", "62707"),
        ),
        "EZ": (
            ("Enos Park", "62702"), ("Eastview", "62703"), ("Clear Lake", "62707"),
            ("Rochester", "62563"), ("Riverside", "62702"),
        ),
        "WZ": (
            ("Westchester", "62704"), ("Leland Grove", "62704"), ("Jerome", "62704"),
            ("Westview", "62711"), ("Panther Creek", "62711"),
        ),
    },
    city="Springfield, IL",
    centres=(
        ("CSC", "Central Service Centre", "800 E Monroe St, Springfield, IL 62701"),
        ("RSC", "Riverside Service Centre", "2200 N Grand Ave E, Springfield, IL 62702"),
    ),
    payment_modes=(
        "Cash", "Credit Card", "Debit Card", "Bank Transfer", "Cheque", "Online Banking",
    ),
    counter_methods=("Cash", "Debit Card", "Credit Card", "Cash"),
    staff=(("cashier2", "Daniel Harris"), ("callcenter", "Linda Martinez"), ("recovery", "Robert Garcia")),
)

# The demo's currency decides where it is.
BY_CURRENCY = {"USD": SPRINGFIELD, "INR": BENGALURU}
