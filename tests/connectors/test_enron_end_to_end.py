"""The Enron mailboxes through the README's own commands: `relintel convert`, then
`python -m orchestration.run`. What a new user checks first holds, each point against a count this
test makes itself from the raw files: no newsletter among the best relationships, contacts only
from people who wrote with us, one activity per message however many folder copies, the scorer that
won out of sample, and no message body anywhere after conversion."""

from __future__ import annotations

import email
import email.utils
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from email.message import Message
from pathlib import Path

import duckdb
import pytest

from tests.body_search import files_holding

ROOT = Path(__file__).resolve().parents[2]
ENRON = ROOT.parent / "shared" / "data" / "enron_maildir"
INTERNAL = re.compile(r"@(?:[\w-]+\.)*enron\.(?:com|net)$")
BULK_WORDING = re.compile(r"unsubscrib|opt[- ]?out|to be removed|removed from (?:our|this|the) (?:mailing|e-?mail) list", re.I)


def _addresses(message: Message, *headers: str) -> list[str]:
    values = [v for h in headers for v in message.get_all(h, [])]
    return sorted({a.lower() for _, a in email.utils.getaddresses(values) if "@" in a})


def _body(message: Message) -> str:
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    return payload.decode("latin-1") if payload else ""


def _read_corpus() -> list[dict[str, object]]:
    """Every message file with a plausible date, read with the standard library only."""
    messages = []
    for path in sorted(p for p in ENRON.rglob("*") if p.is_file()):
        message = email.message_from_bytes(path.read_bytes())
        written_year = re.search(r"\b\d{1,2}\s+[A-Za-z]{3}\s+(\d{4})\b", message.get("Date", ""))
        try:
            sent = email.utils.parsedate_to_datetime(message.get("Date", ""))
        except (TypeError, ValueError):
            continue
        # The standard library reads the year 0002 as 2002; the connector rejects it, as a reader would.
        if sent is None or not 1980 <= (int(written_year.group(1)) if written_year else sent.year) <= 2100:
            continue
        sender = _addresses(message, "From")
        messages.append({
            "path": path, "sender": sender[0] if sender else "", "recipients": _addresses(message, "To", "Cc", "Bcc"),
            "subject": re.sub(r"^((re|fw|fwd)\s*:\s*)+", "", (message.get("Subject") or "").strip(), flags=re.I).lower(),
            "body": _body(message), "sent": sent.timestamp(),
        })
    return messages


