"""Which files of an entity folder are batches, what each batch is called, and where it is stored.

Every file in an entity folder is accounted for: a batch (CSV, gzip-compressed CSV or Parquet,
suffixes in any case), a refused file (a symlink, which is never followed, or a file of another
kind: it gets a file-level quarantine entry) or a skipped one (a hidden file, i.e. a batch still
being written; reported in the landing result, landed once renamed).

Batch ids are the file name without its format suffix (`2025-03.csv` -> `2025-03`), so ids sort
like the file names. When two files of one folder share that stem (`b1.csv` and `b1.parquet`),
both keep their format in the id (`b1.csv`, `b1.parquet`) so that neither overwrites the other.
The storage key names the landed files of a batch; it is the id when that is a safe, short file
name, otherwise a readable prefix plus a hash, so any file name (quotes, unicode, 250 bytes) works.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

# Batch formats by (lower-case) suffix; longest suffix first.
FORMATS: tuple[tuple[str, str], ...] = ((".csv.gz", "csv.gz"), (".parquet", "parquet"), (".csv", "csv"))
SUPPORTED_SUFFIXES = tuple(suffix for suffix, _ in FORMATS)
MAX_KEY_BYTES = 180  # leaves room for ".parquet", ".json" and temporary names within 255 bytes
_SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BatchFile:
    entity: str
    batch_id: str
    path: Path
    relative_path: str  # entity/file name: stable across machines, used in the tables
    fmt: str = "csv"  # csv | csv.gz | parquet; "" for a refused file
    refusal: str | None = None  # why a file that is not a batch is refused (quarantined as a whole)

    @property
    def storage_key(self) -> str:
        # Refused files get a hashed key of their own, so they never share files with a batch.
        return storage_key(f"refused:{self.batch_id}" if self.refusal else self.batch_id)


@dataclass(frozen=True)
class SkippedFile:
    entity: str
    relative_path: str
    reason: str


def printable(name: str) -> str:
    """A file name as valid UTF-8 text (undecodable bytes shown as \\xNN)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def split_format(name: str) -> tuple[str, str] | None:
    """(stem, format) of a batch file name, or None when the suffix is not a batch format."""
    lower = name.lower()
    for suffix, fmt in FORMATS:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], fmt
    return None


def storage_key(batch_id: str) -> str:
    """File-name-safe, length-bounded name of a batch's landed files (stable for a given id)."""
    if _SAFE_KEY.fullmatch(batch_id) and len(batch_id) <= MAX_KEY_BYTES:
        return batch_id
    prefix = _UNSAFE_CHARS.sub("_", batch_id).strip("._")[:60]
    digest = hashlib.sha256(batch_id.encode("utf-8")).hexdigest()[:16]
    return f"{prefix}~{digest}" if prefix else f"batch~{digest}"


def temp_name(path: Path) -> Path:
    """A hidden temporary sibling of path whose name always fits (readers ignore hidden files)."""
    return path.with_name(f".{hashlib.sha256(path.name.encode('utf-8', 'surrogateescape')).hexdigest()[:24]}.tmp")


def scan_folder(folder: Path, entity: str) -> tuple[list[BatchFile], list[SkippedFile]]:
    """Every entry of one entity folder as a batch, a refused file or a skipped file."""
    if not folder.is_dir():
        return [], []
    batches: list[tuple[str, str, Path, str]] = []  # stem, fmt, path, shown name
    refused: list[BatchFile] = []
    skipped: list[SkippedFile] = []
    for path in sorted(folder.iterdir()):
        shown = printable(path.name)
        relative = f"{entity}/{shown}"
        if path.is_symlink():
            refused.append(BatchFile(entity, shown, path, relative, "", "symlink refused: links are never followed"))
        elif path.name.startswith("."):
            skipped.append(SkippedFile(entity, relative, "hidden file (a batch still being written?): not landed until renamed"))
        elif not path.is_file():
            skipped.append(SkippedFile(entity, relative, "not a regular file (folder or device): ignored"))
        elif (parts := split_format(path.name)) is None:
            refused.append(
                BatchFile(entity, shown, path, relative, "",
                          f"not a batch file: batches end in {', '.join(SUPPORTED_SUFFIXES)} (any case)")
            )
        else:
            batches.append((parts[0], parts[1], path, shown))
    stems: dict[str, int] = {}
    for stem, *_ in batches:
        stems[stem] = stems.get(stem, 0) + 1
    found = [
        BatchFile(entity, printable(stem if stems[stem] == 1 else f"{stem}.{fmt}"), path, f"{entity}/{shown}", fmt)
        for stem, fmt, path, shown in batches
    ]
    return sorted(found + refused, key=lambda b: b.batch_id), skipped
