"""Wording of the simulated news: sectors, event phrasings, and the look-alike items.

Every string is a `str.format` template; the placeholders a template may use are filled by
`simulator.news` (unused ones are ignored):

  {co} / {co_pos}    the company as named in this item (and its possessive)
  {co2}              the other company of a two-company item
  {desc} / {desc2}   what the company is ("hotel operator"), from its sector
  {product} / {a_product}  something the company launches, bare or with its article
  {person} {title} {new_title}  a named person, their current and their next title
  {partner} {investor}  a company outside the CRM, an investor
  {amount} {pct} {n} {jobs} {years} {nth} {ordinal} {series}   figures
  {quarter} {quarter_noun} {weekday} {month} {this_month}     from the publication date
  {city} {court} {issue} {domain}
  {word} {first} {last}  in the look-alike items: a common word, a person's names

One-sentence pieces: an item's summary is a lead, optionally a sector sentence and optionally a
corroborating sentence, so 1-3 sentences. Curly quotes and apostrophes are written as such; the
feed writer turns them into HTML entities the way publishing systems do.
"""

from __future__ import annotations

from dataclasses import dataclass

EVENT_TYPES = (
    "merger_acquisition", "leadership_change", "product_launch", "funding", "earnings", "layoffs", "legal",
    "partnership", "other",
)


@dataclass(frozen=True)
class Sector:
    """How the press talks about a line of business."""

    descriptors: tuple[str, ...]  # "the {desc}": each holds one of `words`
    words: tuple[str, ...]  # the sector's vocabulary a careful reader uses to tell companies apart
    context: tuple[str, ...]  # one sentence each, in the sector's vocabulary
    products: tuple[str, ...]  # bare noun phrases


def _sector(descriptors: str, words: str, context: str, products: str) -> Sector:
    return Sector(tuple(descriptors.split("; ")), tuple(words.split()), tuple(context.split(" | ")), tuple(products.split("; ")))