def _count_after_dedupe(messages: list[dict[str, object]]) -> int:
    """Copies: same sender, recipients, subject and body, sent a whole number of hours (0..14) apart."""
    groups: dict[tuple[object, ...], list[float]] = defaultdict(list)
    for m in messages:
        content = hashlib.sha1(" ".join(str(m["body"]).split()).encode()).hexdigest()
        groups[(m["sender"], tuple(m["recipients"]), m["subject"], content, int(m["sent"]) % 3600)].append(float(m["sent"]))
    count = 0
    for times in groups.values():
        kept: list[float] = []
        for t in sorted(times):
            if not any(abs(t - k) <= 14 * 3600 for k in kept):
                kept.append(t)
        count += len(kept)
    return count


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if not ENRON.is_dir():
        pytest.skip(f"shared sample data not present: {ENRON}")
    tmp = tmp_path_factory.mktemp("enron_e2e")
    extracts = tmp / "extracts"
    relintel = Path(sys.executable).with_name("relintel")
    convert = subprocess.run(
        [str(relintel), "convert", "maildir", str(ENRON), "--out", str(extracts),
         "--internal-domain", "enron.com", "--internal-domain", "enron.net", "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert convert.returncode == 0, convert.stderr
    with duckdb.connect() as con:
        first_day, last_day = con.execute(
            "select min(cast(started_at as timestamptz))::date, max(cast(started_at as timestamptz))::date "
            "from read_csv(?, all_varchar = true)",
            [str(next((extracts / "activities").glob("*.csv")))],
        ).fetchone()
    # The README: point the pipeline at the extracts, partitions from the first day of the data,
    # run as of its last day; nothing else set (no DAGSTER_HOME either).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RI_", "DAGSTER_", "DBT_"))} | {
        "RI_EXTRACT_DIR": str(extracts), "RI_DATA_DIR": str(tmp / "data"), "RI_PARTITION_START": first_day.isoformat(),
    }
    run = subprocess.run([sys.executable, "-m", "orchestration.run", last_day.isoformat()], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {"tmp": tmp, "extracts": extracts, "data": tmp / "data", "as_of": last_day.isoformat(),
            "serving": tmp / "data" / "serving" / "current" / "relintel.duckdb"}


def _query(published: dict[str, object], sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(published["serving"]), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, object]]:
    if not ENRON.is_dir():
        pytest.skip(f"shared sample data not present: {ENRON}")
    return _read_corpus()


def test_no_bulk_sender_among_the_best_relationships(published: dict[str, object], corpus: list[dict[str, object]]) -> None:
    sent, marked = defaultdict(int), defaultdict(int)
    for m in corpus:
        sent[m["sender"]] += 1
        marked[m["sender"]] += bool(BULK_WORDING.search(str(m["body"])))
    bulk = {s for s in sent if not INTERNAL.search(str(s)) and 2 * marked[s] >= sent[s] and marked[s]}
    assert len(bulk) > 10  # the corpus does hold newsletters: the check below means something
    by_score = _query(published, f"""
        select c.email, c.email_addresses from serving.contact_health h join serving.dim_contacts c using (contact_id)
        where h.snapshot_date = date '{published["as_of"]}' and h.score is not null order by h.score desc, c.email limit 20""")
    by_good_days = _query(published, """
        select c.email, c.email_addresses from serving.contact_health h join serving.dim_contacts c using (contact_id)
        where h.rating in ('Good', 'Excellent') group by c.email, c.email_addresses
        order by count(*) desc, c.email limit 20""")
    assert by_score and by_good_days
    for email_address, addresses in by_score + by_good_days:
        assert not ({email_address, *(addresses or "").split(";")} & bulk), f"{email_address} sends bulk mail"


def test_every_contact_exchanged_mail_with_us_directly(published: dict[str, object], corpus: list[dict[str, object]]) -> None:
    direct: set[str] = set()
    for m in corpus:
        recipients = list(m["recipients"])
        if INTERNAL.search(str(m["sender"])):
            direct.update(r for r in recipients if not INTERNAL.search(r))
        elif any(INTERNAL.search(r) for r in recipients):
            direct.add(str(m["sender"]))
    contacts = _query(published, "select email, email_addresses from serving.dim_contacts")
    assert len(contacts) > 50
    strangers = [e for e, addresses in contacts if not ({e, *(addresses or "").split(";")} & direct)]
    assert not strangers


def test_one_activity_per_message_however_many_copies(published: dict[str, object], corpus: list[dict[str, object]]) -> None:
    expected = _count_after_dedupe(corpus)
    emails, excluded = _query(published, """
        select (select count(*) from serving.fct_activities where activity_type = 'email'),
               (select count(*) from serving.excluded_activities)""")[0]
    assert emails + excluded == expected, f"{emails} kept + {excluded} excluded, {expected} distinct by content"


def test_the_scorer_is_the_one_that_won_out_of_sample(published: dict[str, object]) -> None:
    models = Path(published["data"]) / "models"
    for entity in ("contact", "account", "opportunity"):
        version = json.loads((models / entity / "current.json").read_text())["version"]
        card = json.loads((models / entity / version / "model_card.json").read_text())
        used = _query(published, f"""select distinct scoring_method, scoring_method_reason, model_version
                                     from serving.{entity}_health where snapshot_date = date '{published["as_of"]}'""")
        if entity == "opportunity" and not used:
            continue  # mail alone has no deals
        assert len(used) == 1, (entity, used)
        method, reason, used_version = used[0]
        assert used_version == version
        if card["fallback_reason"] is None:
            assert method == "model"
            assert card["metrics"]["model"]["roc_auc"] > card["metrics"]["weighted_rule"]["roc_auc"]
        else:
            assert (method, reason) == ("weighted_rule", card["fallback_reason"])


def test_exclusions_are_published_with_their_evidence_and_never_a_body(published: dict[str, object]) -> None:
    rules = dict(_query(published, "select exclusion_rule, count(*) from serving.excluded_activities group by 1"))
    assert {"bulk_body_markers", "generated_sender", "newsletter_sender", "no_external_party"} <= set(rules)
    assert _query(published, """select count(*) from serving.excluded_activities
                                where exclusion_detail is null or source_ref is null or activity_date is null""")[0][0] == 0
    summary = _query(published, "select sum(activity_count) from serving.hygiene_exclusions_by_sender_domain")[0][0]
    assert summary == sum(rules.values())


def test_no_message_body_anywhere_after_conversion(published: dict[str, object], corpus: list[dict[str, object]]) -> None:
    # Distinctive lines of real bodies: long, not part of any subject, seen in one message only.
    subjects = " ".join(str(m["subject"]) for m in corpus)
    lines: dict[str, int] = defaultdict(int)
    for m in corpus:
        for line in {ln.strip() for ln in str(m["body"]).splitlines()}:
            if 60 <= len(line) <= 120 and line.isprintable() and line.lower() not in subjects:
                lines[line] += 1
    samples = sorted(line for line, n in lines.items() if n == 1)[::97][:30]
    assert len(samples) >= 20
    outputs = [f for f in Path(published["tmp"]).rglob("*") if f.is_file() and f.suffix != ".lock"]
    assert any(f.suffix == ".duckdb" for f in outputs) and any(f.suffix == ".parquet" for f in outputs)
    assert not files_holding(outputs, samples)
