"""The event classifier: transparent phrase rules, the deciding phrases as evidence."""

import pytest

from news.classifying import EVENT_TYPES, classify


@pytest.mark.parametrize(("title", "summary", "event"), [
    ("Acme to acquire Globex for $2bn", "", "merger_acquisition"),
    ("Acme and Globex agree to merge", "", "merger_acquisition"),
    ("Acme names new chief executive", "Jordan Ellis steps down after ten years.", "leadership_change"),
    ("Acme appoints Priya Shah as CFO", "", "leadership_change"),
    ("Acme unveils its next-generation platform", "", "product_launch"),
    ("Acme raises $40m in Series B funding", "", "funding"),
    ("Acme quarterly revenue beats estimates", "Profit rose 12% in the fourth quarter.", "earnings"),
    ("Acme to cut 1,200 jobs", "The layoffs hit its plants.", "layoffs"),
    ("Regulator fines Acme over data breach", "", "legal"),
    ("Acme sued by former partner", "", "legal"),
    ("Acme teams up with Globex on logistics", "", "partnership"),
    ("Acme sponsors local marathon", "Runners gathered on Sunday.", "other"),
])
def test_classify(title: str, summary: str, event: str) -> None:
    result = classify(title, summary)
    assert result.event_type == event
    assert result.event_type in EVENT_TYPES
    if event != "other":
        assert result.evidence


def test_title_outweighs_summary() -> None:
    assert classify("Acme launches a new app", "Shares rose after the quarterly results.").event_type == "product_launch"


def test_a_departure_is_a_leadership_change() -> None:
    assert classify("Jordan Ellis to leave Blue Ridge Hotels", "The procurement director will depart in April.").event_type == "leadership_change"
