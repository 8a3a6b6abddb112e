"""``cartox backup``: a consistent copy of the database while it is in use, logged as an export.

SQLite: the online backup API. PostgreSQL: every table copied through SQLAlchemy in one
REPEATABLE READ snapshot into a new SQLite file with the same schema and guards (no pg_dump
needed on a ward PC); the copy opens offline and passes ``audit verify``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from cartox_desktop.storage.backup import copy_to_sqlite, sqlite_backup
from cartox_desktop.storage.store import Store, open_store

from .common import acting_user
from .dto import Actor
from .errors import FieldIssue, ValidationFailed
from .exports import record_export


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_database(store: Store, actor: Actor, out: Path) -> tuple[Path, str]:
    """Copy the whole database to the new SQLite file ``out``; returns (path, SHA-256)."""
    out = out.expanduser().resolve()
    if out.exists():
        raise ValidationFailed([FieldIssue("out", str(out), "already exists; a backup never overwrites a file, "
                                           "choose a new name")], "backup")
    with store.reading() as session:
        acting_user(session, actor)
    if store.dialect == "sqlite":
        source = store.sqlite_path
        assert source is not None
        sqlite_backup(source, out)
    else:
        target = open_store(f"sqlite:///{out}")
        try:
            copy_to_sqlite(store.engine, target.engine)
        finally:
            target.close()
        single = sqlite3.connect(out)  # checkpoint the WAL into one self-contained file
        try:
            single.execute("PRAGMA journal_mode=DELETE")
        finally:
            single.close()
    sha = _sha256_file(out)
    record_export(store, actor, "backup", None, sha, {"path": str(out), "source": store.display_url})
    return out, sha