# One per industry of simulator.names.INDUSTRIES (the accounts' sectors).
SECTORS: dict[str, Sector] = {
    "Hospitality": _sector(
        "hotel operator; hospitality group; resort company",
        "hotel hotels guests occupancy resort resorts hospitality bookings",
        "Occupancy across its hotels reached {pct} percent last quarter. | The group runs {n} hotels and resorts. | "
        "Guests will see the changes at its resorts from next season. | Room bookings for the spring are running ahead "
        "of last year, the hotel operator said.",
        "guest loyalty app; boutique hotel brand; mobile check-in service for hotel guests; extended-stay resort concept",
    ),
    "Healthcare": _sector(
        "healthcare provider; clinic operator; medical group",
        "patients patient clinic clinics healthcare medical hospital hospitals",
        "The provider treats patients at {n} clinics. | Patient visits at its clinics rose {pct} percent year on year. | "
        "The medical group runs outpatient clinics and two hospitals.",
        "telehealth service for patients; diagnostic imaging center; patient scheduling app; outpatient surgery clinic",
    ),
    "Manufacturing": _sector(
        "manufacturer; industrial components maker; contract manufacturer",
        "factory factories plant plants manufacturer manufacturing production industrial components",
        "Its plants run three production shifts. | Factory output rose {pct} percent as orders for industrial "
        "components recovered. | The manufacturer supplies components to automotive and aerospace customers.",
        "production line; precision components range; automated factory in Ohio; recycled-plastics product line",
    ),
    "Retail": _sector(
        "retailer; retail chain; specialty retailer",
        "store stores shoppers retail retailer merchandise",
        "The chain operates {n} stores. | Same-store sales rose {pct} percent as shoppers returned. | "
        "The retailer is putting more of its merchandise online.",
        "loyalty program for shoppers; same-day delivery service; flagship store in Denver; private-label range",
    ),
    "Financial Services": _sector(
        "financial services firm; finance company; financial group",
        "bank banking loans deposits insurance policyholders financial finance clients",
        "Deposits grew {pct} percent and loan quality held up. | The firm manages about ${n} billion for clients. | "
        "Policyholders can now file insurance claims online.",
        "small-business lending product; mobile banking app; digital claims service for policyholders; "
        "wealth-management platform",
    ),
    "Logistics": _sector(
        "logistics provider; freight carrier; logistics company",
        "freight shipments shippers warehouse warehouses logistics fleet trucks cargo carrier",
        "The carrier runs a fleet of {n}0 trucks and a dozen warehouses. | Freight volumes rose {pct} percent as "
        "shippers restocked. | Cargo through its warehouses reached a record in the quarter.",
        "cross-dock warehouse in Memphis; real-time shipment tracking service; electric truck fleet; "
        "cold-chain freight service",
    ),
    "Education": _sector(
        "education provider; school operator; college",
        "students student school schools campus campuses education enrollment college",
        "Enrollment rose {pct} percent this year. | The provider runs {n} campuses in three states. | "
        "Students will be able to enroll from the autumn term.",
        "online degree program; new campus; tutoring app for students; teacher training program",
    ),
    "Energy": _sector(
        "utility; energy company; power producer",
        "energy power grid solar utility megawatts electricity",
        "The utility serves about {n}0,000 customers. | Its solar farms added {n}0 megawatts of capacity this year. | "
        "Power demand on its grid rose {pct} percent.",
        "solar farm in Nevada; battery storage project; home energy plan; grid-scale wind project",
    ),
    "Software": _sector(
        "software company; software maker; technology firm",
        "software platform cloud developers data technology SaaS",
        "Annual recurring revenue from its software grew {pct} percent. | The platform is used by {n},000 companies. | "
        "The company moved its platform to the cloud last year.",
        "AI assistant for its platform; cloud data platform; developer API; security analytics tool",
    ),
    "Real Estate": _sector(
        "property developer; real estate firm; landlord",
        "property properties tenants estate leasing apartments residential landlord developer",
        "Its portfolio includes {n},000 apartments and office properties. | Leasing rose {pct} percent as tenants "
        "returned to offices. | The developer owns properties in five cities.",
        "mixed-use development in Austin; build-to-rent apartment project; tenant services app; office redevelopment",
    ),
    "Construction": _sector(
        "construction firm; builder; engineering contractor",
        "construction contractor builder building projects site infrastructure engineering",
        "Its construction backlog stands at ${n}00 million. | The contractor has {n} projects on site. | "
        "Work on the building site begins next month.",
        "modular building system; bridge project in Ohio; prefabricated housing line; infrastructure joint venture",
    ),
    "Media": _sector(
        "media company; publisher; broadcaster",
        "media audience viewers readers streaming publisher publishing broadcaster studio",
        "Its streaming audience grew {pct} percent. | The publisher reaches {n} million readers a month. | "
        "Viewers of its channels skew younger than the industry average.",
        "streaming service; podcast network; daily news show; subscription app for readers",
    ),
}

# Lines of business no simulated account is in: companies that share a name's first word but
# not its business ("Summit Foods" next to the CRM's "Summit Health"), and plain unrelated news.
OTHER_SECTORS: dict[str, Sector] = {
    noun: _sector(desc, words, context, products)
    for noun, desc, words, context, products in (
        line.split(" | ", 4) for line in """
Foods | food maker; packaged-food company | food snacks grocery | Its snacks are sold in grocery chains across the country. | snack range; plant-based meal line
Motors | carmaker; vehicle maker | cars vehicles dealers | Vehicle deliveries rose {pct} percent. | electric pickup; compact crossover
Brewing | brewer; craft brewer | beer brewery taproom | The brewery sells its beer in {n} states. | seasonal lager; alcohol-free beer
Airlines | airline; regional carrier | flights passengers aircraft | The airline flew {n} million passengers last year. | nonstop route to Lisbon; premium economy cabin
Farms | agricultural producer; farming cooperative | farms crops harvest | Its farms harvested a record crop. | organic produce line; greenhouse in Arizona
Apparel | clothing brand; apparel maker | clothing fashion collection | The brand sells its clothing through {n} boutiques. | spring collection; outdoor clothing line
Telecom | telecoms operator; wireless carrier | subscribers network wireless | The operator added {n}0,000 wireless subscribers. | fiber broadband plan; 5G network in rural areas
Mining | miner; mining company | mine ore mining | The miner produced {n} million tonnes of ore. | lithium mine; nickel processing plant
Beverages | drinks maker; beverage company | drinks beverage bottling | Its drinks are bottled at {n} plants. | sparkling tea; sports drink
Cosmetics | beauty brand; cosmetics maker | beauty skincare cosmetics | The brand sells skincare online and in pharmacies. | skincare line; refillable lipstick
Toys | toymaker; toy company | toys games children | The toymaker sells games in {n} countries. | board game; building-block set
Wines | winery; wine producer | wine vineyards vintage | Its vineyards produced a strong vintage. | sparkling wine; low-alcohol wine range
Chemicals | chemicals group; specialty chemicals maker | chemicals coatings resins | The group makes coatings and resins. | bio-based resin; low-solvent coating
Aerospace | aerospace supplier; aircraft parts maker | aircraft aerospace engines | The supplier makes engine parts for aircraft makers. | engine bracket; cabin seating system
Furniture | furniture maker; home furnishings company | furniture sofas showrooms | The company runs {n} showrooms. | modular sofa; office chair
Fitness | gym chain; fitness company | gyms members fitness | The chain has {n}0,000 members. | boutique cycling studio; fitness app
Bakeries | bakery chain; bread maker | bakery bread pastries | The bakery chain opened {n} shops last year. | sourdough range; breakfast pastry line
Marine | boat builder; marine engine maker | boats marine yachts | The boat builder delivered {n} yachts. | electric outboard motor; fishing boat range
""".strip().splitlines()
    )
}

