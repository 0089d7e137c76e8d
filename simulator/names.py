"""Word lists the organisation is built from: people, companies, industries, titles, zones."""

from __future__ import annotations

FIRST_NAMES = (
    "Aaron Abigail Adam Adrian Aisha Alan Alejandro Alex Alice Alicia Amanda Amir Ana Andrea Andrew "
    "Angela Anita Anna Anthony Arjun Ava Ben Bianca Blake Brandon Brenda Brian Bruno Caleb Cameron "
    "Carla Carlos Carmen Caroline Catherine Cecilia Charles Chloe Chris Christina Claire Clara Colin "
    "Connor Craig Cristina Daniel Daniela David Deborah Derek Diana Diego Dmitri Dominic Douglas "
    "Edward Elena Eli Elijah Elise Emily Emma Eric Erin Ethan Eva Evelyn Fatima Felix Fernando "
    "Fiona Francesca Frank Gabriel Gavin George Grace Gregory Hannah Harper Hassan Heather Helen "
    "Henry Hugo Ian Imani Irene Isaac Isabel Ivan Jack Jacob James Jamie Jane Janet Jason Javier "
    "Jennifer Jeremy Jessica Joanna Joel John Jonathan Jorge Joseph Joshua Julia Julian Justin "
    "Karen Karim Katherine Keith Kenji Kevin Kim Kyle Laura Lauren Leah Leo Liam Lily Linda Lucas "
    "Lucia Luis Maya Marco Margaret Maria Mark Martin Mateo Matthew Megan Mei Melissa Michael Miguel "
    "Mila Mohammed Monica Nadia Naomi Natalie Nathan Neil Nicole Nikhil Nina Noah Nora Oliver Olivia "
    "Omar Oscar Owen Pablo Patricia Paul Peter Philip Priya Rachel Rafael Rahul Rebecca Ricardo "
    "Richard Robert Rosa Ryan Samuel Sandra Sara Sean Sebastian Sergio Simon Sofia Sophie Stefan "
    "Stephen Steven Susan Tanya Teresa Thomas Tim Tobias Tom Tyler Valentina Victor Victoria "
    "Vincent Wei William Xavier Yara Yusuf Zach Zoe"
).split()

LAST_NAMES = (
    "Adams Afolabi Ahmed Alvarez Andersen Anderson Arora Bailey Baker Banerjee Barnes Becker Bell "
    "Bennett Berg Bianchi Blake Brooks Brown Bryant Campbell Carter Castillo Chang Chavez Chen Clark "
    "Coleman Collins Cook Cooper Costa Cruz Das Davies Davis Diaz Dubois Edwards Evans Fischer "
    "Fitzgerald Flores Foster Fraser Garcia Gomez Gonzalez Graham Gray Green Griffin Gupta Hall "
    "Hansen Harris Hayes Henderson Hernandez Hill Hoffmann Holmes Howard Hughes Ito Jackson James "
    "Jensen Johnson Jones Kapoor Kelly Kennedy Khan Kim King Klein Kowalski Kumar Lambert Larsen "
    "Lee Lewis Lim Lopez Marshall Martin Martinez Mehta Meyer Miller Mitchell Moore Morales Morris "
    "Murphy Murray Nakamura Nelson Nguyen Novak Okafor Olsen Ortiz Owens Park Parker Patel Perez "
    "Perry Peterson Phillips Powell Price Ramirez Reed Reyes Richardson Rivera Roberts Robinson "
    "Rodriguez Rogers Romano Ross Russell Sanchez Sanders Santos Schmidt Schneider Scott Shah Silva "
    "Singh Smith Sorensen Stewart Sullivan Suzuki Tanaka Taylor Thomas Thompson Torres Turner Vargas "
    "Wagner Walker Wallace Wang Ward Watson Weber White Williams Wilson Wong Wood Wright Wu Yamamoto "
    "Young Zhang Zimmermann"
).split()

COMPANY_PREFIXES = (
    "Acorn Alder Alpine Amber Anchor Apex Arbor Arrow Aspen Atlas Aurora Avalon Bayside Beacon "
    "Birch Bluewater Boulder Bright Brook Cascade Cedar Centric Chestnut Clear Cliffside Coastal "
    "Cobalt Compass Copper Coral Cornerstone Crescent Crest Crown Crystal Cypress Delta Driftwood "
    "Eagle Eastgate Echo Elm Ember Emerald Everest Evergreen Fairview Falcon Fern Fieldstone Firefly "
    "Flagstone Forest Foxglove Frontier Garnet Gateway Glacier Golden Granite Greenfield Hallmark "
    "Harbor Hawthorn Heritage Highland Horizon Hudson Indigo Iron Ivory Juniper Keystone Lakeside "
    "Landmark Laurel Liberty Lighthouse Linden Magnolia Maple Marble Meadow Meridian Midland Mill "
    "Monarch Mosaic Northgate Northstar Oak Ocean Olive Onyx Orchard Pacific Palisade Paragon "
    "Peak Pine Pinnacle Pioneer Prairie Prism Quarry Quartz Radiant Rainier Redwood Ridge River "
    "Riverside Rock Rosewood Sable Saffron Sage Sapphire Sequoia Shoreline Sierra Silver Skyline "
    "Slate Solstice Sparrow Spruce Starling Sterling Stone Summit Sunrise Tandem Terra Thistle "
    "Timber Trident Trillium Tundra Unity Valley Vanguard Vantage Velvet Vista Willow Windward "
    "Wren Zenith"
).split()

