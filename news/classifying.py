"""What a matched news item reports: merger/acquisition, leadership change, product launch, funding,
earnings, layoffs, legal, partnership, or other.

Transparent rules, no model: each event type has phrases with a weight (a strong phrase such as
"steps down" 3, a weak one such as "CEO" 1); a phrase in the title counts twice. The type with the
highest total wins when it reaches MINIMUM_SCORE (ties go to the type listed first); otherwise the
item is `other`. The phrases found are the classification's evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EVENT_TYPES = ("merger_acquisition", "leadership_change", "layoffs", "funding", "earnings", "legal",
               "partnership", "product_launch", "other")
MINIMUM_SCORE = 2
TITLE_FACTOR = 2

# (pattern, weight) per event type; patterns are whole-word, case-insensitive regular expressions.
_RULES: dict[str, tuple[tuple[str, int], ...]] = {
    "merger_acquisition": (
        (r"acquir(?:e|es|ed|ing)", 3), (r"acquisitions?", 3), (r"merg(?:e|es|ed|er|ers|ing)", 3),
        (r"takeover|take over|buyout|buy-out", 3), (r"(?:agrees? to |to )?(?:buy|buys|bought|purchase[sd]?)", 2),
        (r"combine[sd]?|combination", 1), (r"deal (?:valued|worth)", 2),
    ),
    "leadership_change": (
        (r"appoint(?:s|ed|ment)?", 3), (r"names? (?:a )?new", 3), (r"steps? down|stepping down|stepped down", 3),
        (r"resign(?:s|ed|ation)?", 3), (r"retire(?:s|d|ment)?", 2),
        (r"(?:to|will) leave|leaves|leaving|exits?|depart(?:s|ure|ing)?|will depart", 2), (r"successor|succeeds?|succeeded", 3),
        (r"new (?:ceo|cfo|coo|cto|chief|president|chair(?:man|woman)?|head)", 3), (r"promot(?:es|ed|ion)", 2),
        (r"hires?|hired|joins? as|to lead", 2), (r"ousts?|ousted|fired|dismiss(?:es|ed)", 2),
        (r"ceo|cfo|coo|cto|chief executive|chief [a-z]+ officer|president|chair(?:man|woman)?|board", 1),
        (r"leadership|executive", 1),
    ),
    "layoffs": (
        (r"lay(?:s|ing)? off|laid off|layoffs?", 4), (r"job cuts?|cuts? (?:\d[\d,]* )?jobs|jobs? losses", 4),
        (r"redundanc(?:y|ies)|workforce reduction|reduc(?:e|es|ing) (?:its )?workforce", 4),
        (r"headcount|restructur(?:e|es|ing)|plant closures?|clos(?:e|es|ing) (?:its )?(?:plant|factory|stores?|offices?)", 2),
    ),
    "funding": (
        (r"raises?|raised|raising", 2), (r"funding|financing", 3), (r"series [a-f]|seed round|funding round|round of funding", 4),
        (r"venture|investors?|backed by|led by", 1), (r"valuation|valued at", 2), (r"ipo|initial public offering|goes public|go public", 3),
    ),
    "earnings": (
        (r"earnings", 3), (r"quarterly|quarter|q[1-4]|fiscal|full-year|annual results", 2),
        (r"revenues?|profits?|net income|losses|operating margin|eps|per share", 2),
        (r"results|guidance|forecast|outlook|beats? estimates|miss(?:es|ed)? estimates", 1),
        (r"sales (?:rose|fell|grew|jumped|dropped|declined|increased)", 2),
    ),
    "legal": (
        (r"lawsuits?|sues?|sued|suing|litigation|class action", 4), (r"court|judge|jury|ruling|ruled|verdict", 2),
        (r"settle(?:s|d|ment)?", 2), (r"fined|fines? of|penalt(?:y|ies)", 3), (r"regulators?|antitrust|competition authority", 2),
        (r"investigation|investigat(?:es|ed|ing)|probe|subpoena|charged|indicted|complaint", 2), (r"patents?|infring(?:e|es|ed|ement)", 2),
        (r"gdpr|data protection authority|privacy violations?|recall(?:s|ed)?", 2),
    ),
    "partnership": (
        (r"partner(?:s|ed|ing|ship|ships)?(?: with)?", 3), (r"teams? up|teamed up", 3), (r"alliance|joint venture|collaborat(?:e|es|ed|ion|ing)", 3),
        (r"(?:signs?|signed|strikes?|struck) (?:a )?(?:deal|agreement|contract)", 2), (r"integration with|works with|together with", 1),
    ),
    "product_launch": (
        (r"launch(?:es|ed|ing)?", 3), (r"unveil(?:s|ed|ing)?", 3), (r"introduc(?:e|es|ed|ing)", 2), (r"rolls? out|rolled out|debuts?", 3),
        (r"releases?|released|now available|available now|goes on sale|general availability|beta", 2),
        (r"new (?:product|service|platform|app|model|version|line|feature|tool|api)s?", 2), (r"announc(?:e|es|ed|ing)", 1),
        (r"you can now|now supports?|now offers?", 2),
    ),
}
_COMPILED = {event: tuple((re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE), w) for p, w in rules)
             for event, rules in _RULES.items()}


@dataclass(frozen=True)
class Classification:
    event_type: str
    score: int
    evidence: tuple[str, ...]  # the phrases found, as written


def classify(title: str, summary: str) -> Classification:
    """The event type an item reports, with the phrases that decided it."""
    best = Classification("other", 0, ())
    for event in EVENT_TYPES[:-1]:
        score, found = 0, []
        for pattern, weight in _COMPILED[event]:
            in_title = pattern.search(title)
            hit = in_title or pattern.search(summary)
            if hit:
                score += weight * (TITLE_FACTOR if in_title else 1)
                found.append(hit.group(0))
        if score > best.score:
            best = Classification(event, score, tuple(found))
    return best if best.score >= MINIMUM_SCORE else Classification("other", best.score, best.evidence)