# Invented first words for unrelated companies and partners: none is a simulated company prefix
# (tests/simulator/test_sim_news.py checks), so plain unrelated news shares no account's name.
UNRELATED_STEMS = (
    "Ashcombe Brantley Carrow Dunmore Elsworth Farrant Galloway Hollins Inverley Jessop Kettering Larkspur "
    "Merrow Norwell Oakham Pendle Quillon Ravensby Saltash Tolland Upwell Vickery Wexley Yardley Thornbury "
    "Calloway Fenwick Marlowe Penrose Whitlock"
).split()
INVESTORS = (
    "Kilnworth Ventures", "Osgood Growth Partners", "Tamberlane Equity", "Hollis Street Capital", "Brantley Ventures",
    "Wexley Private Equity", "Dunmore Investment Partners", "Galloway Growth Fund",
)
CITIES = (
    "Denver", "Austin", "Memphis", "Columbus", "Toronto", "Leeds", "Lyon", "Rotterdam", "Osaka", "Perth", "Pune",
    "Charlotte", "Tampa", "Calgary", "Bristol", "Munich", "Valencia", "Melbourne",
)
COURTS = (
    "a federal court in Delaware", "a state court in Texas", "the High Court in London", "a district court in Munich",
    "a federal court in California",
)
LEGAL_ISSUES = (
    "a data breach", "its billing practices", "a patent", "a supplier contract", "overtime pay", "customer privacy",
    "misleading advertising",
)
NEW_TITLES = (
    "Chief Executive Officer", "Chief Operating Officer", "Chief Financial Officer", "President", "Chief Strategy Officer",
    "Chief Commercial Officer", "Executive Vice President", "Chief Technology Officer", "Chief Procurement Officer",
)
# Legal-form suffixes the press adds to a name, by region of the company (simulator.names.REGIONS).
LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Americas": ("Inc.", ", Inc.", "Corp.", "LLC"),
    "Europe/London": ("plc", "Ltd", "Ltd."),
    "Europe/Berlin": ("GmbH", "AG"),
    "Europe/Paris": ("S.A.", "SAS"),
    "Europe/Madrid": ("S.A.", "S.L."),
    "Europe/Amsterdam": ("B.V.", "N.V."),
    "Asia/Singapore": ("Pte. Ltd.",),
    "Asia/Tokyo": ("K.K.", "Co., Ltd."),
    "Asia/Kolkata": ("Pvt. Ltd.", "Ltd"),
    "Australia/Sydney": ("Pty Ltd", "Ltd"),
}


@dataclass(frozen=True)
class Variant:
    """One angle on an event (a profit beat, a departure): headlines and leads that agree."""

    titles: tuple[str, ...]
    leads: tuple[str, ...]
    two_companies: bool = False  # {co} and {co2} are both simulated accounts


def _v(titles: str, leads: str, two: bool = False) -> Variant:
    return Variant(tuple(titles.strip().split("\n")), tuple(leads.strip().split("\n")), two)