# Industry -> nouns that make a plausible company name in it (one industry a line, like the lists above).
INDUSTRIES: dict[str, tuple[str, ...]] = {
    industry: tuple(nouns.split())
    for industry, nouns in (line.split(": ") for line in """
Hospitality: Hotels Resorts Hospitality Inns Suites Lodging
Healthcare: Health Medical Clinics Care Diagnostics Pharma
Manufacturing: Manufacturing Industries Fabrication Components Machining Plastics
Retail: Retail Outfitters Markets Goods Stores Supply
Financial Services: Capital Financial Bancorp Insurance Credit Wealth
Logistics: Logistics Freight Transport Shipping Distribution Cargo
Education: Academy Learning Schools Education College Institute
Energy: Energy Power Utilities Solar Renewables Grid
Software: Software Systems Labs Technologies Digital Data
Real Estate: Properties Realty Estates Developments Housing Land
Construction: Construction Builders Engineering Contractors Structures Concrete
Media: Media Studios Publishing Broadcasting Press Entertainment
""".strip().splitlines())
}

COMPANY_SUFFIXES = ("Group", "Holdings", "Inc", "Partners", "Co", "Corporation", "International", "LLC")

# Consultancies and resellers: plausible corporate domains that belong to no simulated account.
PARTNER_DOMAINS = (
    "northbridgeconsulting.com", "keelpointadvisory.com", "tallgrasspartners.com", "bluefenadvisors.com",
    "quillmarkconsulting.com", "ironveilgroup.com", "larchwoodadvisory.com", "pebblestoneit.com",
    "cinderpathconsulting.com", "moorlandsolutions.com", "greyfriarpartners.com", "wakefieldtech.net",
    "oxbowresellers.com", "halyardadvisors.com", "brackenridgeconsult.com", "fernhillsystems.net",
)

PERSONAL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me")

ROLE_NAMES = ("decision_maker", "influencer", "champion", "user", "unknown")
DM, INFLUENCER, CHAMPION, USER, UNKNOWN = range(5)

# Titles by buying role; the SMB list leans to owner-run businesses.
TITLES: dict[int, tuple[str, ...]] = {
    DM: (
        "Chief Executive Officer", "Chief Financial Officer", "Chief Operating Officer", "VP of Operations",
        "VP Finance", "Director of Procurement", "Head of IT", "Chief Information Officer", "General Manager",
        "VP of Sales",
    ),
    CHAMPION: ("Operations Manager", "IT Manager", "Project Lead", "Head of Digital", "Program Manager", "Systems Manager"),
    INFLUENCER: (
        "Finance Manager", "Regional Operations Manager", "Security Architect", "Procurement Specialist",
        "Controller", "Enterprise Architect", "Revenue Manager",
    ),
    USER: ("Analyst", "Coordinator", "Administrator", "Office Manager", "Specialist", "Supervisor", "Team Lead"),
}
SMB_DM_TITLES = ("Owner", "Founder", "Managing Director", "President")

# Regions: the zones their accounts and people sit in (first = where the team works).
REGIONS: dict[str, tuple[str, ...]] = {
    "East": ("America/New_York", "America/Toronto", "America/New_York"),
    "Central": ("America/Chicago", "America/Mexico_City", "America/Chicago"),
    "West": ("America/Los_Angeles", "America/Denver", "America/Phoenix"),
    "EMEA": ("Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam"),
    "APAC": ("Australia/Sydney", "Asia/Singapore", "Asia/Tokyo", "Asia/Kolkata"),
}
ALL_ZONES = tuple(dict.fromkeys(z for zones in REGIONS.values() for z in zones))

# Teams in the order managers are created; larger orgs repeat them with a number.
TEAMS = (
    ("Hospitality East", "East"),
    ("Enterprise Central", "Central"),
    ("Mid-Market West", "West"),
    ("EMEA", "EMEA"),
    ("SMB Inside Sales", "Central"),
    ("APAC", "APAC"),
    ("Commercial East", "East"),
)

SEGMENTS = ("enterprise", "mid_market", "smb")
ENTERPRISE, MID_MARKET, SMB = range(3)

PRODUCTS = (
    "property management suite", "analytics platform", "guest messaging", "workforce scheduling",
    "payments integration", "revenue management", "procurement portal", "data migration",
    "annual renewal", "expansion seats", "support upgrade", "mobile rollout",
)
