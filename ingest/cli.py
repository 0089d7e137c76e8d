"""Command line: ``relintel convert KIND PATH --out EXTRACT_DIR`` turns an export into an extract batch.

Exit status: 0 on success (the report is printed as JSON on stdout), 2 for bad arguments or
paths, 1 when a connector is unavailable or a conversion fails. Progress goes to stderr, only on
a terminal and never with --quiet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.connectors.base import ConnectorConfig
from ingest.connectors.noise import RULE_ORDER
from ingest.connectors.registry import CONNECTORS, FILE_KINDS, MAIL_KINDS, default_batch_name, load_connector


class UsageError(Exception):
    """A problem with the arguments or paths (exit status 2)."""


BATCH_NAME_MAX = 100
_BATCH_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


def check_batch_name(name: str) -> str:
    """A batch name from outside must be a safe file name: letters, digits and `._-`, no leading
    dot, at most BATCH_NAME_MAX characters."""
    if not _BATCH_NAME.fullmatch(name) or len(name) > BATCH_NAME_MAX or name.endswith("."):
        raise UsageError(
            f"--batch must be a plain file name, i.e. a safe file name (letters, digits, '.', '_', '-'; not starting with '.'; "
            f"at most {BATCH_NAME_MAX} characters), got {name!r}"
        )
    return name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="relintel", description="Relationship-intelligence pipeline tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    convert = commands.add_parser(
        "convert",
        help="convert mail, calendar or CRM exports into a canonical extract batch",
        description="Convert an export into one batch of the canonical extract (see docs/connectors.md).",
    )
    convert.add_argument("kind", choices=sorted(CONNECTORS), help="what PATH holds")
    convert.add_argument("path", type=Path, metavar="PATH", help="input file or folder")
    convert.add_argument("--out", required=True, type=Path, metavar="EXTRACT_DIR", help="extract folder (one sub-folder per entity)")
    convert.add_argument("--batch", "--batch-name", dest="batch", metavar="NAME", help="batch file name (default: UTC timestamp and kind, e.g. 20250301T020000-maildir)")
    convert.add_argument("--format", choices=("csv", "parquet"), default="csv", help="batch file format (default csv)")
    convert.add_argument("--internal-domain", action="append", default=[], metavar="D", help="your organisation's mail domain (repeatable)")
    convert.add_argument("--allow-sender", action="append", default=[], metavar="X", help="address or domain always kept (repeatable)")
    convert.add_argument("--deny-sender", action="append", default=[], metavar="X", help="address or domain always excluded (repeatable)")
    convert.add_argument("--disable-rule", action="append", default=[], metavar="RULE", help=f"noise rule to switch off (repeatable): {', '.join(RULE_ORDER)}")
    convert.add_argument("--window-start", metavar="DATE", help="calendars: first day of recurrence expansion (ISO date)")
    convert.add_argument("--window-end", metavar="DATE", help="calendars: last day of recurrence expansion (ISO date, inclusive)")
    convert.add_argument("--timezone", default="UTC", metavar="TZ", help="IANA zone for times given without one (default UTC)")
    convert.add_argument("--owner", metavar="ADDRESS", help="mail: the mailbox owner's address (default: inferred)")
    convert.add_argument("--no-directory", action="store_true", help="mail/ics: do not derive users, accounts and contacts (CRM exports provide them)")
    convert.add_argument("--keep-bodies", action="store_true", help="also write message bodies (by default only their sentiment is written)")
    convert.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _check_date(value: str | None, flag: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} must be an ISO date such as 2025-03-01, got {value!r}") from None
    return parsed.replace(tzinfo=None)


def config_from_args(args: argparse.Namespace) -> ConnectorConfig:
    """Validate the options and build the connector configuration."""
    start, end = _check_date(args.window_start, "--window-start"), _check_date(args.window_end, "--window-end")
    if start and end and start > end:
        raise UsageError("--window-start is after --window-end")
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone: unknown time zone {args.timezone!r}") from None
    unknown = sorted(set(args.disable_rule) - set(RULE_ORDER))
    if unknown:
        raise UsageError(f"--disable-rule: unknown rule(s) {', '.join(unknown)}; rules are {', '.join(RULE_ORDER)}")
    return ConnectorConfig(
        internal_domains=tuple(d.strip().lower().lstrip("@") for d in args.internal_domain),
        allow_senders=tuple(args.allow_sender),
        deny_senders=tuple(args.deny_sender),
        window_start=args.window_start,
        window_end=args.window_end,
        default_timezone=args.timezone,
        disabled_rules=tuple(args.disable_rule),
        extract_format=args.format,
        keep_bodies=args.keep_bodies,
    )


def _check_paths(args: argparse.Namespace) -> None:
    if not args.path.exists():
        raise UsageError(f"PATH does not exist: {args.path}")
    if args.path.is_file() and args.kind not in FILE_KINDS:
        raise UsageError(f"{args.kind} expects a folder, {args.path} is a file")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out is not a folder: {args.out}")
    if args.batch is not None:
        check_batch_name(args.batch)
    if args.owner and args.kind not in MAIL_KINDS:
        raise UsageError("--owner applies to mail inputs (mbox, maildir, eml) only")
    if args.no_directory and args.kind not in (*MAIL_KINDS, "ics"):
        raise UsageError("--no-directory applies to mail and calendar inputs only")


def _is_input_error(exc: Exception) -> bool:
    """True for a connector's "this export cannot be read" error (a bad PATH, exit status 2)."""
    try:
        from ingest.connectors.crm.errors import ConnectorInputError
    except ImportError:
        return False
    return isinstance(exc, ConnectorInputError)


def _progress_bar(kind: str, quiet: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(desc=f"{kind}", unit="item", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), leave=False)


def run_convert(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    _check_paths(args)
    converter = load_connector(args.kind)
    batch = args.batch or default_batch_name(args.kind)
    accepted = inspect.signature(converter).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    options: dict[str, object] = {}
    if args.owner:
        options["owner"] = args.owner
    if args.no_directory:
        options["derive_directory"] = False
    bar = _progress_bar(args.kind, args.quiet)
    if takes_any or "progress" in accepted:
        options["progress"] = bar
    try:
        report = converter(args.path, args.out, batch_name=batch, config=config, **options)
    finally:
        bar.close()
    try:
        print(json.dumps(report.as_dict(), indent=2, default=str), flush=True)
    except BrokenPipeError:  # `relintel convert ... | head`: the reader left, the batch is written anyway
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``relintel`` console script and ``python -m ingest.cli``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "convert":
            return run_convert(args)
    except UsageError as exc:
        parser.exit(2, f"relintel: error: {exc}\n")
    except RuntimeError as exc:
        print(f"relintel: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # report, do not dump a traceback on a data engineer's terminal
        if _is_input_error(exc):
            parser.exit(2, f"relintel: error: {exc}\n")
        print(f"relintel: error: {args.kind} conversion failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