DEPARTURE = 1  # EVENTS["leadership_change"][DEPARTURE]: the person leaves (the other: a new role)

EVENTS: dict[str, tuple[Variant, ...]] = {
    "merger_acquisition": (
        _v("""
{co} to acquire {partner} in {amount} deal
{co} agrees to buy {partner}
{co} snaps up {partner}
{co} completes acquisition of {partner}""", """
{co}, the {desc}, agreed to acquire {partner} for {amount} in cash.
The {desc} {co} said on {weekday} it had completed its purchase of {partner}, a deal valued at {amount}.
{co} will buy {partner} for {amount}, its largest acquisition to date."""),
        _v("""
{co} explores sale after takeover approach
{partner} makes {amount} offer for {co}
{co_pos} board backs takeover by {partner}""", """
{co}, the {desc}, said it had received a takeover approach from {partner} and was reviewing its options.
{partner} offered {amount} for the {desc} {co}, and {co_pos} board said it would recommend the bid."""),
        _v("""
{co} to acquire {co2}
{co} and {co2} agree to merge
{co2} accepts {amount} offer from {co}""", """
{co}, the {desc}, agreed to buy {co2}, the {desc2}, for {amount}.
{co}, the {desc}, and {co2}, the {desc2}, will combine in an all-stock merger valued at {amount}, the companies said on {weekday}.""", two=True),
    ),
    "leadership_change": (
        _v("""
{co} names {person} {new_title}
{co} appoints {person} as {new_title}
{co} promotes {person} to {new_title}""", """
{co}, the {desc}, has appointed {person}, currently its {title}, as {new_title} from {month} 1.
The {desc} {co} promoted {person} from {title} to {new_title}, effective in {month}.
{person}, {title} at {co}, will become {new_title} in {month}, the {desc} said on {weekday}."""),
        _v("""
{co_pos} {title} {person} to step down
{person} leaves {co}
{co} says {title} {person} will depart
Leadership change at {co} as {person} exits""", """
{person}, {title} at {co}, will step down at the end of {month}, the {desc} said.
{co} said {person}, its {title}, is leaving the {desc} to pursue other opportunities.
The {desc} {co} announced on {weekday} that {person} would leave the role of {title} after {n} years."""),
    ),
    "product_launch": (
        _v("""
{co} launches {product}
{co} unveils {product}
{co} rolls out {product} in {city}
{co_pos} {product} goes live""", """
{co}, the {desc}, launched {a_product} on {weekday}.
The {desc} {co} introduced {a_product}, its first new offering this year.
{co} said {a_product} would be available in {city} from {month}."""),
    ),
    "funding": (
        _v("""
{co} raises {amount} to expand
{co} secures {amount} from {investor}
{co} closes {amount} Series {series} round
{investor} backs {co} with {amount}""", """
{co}, the {desc}, raised {amount} in a round led by {investor}.
The {desc} {co} said it secured {amount} of growth financing from {investor} for research & development and an expansion into {city}.
{investor} led a {amount} Series {series} investment in {co}, the {desc} said on {weekday}."""),
    ),
    "earnings": (
        _v("""
{co} beats estimates as revenue climbs {pct}%
{co_pos} {quarter} profit rises
{co} lifts full-year outlook""", """
{co} reported {quarter} revenue up {pct} percent from a year earlier, ahead of analysts’ forecasts.
The {desc} {co} raised its outlook for the year after a strong {quarter_noun}.
{co_pos} {quarter} profit rose {pct} percent, the {desc} said on {weekday}."""),
        _v("""
{co} misses estimates as costs rise
{co_pos} {quarter} profit slips {pct}%
{co} cuts guidance on weaker demand""", """
{co}, the {desc}, said {quarter} profit fell {pct} percent as costs rose.
The {desc} {co} lowered its full-year guidance after {quarter} sales came in below expectations.
{co} reported a {pct} percent drop in {quarter} earnings and said demand had softened."""),
    ),
    "layoffs": (
        _v("""
{co} to cut {jobs} jobs
{co} lays off {pct}% of staff
{co} announces restructuring and job cuts
Job cuts at {co} as {desc} trims costs""", """
{co}, the {desc}, will eliminate about {jobs} positions as part of a cost review.
The {desc} {co} said it would lay off {pct} percent of its workforce and close two offices.
{co} is cutting {jobs} jobs, mostly in administration, the {desc} told employees on {weekday}."""),
    ),
    "legal": (
        _v("""
{co} sued over {issue}
{co} faces class action over {issue}
Court rules against {co} in dispute over {issue}""", """
A lawsuit filed in {court} accuses {co}, the {desc}, of wrongdoing over {issue}.
Customers of the {desc} {co} filed a class action in {court} over {issue}.
A judge in {court} ruled against {co} in a dispute over {issue}."""),
        _v("""
{co} settles case over {issue} for {amount}
Regulator fines {co} {amount}
{co} agrees {amount} settlement""", """
{co} agreed to pay {amount} to settle claims over {issue}, without admitting wrongdoing.
A regulator fined the {desc} {co} {amount} over {issue}.
The {desc} {co} reached a {amount} settlement over {issue}, ending a two-year dispute."""),
    ),
    "partnership": (
        _v("""
{co} partners with {partner}
{co} and {partner} sign distribution deal
{co} teams up with {partner} on {product}
{co} forms alliance with {partner}""", """
{co}, the {desc}, signed a multi-year partnership with {partner} to offer {a_product}.
{co} and {partner} will jointly develop {a_product}, the companies said on {weekday}.
The {desc} {co} will distribute products from {partner} in {city} under a new agreement."""),
        _v("""
{co} and {co2} announce partnership
{co} teams up with {co2}
{co2} and {co} sign strategic alliance""", """
{co}, the {desc}, and {co2}, the {desc2}, signed a strategic partnership on {weekday}.
{co}, the {desc}, will work with {co2}, the {desc2}, on {a_product}, the two companies said.""", two=True),
    ),
    "other": (
        _v("""
{co} opens new headquarters in {city}
{co} to move head office to {city}""", """
{co}, the {desc}, will move its head office to {city} in {month}.
The {desc} {co} opened a new headquarters in {city} on {weekday}."""),
        _v("""
{co} named a top employer for {ordinal} straight year
{co} wins industry award""", """
{co} was named one of the best places to work in {city} by a regional business journal.
The {desc} {co} won an industry award for customer service on {weekday}."""),
        _v("""
{co} rebrands
{co} marks {nth} anniversary
{co_pos} founder shares lessons from {years} years in business""", """
{co}, the {desc}, unveiled a new logo and brand on {weekday}.
The {desc} {co} celebrated {years} years in business with an event in {city}."""),
    ),
}

