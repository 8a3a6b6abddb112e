"""The newest audit-chain head this computer has seen, kept outside the database.

A hash chain proves that every event links to the one before, but not that the newest events
are still there: after deleting the last events, what is left still links (FDA 21 CFR 11.10(e)
asks for audit trails that cannot be obscured). Every PDF prints the head for that reason, and
``cartox audit verify --anchor`` checks a printed one. In addition each computer keeps the
newest head it has seen in its own data folder (``chain-anchors.json``): on the ward PC for a
shared PostgreSQL server, beside but outside the SQLite file for the embedded database.
``verify`` checks it automatically, so deleting the newest events (or putting back an older
copy of the database) is reported without anyone typing an anchor.

Anchors are kept per database: its location plus the hash of its first event, so a new
database at the same path starts afresh while a restored older copy of the same one is caught.
Recording is best effort: a computer that cannot write its data folder still works.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from cartox_desktop.storage.canonical import sha256_hex
from cartox_desktop.storage.paths import data_dir
from cartox_desktop.storage.store import Store

from .common import stamps

ANCHOR_FILE = "chain-anchors.json"


@dataclass(frozen=True)
class LocalAnchor:
    seq: int
    hash: str
    recorded_at: str  # UTC ISO text


def anchor_file() -> Path:
    return data_dir() / ANCHOR_FILE


def _database_key(store: Store) -> str | None:
    """The database's identity: where it is, and its first event (None for an empty trail)."""
    from .audit import event_hash_at  # audit verifies with this module's anchors

    first = event_hash_at(store, 1)
    if first is None:
        return None
    url = make_url(store.url)
    if store.dialect == "sqlite":
        where = str(Path(url.database or "").resolve())
    else:
        where = f"{url.host or ''}:{url.port or ''}/{url.database or ''}"
    return sha256_hex(f"{store.dialect}|{where}|{first}")


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def local_anchor(store: Store) -> LocalAnchor | None:
    """The newest head this computer recorded for ``store``'s database, if any."""
    key = _database_key(store)
    entry = _read(anchor_file()).get(key) if key else None
    if not isinstance(entry, dict):
        return None
    try:
        return LocalAnchor(int(entry["seq"]), str(entry["hash"]), str(entry.get("recorded_at", "")))
    except (KeyError, TypeError, ValueError):
        return None


def remember_head(store: Store) -> LocalAnchor | None:
    """Record the current chain head for this database (never an older one than recorded).
    Returns what is recorded now; None for an empty trail or when the folder cannot be written."""
    from .audit import chain_head, event_hash_at  # audit verifies with this module's anchors

    head = chain_head(store)
    key = _database_key(store)
    if head is None or key is None:
        return None
    try:
        path = anchor_file()
        data = _read(path)
        entry = data.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
            kept = LocalAnchor(entry["seq"], str(entry.get("hash")), str(entry.get("recorded_at", "")))
            # Never backwards, and never past evidence: an anchor whose event is gone or changed
            # stays as it is until verify has reported it and someone deals with it.
            if kept.seq >= head.seq or event_hash_at(store, kept.seq) != kept.hash:
                return kept
        utc, _ = stamps()
        data[key] = {"seq": head.seq, "hash": head.hash, "recorded_at": utc, "database": store.display_url}
        tmp = path.with_name(f".{ANCHOR_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one
        return LocalAnchor(head.seq, head.hash, utc)
    except OSError:
        return None
