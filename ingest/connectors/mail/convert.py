"""Raw mail (mbox, maildir, .eml) -> canonical activities, parties, people and the audit entities.

Every message read ends in exactly one place: an activity, a duplicate of one, an excluded
activity (with the noise rule) or a source rejection (with the reason).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ingest.connectors.base import (
    ConnectorConfig,
    ConversionReport,
    ExtractBuffer,
    NoProgress,
    Progress,
    record_exclusion,
    record_rejection,
)
from ingest.connectors.identity import IdentityResolver, normalize_address
from ingest.connectors.mail.dedupe import Deduplicator
from ingest.connectors.mail.directory import add_directory
from ingest.connectors.mail.headers import zone
from ingest.connectors.mail.message import MessageRejected, ParsedMessage, parse_message
from ingest.connectors.mail.owner import internal_policy, mailbox_owners
from ingest.connectors.mail.senders import direct_counterparts, sender_histories, sending_scope
from ingest.connectors.mail.sources import RawMessage, eml_messages, maildir_messages, maildir_skipped_files, mbox_messages
from ingest.connectors.mail.threads import ThreadInput, resolve_threads
from ingest.connectors.noise import ItemFacts, classify

# Lists in the report are for reading, not for processing: long ones are cut here.
_REPORT_LIST_LIMIT = 100


def convert_maildir(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig, **options: Any) -> ConversionReport:
    """Convert a maildir (standard cur/new, or a folder tree such as the Enron corpus; one or several mailboxes)."""
    report = convert_messages("maildir", maildir_messages(Path(input_dir)), out_dir, batch_name=batch_name, config=config, **options)
    skipped = maildir_skipped_files(Path(input_dir))
    if skipped:  # counted and reported, never silently ignored
        report.details["skipped_files"] = skipped
    return report


def convert_mbox(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig, **options: Any) -> ConversionReport:
    """Convert one mbox file, or every mbox file in a folder (treated as one mailbox)."""
    return convert_messages("mbox", mbox_messages(Path(input_dir)), out_dir, batch_name=batch_name, config=config, **options)


def convert_eml(input_dir: Path, out_dir: Path, *, batch_name: str, config: ConnectorConfig, **options: Any) -> ConversionReport:
    """Convert one .eml file, or every .eml file under a folder (treated as one mailbox)."""
    return convert_messages("eml", eml_messages(Path(input_dir)), out_dir, batch_name=batch_name, config=config, **options)


def convert_messages(
    connector: str,
    raw_messages: list[RawMessage],
    out_dir: Path,
    *,
    batch_name: str,
    config: ConnectorConfig,
    progress: Progress | None = None,
    owner: str | None = None,
    derive_directory: bool = True,
    now: dt.datetime | None = None,
) -> ConversionReport:
    """Parse, de-duplicate, filter, thread and write the messages as one extract batch.

    ``owner`` names the mailbox owner's address (otherwise inferred per mailbox);
    ``derive_directory=False`` leaves users, accounts and contacts to CRM exports;
    ``now`` fixes the reference time for the future-date check (tests).
    """
    report = ConversionReport(connector=connector)
    buffer = ExtractBuffer()
    progress = progress if progress is not None else NoProgress()
    now = now or dt.datetime.now(dt.timezone.utc)
    parsed = _parse_all(raw_messages, buffer, report, progress, now, zone(config.default_timezone))

    owners = mailbox_owners(parsed, explicit=normalize_address(owner) if owner else None)
    policy, inferred = internal_policy(config.internal_domains, [o for o, _ in owners.values()], config.personal_domains)

    dedupe = Deduplicator()
    unique: list[tuple[ParsedMessage, str]] = []
    for msg in parsed:
        duplicate, _fp, ident = dedupe.check(msg)
        if duplicate:
            report.duplicates += 1
            report.count_detail("duplicates_by_key", duplicate.kind)
            continue
        unique.append((msg, ident))

    histories = sender_histories((m for m, _ in unique), policy, config.personal_domains)
    kept: list[tuple[ParsedMessage, str]] = []
    for msg, ident in unique:
        facts = ItemFacts(
            sender=msg.sender,
            recipients=tuple(msg.recipients),
            headers=msg.noise_headers,
            body_markers=msg.bulk_markers,
            history=histories.get(sending_scope(msg.sender, config.personal_domains)),
        )
        exclusion = classify(facts, policy, allow=config.allow_senders, deny=config.deny_senders, disabled=config.disabled_rules)
        if exclusion:
            record_exclusion(buffer, report, _excluded_row(msg, ident, exclusion.rule, exclusion.detail))
            continue
        kept.append((msg, ident))

    links = resolve_threads(
        [ThreadInput(i, m.message_id, m.in_reply_to, m.references, m.subject, m.sent_at, m.participants) for m, i in kept],
        dedupe.aliases(),
    )
    resolver = IdentityResolver()
    for msg, _ in kept:
        resolver.observe(msg.sender, msg.sender_name)
        for address, name in (*msg.to, *msg.cc, *msg.bcc):
            resolver.observe(address, name)
    for box in {m.mailbox for m, _ in kept}:
        if owners.get(box, (None, ""))[0]:
            resolver.observe(owners[box][0])  # the owner is a user even if only in Bcc-less sent mail
    identity = resolver.resolve()

    counterparts = direct_counterparts((m for m, _ in kept), policy) if policy.known else None
    user_of = add_directory(buffer, identity, policy, config.personal_domains, counterparts) if derive_directory else {}

    for msg, ident in kept:
        link = links[ident]
        report.count_detail("parents_by_method", link.method)
        owner_address = owners.get(msg.mailbox, (None, ""))[0]
        buffer.add("activities", _activity_row(msg, ident, link.thread_id, link.parent_activity_id, user_of.get(owner_address or "")))
        for row in _party_rows(msg, ident):
            buffer.add("activity_parties", row)
        report.activities += 1

    report.check_accounted()
    report.details.update(
        {
            "mailboxes": {box: {"owner": o, "owner_inferred_by": how} for box, (o, how) in sorted(owners.items())},
            "internal_domains": list(policy.domains),
            "internal_domains_inferred": inferred,
            "party_rules_applied": policy.known,
            "dates_from_received_header": sum(1 for m, _ in kept if m.date_source == "received"),
            "threads": len({link.thread_id for link in links.values()}),
            "message_id_collisions": dedupe.id_collisions,
            "duplicates_hour_shifted": dedupe.hour_shift_merges,
            "identity_merges": _capped(identity.merges),
            "shared_addresses": _capped([{"address": a, "names": list(n)} for a, n in sorted(identity.shared_addresses.items())]),
        }
    )
    buffer.write(out_dir, batch_name, report, fmt=config.extract_format, keep_bodies=config.keep_bodies)
    return report


def _parse_all(
    raw_messages: list[RawMessage],
    buffer: ExtractBuffer,
    report: ConversionReport,
    progress: Progress,
    now: dt.datetime,
    default_tz: dt.tzinfo,
) -> list[ParsedMessage]:
    progress.reset(total=len(raw_messages))
    parsed: list[ParsedMessage] = []
    for raw in raw_messages:
        report.inputs_read += 1
        try:
            parsed.append(
                parse_message(
                    raw.load(),
                    source_ref=raw.source_ref,
                    mailbox=raw.mailbox,
                    in_sent_folder=raw.in_sent_folder,
                    now=now,
                    default_tz=default_tz,
                )
            )
        except MessageRejected as exc:
            record_rejection(buffer, report, source_ref=raw.source_ref, reason=exc.reason, detail=exc.detail)
        except OSError as exc:
            record_rejection(buffer, report, source_ref=raw.source_ref, reason="unreadable file", detail=str(exc))
        except Exception as exc:  # real mail breaks parsers in endless ways; one message never stops the rest
            record_rejection(buffer, report, source_ref=raw.source_ref, reason="unparseable message", detail=f"{type(exc).__name__}: {exc}")
        progress.update(1)
    return parsed


def _activity_row(msg: ParsedMessage, ident: str, thread_id: str, parent: str | None, owner_user_id: str | None) -> dict[str, Any]:
    return {
        "activity_id": ident,
        "activity_type": "email",
        "started_at": msg.sent_at,
        "status": "completed",
        "source": "synced",
        "subject": msg.subject,
        "thread_id": thread_id,
        "parent_activity_id": parent,
        "internet_message_id": msg.message_id,
        "owner_user_id": owner_user_id,
        # Read for body_sentiment when the batch is written, and written only with --keep-bodies
        # (ingest.extract_writer; docs/connectors.md, Privacy).
        "body_text": msg.body,
    }


def _party_rows(msg: ParsedMessage, ident: str) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    roles = [("sender", [(msg.sender, msg.sender_name)]), ("to", msg.to), ("cc", msg.cc), ("bcc", msg.bcc)]
    for role, people in roles:
        for address, name in people:
            rows.setdefault(
                (role, address),
                {"activity_id": ident, "party_role": role, "email_address": address, "display_name": name},
            )
    return list(rows.values())


def _excluded_row(msg: ParsedMessage, ident: str, rule: str, detail: str) -> dict[str, Any]:
    return {
        "activity_id": ident,
        "rule": rule,
        "detail": detail,
        "activity_type": "email",
        "started_at": msg.sent_at,
        "sender_address": msg.sender,
        "subject": msg.subject,
        "source_ref": msg.source_ref,
    }


def _capped(items: list[Any]) -> dict[str, Any]:
    return {"count": len(items), "items": items[:_REPORT_LIST_LIMIT]}