# A quote from a named person: corroborates which company is meant (their name is in the CRM).
QUOTES = (
    "“This is an important step for our customers,” said {person}, {title} at {co}.",
    "“We have been preparing for this for some time,” {person}, {title} of {co}, said.",
    "“Our teams are ready,” said {person}, {co_pos} {title}.",
    "{person}, {title}, said the {desc} would share more details in {month}.",
)
DOMAIN_LINES = (
    "More information is available at {domain}.",
    "{co} posted the announcement on {domain}.",
    "Details were published on the company’s website, {domain}.",
)

# The seed's scenario: Blue Ridge's primary contact leaves in the last week of the window.
SCENARIO_LEADERSHIP = (
    ("{co} procurement director {person} to step down",
     "{person}, {title} at {co}, will step down at the end of {month} to take up a role outside the {desc}."),
    ("{co_pos} {title} {person} moves on",
     "{co} said on {weekday} that {person}, its {title}, is leaving to become {new_title} at a hotel group in {city}."),
    ("{person} to leave {co}",
     "The {desc} {co} said {person} would leave the role of {title}; an interim head of procurement oversees supplier contracts for its hotels."),
)

def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'title | summary' lines to (title, summary) pairs."""
    out = []
    for line in text.strip().split("\n"):
        title, summary = line.split(" | ")
        out.append((title, summary))
    return tuple(out)


# The same words in another sense: a meeting summit, a river delta, a place, a predator.
OTHER_SENSE: dict[str, tuple[tuple[str, str], ...]] = {
    word: _pairs(items)
    for word, items in {
        "Summit": """
