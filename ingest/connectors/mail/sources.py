"""Find the raw messages in an mbox, a maildir tree or .eml files, without parsing them yet.

Each message is one ``RawMessage`` with a stable ``source_ref`` (path relative to the input, plus
``#n`` inside an mbox) and the mailbox it belongs to, so the converter can tell whose mail it is.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Folder names that identify a mailbox's own folders (so PATH is one mailbox, not a set of them).
_MAIL_FOLDER_RE = re.compile(
    r"^[._]*(cur|new|tmp|inbox|sent.*|.*_sent.*|drafts?|trash|deleted.*|archives?|junk.*|spam|outbox|"
    r"all_documents|notes_inbox|discussion_threads|calendar|contacts|tasks)$",
    re.IGNORECASE,
)
_SENT_FOLDER_RE = re.compile(r"(^|[/\\_.\s-])(sent|gesendet|envoy|enviados|outbox)", re.IGNORECASE)
# Bookkeeping files mail servers and clients keep next to messages; they are not messages.
_NOT_MESSAGES_RE = re.compile(
    r"^(maildirfolder|subscriptions|dovecot.*|courierimap.*|\.?uidvalidity|.*\.msf|.*\.sqlite|\.ds_store|thumbs\.db)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RawMessage:
    """One message still in bytes, with where it came from."""

    source_ref: str
    mailbox: str  # key of the mailbox (maildir top folder, the mbox input, or the .eml input)
    folder: str  # folder within the mailbox, e.g. "sent_items" (used to spot sent mail)
    load: Callable[[], bytes]

    @property
    def in_sent_folder(self) -> bool:
        return bool(_SENT_FOLDER_RE.search(self.folder))


def _natural_key(path: Path) -> list[object]:
    # "2." before "10." so reports read in the order people expect.
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", path.as_posix())]


def _is_message_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink() and not path.name.startswith(".") and not _NOT_MESSAGES_RE.match(path.name)


def maildir_mailboxes(root: Path) -> list[Path]:
    """The mailboxes under a maildir PATH: PATH itself, or each of its subfolders.

    PATH is one mailbox when it holds messages directly or any subfolder has a mail-folder name
    (cur, new, inbox, sent, ...); otherwise each subfolder is one mailbox (e.g. one per person,
    as in the Enron corpus: ``maildir/<person>/<folder>/<n>.``).
    """
    children = [c for c in root.iterdir() if not c.name.startswith(".") or c.is_dir()]
    if any(_is_message_file(c) for c in children) or any(c.is_dir() and _MAIL_FOLDER_RE.match(c.name) for c in children):
        return [root]
    return sorted((c for c in children if c.is_dir()), key=_natural_key)


def maildir_skipped_files(root: Path) -> dict[str, str]:
    """Files of a maildir tree that are not read as messages, each with the reason (for the report)."""
    skipped: dict[str, str] = {}
    for box in maildir_mailboxes(root):
        for path in sorted(box.rglob("*"), key=_natural_key):
            if path.is_symlink() or not path.is_file():
                if path.is_symlink():
                    skipped[path.relative_to(root).as_posix()] = "symbolic link: not followed"
                continue
            rel = path.relative_to(box).parts
            if path.name.startswith("."):
                reason = "hidden file (name starts with '.'): not read as a message"
            elif _NOT_MESSAGES_RE.match(path.name):
                reason = "maildir bookkeeping file: not a message"
            elif "tmp" in rel[:-1]:
                reason = "in a tmp/ folder (delivery in progress): not read"
            else:
                continue
            skipped[path.relative_to(root).as_posix()] = reason
    return skipped


def maildir_messages(root: Path) -> list[RawMessage]:
    """Every message file in a maildir tree (standard cur/new or a plain folder tree); tmp/ is skipped."""
    out: list[RawMessage] = []
    for box in maildir_mailboxes(root):
        files = [p for p in box.rglob("*") if _is_message_file(p) and "tmp" not in p.relative_to(box).parts[:-1]]
        for path in sorted(files, key=_natural_key):
            rel_folder = path.parent.relative_to(box).as_posix()
            out.append(
                RawMessage(
                    source_ref=path.relative_to(root.parent if box == root else root).as_posix(),
                    mailbox=box.name,
                    folder="" if rel_folder == "." else rel_folder,
                    load=path.read_bytes,
                )
            )
    return out


def _looks_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"From "
    except OSError:
        return False


def mbox_messages(path: Path) -> list[RawMessage]:
    """Every message of one mbox file, or of every mbox file in a folder (one mailbox together)."""
    files = [path] if path.is_file() else sorted((p for p in path.rglob("*") if p.is_file() and _looks_like_mbox(p)), key=_natural_key)
    base = path.parent if path.is_file() else path
    out: list[RawMessage] = []
    for file in files:
        box = mailbox.mbox(file, create=False)
        rel = file.relative_to(base).as_posix()
        folder = file.stem if path.is_dir() else file.name
        for index, key in enumerate(box.keys()):
            out.append(RawMessage(f"{rel}#{index}", path.name, folder, _mbox_loader(box, key)))
    return out


def _mbox_loader(box: mailbox.mbox, key: str) -> Callable[[], bytes]:
    return lambda: box.get_bytes(key)


def eml_messages(path: Path) -> list[RawMessage]:
    """One .eml file, or every .eml file under a folder."""
    if path.is_file():
        return [RawMessage(path.name, path.name, "", path.read_bytes)]
    files = sorted((p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".eml"), key=_natural_key)
    return [
        RawMessage(p.relative_to(path).as_posix(), path.name, p.parent.relative_to(path).as_posix().strip("."), p.read_bytes)
        for p in files
    ]