Leaders gather in Geneva for climate summit | Heads of government opened a two-day summit on emissions targets. Delegates expect a joint statement on Friday.
Regional health summit draws record attendance | More than 2,000 clinicians attended this year’s health summit, where speakers discussed patient waiting times.
Climbers reach the summit in a rare winter ascent | A team of four reached the summit on {weekday} after three weeks on the mountain.""",
        "Delta": """
Floods threaten rice farms in the Mekong Delta | Rising water has damaged crops across the delta, officials said.
Delta smelt protections debated in California | Water managers and farmers clashed over rules for the river delta.""",
        "Apex": """
Orcas confirmed as the apex predator of Arctic waters | A new study finds killer whales have displaced polar bears at the top of the food chain.
Wolves return as apex predators to the northern forests | Biologists say the packs are already changing how deer use the valleys.""",
        "Ridge": """
Ridge Road closed after rockslide | Crews expect to reopen the road by the weekend; commuters should use the highway.
Hikers rescued from ridge after sudden storm | Two hikers were airlifted from an exposed ridge on {weekday}.""",
        "Harbor": """
Harbor seals return to the bay after cleanup | Volunteers counted more than 60 seals on the sandbanks this week.
Harbor festival draws crowds to the waterfront | Tall ships and food stalls lined the quay for the annual festival.""",
        "Peak": """
Flu season nears its peak, health officials say | Doctors urged people who have not been vaccinated to do so now.
Holiday travel to peak on Friday, motoring group warns | Drivers should expect the heaviest traffic in the afternoon.""",
        "Pinnacle": """
Lone climber scales the Pinnacle in record time | The granite spire had not been climbed solo in under an hour before.""",
        "Horizon": """
Storms on the horizon for the Gulf Coast | Forecasters expect heavy rain and strong winds by the weekend.""",
        "Beacon": """
Historic beacon relit on the headland after 40 years | The fire beacon was restored by volunteers from the heritage society.""",
        "Crest": """
River crest expected Thursday as floodwaters rise | Residents near the river were told to move valuables upstairs.""",
        "Crown": """
Crown jewels exhibition opens to the public | Visitors can see the regalia in a new gallery from {weekday}.""",
        "Eagle": """
Bald eagle pair nests at the city reservoir | Birdwatchers are asked to keep their distance from the nest.""",
        "Falcon": """
Peregrine falcon chicks hatch on cathedral ledge | A webcam shows the four chicks being fed by both parents.""",
        "Everest": """
Record number of climbing permits issued for Everest | Guides warn of crowding on the final ridge to the summit.""",
        "Pacific": """
Pacific storm brings heavy snow to the mountains | Several passes were closed and chains are required on mountain roads.""",
        "River": """
River cleanup volunteers remove two tons of trash | The annual cleanup covered eight miles of riverbank.""",
        "Valley": """
Valley fever cases rise across Arizona | Health officials linked the rise to dust from a dry winter.""",
        "Atlas": """
Museum unveils a 17th-century atlas of the Americas | The atlas was found in a private library and bought at auction.""",
        "Aurora": """
Aurora visible as far south as Kansas | A strong solar storm painted the night sky red and green.""",
        "Echo": """
Cave echoes help scientists map underground rivers | Researchers used sound to chart passages too narrow for divers.""",
        "Frontier": """
Frontier days rodeo returns after two-year break | Organizers expect 20,000 visitors over the weekend.""",
        "Granite": """
Granite countertop prices climb as imports slow | Kitchen fitters say customers are switching to engineered stone.""",
        "Liberty": """
Liberty Bell visitor center to reopen after renovation | The center closed last year for repairs to its roof.""",
        "Prairie": """
Prairie restoration brings back native bees | Ecologists counted twice as many species as five years ago.""",
        "Cascade": """
Cascade of delays hits airports after storm | Hundreds of flights were cancelled as crews were stranded.""",
        "Compass": """
Orienteering revival puts map and compass back in schools | Teachers say pupils enjoy learning without phones.""",
        "Anchor": """
Evening news anchor signs off after 30 years | Colleagues paid tribute on her final broadcast.""",
        "Copper": """
Copper prices hit two-year high on supply worries | Traders pointed to strikes at mines in South America.""",
        "Coral": """
Coral bleaching spreads along the reef | Scientists blamed a marine heatwave that has lasted since January.""",
        "Maple": """
Maple syrup producers report an early sap run | Warm days and cold nights came three weeks ahead of normal.""",
        "Redwood": """
Redwood grove protected under conservation deal | The land trust will manage the old-growth trees as a reserve.""",
        "Timber": """
Timber prices fall as building slows | Lumber yards say stocks are the highest in two years.""",
        "Orchard": """
Orchard growers fear late frost | Apple and cherry blossoms are out early after a mild spell.""",
        "Tundra": """
Thawing tundra releases more methane, study finds | Researchers measured emissions at 40 sites across the Arctic.""",
        "Zenith": """
Why the sun never reaches the zenith in London | An astronomer explains the summer solstice for our readers.""",
        "Pioneer": """
Pioneer of heart surgery dies at 94 | Colleagues remembered a surgeon who trained a generation of doctors.""",
        "Vista": """
New vista point opens on the coastal highway | The lookout has parking for 30 cars and a short accessible trail.""",
        "Stone": """
Stone circle excavation reveals Bronze Age tools | Archaeologists found flint blades and a bronze pin near the circle.""",
        "Golden": """
Golden anniversary for the town’s music festival | The festival returns for its 50th year with three stages.""",
        "Silver": """
Silver medal for local swimmer at nationals | The 17-year-old finished a tenth of a second behind the winner.""",
        "Iron": """
Iron deficiency common among teenagers, study finds | Doctors recommend more screening in schools.""",
        "Sunrise": """
Sunrise service draws hundreds to the beach | The service has been held on the sands for 60 years.""",
        "Glacier": """
Glacier retreat accelerates in the Alps | Swiss glaciers lost 4 percent of their volume last year.""",
        "Cedar": """
Cedar waxwings flock to city parks | The birds are feeding on berries after a poor crop in the north.""",
        "Oak": """
Ancient oak named tree of the year | The 800-year-old oak stands in a village churchyard.""",
        "Meadow": """
Wildflower meadow planted along the highway verge | The county hopes the meadow will bring back butterflies.""",
        "Lighthouse": """
Historic lighthouse opens to visitors | The lighthouse keeper’s cottage has become a small museum.""",
        "Emerald": """
Emerald ash borer found in three more counties | Foresters urged residents not to move firewood.""",
        "Cobalt": """
Cobalt supply concerns weigh on battery makers | Prices of the metal rose for a third month.""",
        "Sterling": """
Sterling weakens against the dollar | The pound fell after weaker-than-expected retail figures.""",
        "Keystone": """
Sea otters are a keystone species, kelp study confirms | Where otters returned, kelp forests recovered within a decade.""",
        "Monarch": """
Monarch butterfly numbers rebound in Mexico | Colonies covered twice the forest area of last winter.""",
        "Starling": """
Starling murmurations draw crowds to the marsh | Up to 100,000 birds gather at dusk in late autumn.""",
        "Unity": """
Calls for unity after divisive council vote | The mayor urged councillors to work together on the budget.""",
        "Landmark": """
Landmark ruling on noise limits for city bars | The court said the limits must be enforced from next month.""",
        "Heritage": """
Heritage railway reopens after restoration | Steam trains will run at weekends from {month}.""",
        "Highland": """
Highland games return to the park | Caber tossing and pipe bands are back for the 40th games.""",
        "Firefly": """
Firefly season lights up the state park | Rangers ask visitors to keep flashlights off on the trails.""",
        "Cypress": """
Cypress swamp restoration wins federal funds | The grant will replant 2,000 acres of wetland.""",
        "Tandem": """
Tandem bicycle ride raises funds for charity | Riders covered 100 miles in pairs on {weekday}.""",
        "Juniper": """
Juniper woodland cleared to restore grassland | Ranchers and ecologists agreed on the plan after two years.""",
        "Linden": """
Linden trees along the avenue to be replaced | The city says the trees are diseased and unsafe.""",
        "Sage": """
Sage grouse numbers fall for a third year | Wildlife officials blamed drought and wildfires.""",
        "Prism": """
Prism glass from 19th-century sidewalk found in renovation | Builders uncovered the vault lights under a shop front.""",
    }.items()
}

# A place named after a common word, for prefixes without an entry above (and some with one).
PLACE_SENSE = (
    ("{word} Street bridge closes for repairs", "The bridge will be closed to traffic for six weeks from {weekday}."),
    ("Residents of {word} Road oppose new parking lot", "More than 300 people signed a petition against the plan."),
    ("{word} Park reopens after storm cleanup", "Crews removed fallen trees and repaired the playground."),
    ("{word} High School robotics team heads to nationals", "The team won the regional final with a ball-sorting robot."),
    ("{word} Avenue café named best brunch spot", "Readers voted the café the best in the city for the second year."),
)
# The scenario account's name is a mountain range as well (always in the feeds, one item in the
# last week next to the scenario's own news).
OTHER_SENSE["Blue Ridge"] = (
    ("Blue Ridge Mountains see record fall foliage crowds",
     "Hotels near the Blue Ridge Parkway reported full bookings as visitors came to see the leaves."),
    ("Blue Ridge Parkway section closes for repairs", "A 12-mile stretch of the parkway will stay closed until {month}."),
    ("Hiking the Blue Ridge: five trails for spring", "Our guide to the best day hikes in the Blue Ridge Mountains."),
)

# The industry word alone: news about a whole sector, no company in it.
INDUSTRY_SENSE: dict[str, tuple[tuple[str, str], ...]] = {
    "Hospitality": (("Hotels brace for a slower summer", "Industry groups expect hotel occupancy to dip as travel budgets tighten."),),
    "Healthcare": (("Clinics report longer waits for patients", "A survey found patients wait three weeks on average for a routine appointment."),),
    "Manufacturing": (("Manufacturing activity contracts for a second month", "Factory orders fell as customers ran down inventories."),),
    "Retail": (("Retail sales rise more than expected", "Shoppers spent more on clothing and electronics in the month."),),
    "Financial Services": (("Insurance premiums set to rise again", "Insurers blamed higher repair costs and more severe storms."),),
    "Logistics": (("Freight rates slide as demand cools", "Logistics managers say warehouse space is easier to find than a year ago."),),
    "Education": (("Schools struggle to fill teaching posts", "Education officials reported 4,000 vacancies at the start of term."),),
    "Energy": (("Solar installations hit a record", "Renewables made up more than half of new power capacity last year."),),
    "Software": (("Software spending slows as budgets tighten", "Analysts cut their forecasts for cloud and data projects."),),
    "Real Estate": (("Housing starts fall to a three-year low", "Developers blamed high borrowing costs for fewer new properties."),),
    "Construction": (("Construction costs ease as materials prices fall", "Builders said concrete and steel were cheaper than in the spring."),),
    "Media": (("Streaming subscriptions plateau", "Media analysts say audiences are cancelling more services than they add."),),
}

# A person sharing only a surname with a contact, far from any account.
SURNAME_SENSE = (
    ("{first} {last} wins the {city} marathon", "{last} finished in two hours and 19 minutes, a course record."),
    ("Councillor {first} {last} backs new bike lanes", "{last} said the lanes would make the town center safer."),
    ("Author {first} {last} on a first novel", "The book follows three sisters who inherit a failing vineyard."),
    ("{last} family opens bakery on Main Street", "The {last}s have baked bread in the town for three generations."),
    ("Coach {first} {last} retires after 25 seasons", "{last} led the team to four regional titles."),
)

# Plain news about no company at all.
MACRO = (
    ("Central bank holds interest rates steady", "Policymakers said inflation was moving toward target but kept borrowing costs unchanged."),
    ("Jobless claims fall to a six-month low", "Employers added more jobs than economists expected."),
    ("Oil prices slip on demand worries", "Brent crude fell 2 percent as traders weighed weaker factory data in Asia."),
    ("Consumer confidence improves in {this_month}", "Households were more upbeat about their finances, a monthly survey showed."),
    ("Port of Rotterdam traffic returns to normal after strike", "Container ships that had waited offshore began unloading on {weekday}."),
    ("Inflation eases to 2.8 percent", "Lower fuel prices offset higher rents, the statistics office said."),
    ("Bond yields climb ahead of budget", "Investors sold government debt on expectations of more borrowing."),
    ("Wheat harvest forecast raised after wet spring", "Farm economists now expect the second-largest crop on record."),
    ("City council approves new transit budget", "The plan adds bus routes and extends late-night service."),
    ("Small-business lending picks up", "Loan applications rose 6 percent in the quarter, a trade group said."),
)
