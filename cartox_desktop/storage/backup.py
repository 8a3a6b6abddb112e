"""Consistent copies of the database while it is in use.

SQLite: the online backup API (sqlite.org/backup.html) copies pages incrementally and sees a
consistent snapshot; never ``cp`` a live WAL database (the ``-wal`` file holds committed
transactions). PostgreSQL: no pg_dump on ward PCs, so every table is copied through SQLAlchemy,
inside one REPEATABLE READ transaction, into a SQLite file with the same schema and triggers; the
copy opens in CARTOX offline and passes ``audit verify`` (hashes cover the exact stored text).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, insert, select, text

STARTUP_KEEP = 7
COPY_ORDER = ("app_user", "patient", "assessment", "assessment_grade", "lab_result", "intervention",
              "patient_course", "audit_event")


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def sqlite_backup(src: Path, dest: Path) -> Path:
    """Copy the live SQLite database ``src`` to ``dest`` atomically (temp file, then rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(str(src), timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target, pages=4096)
            ok = target.execute("PRAGMA integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise RuntimeError(f"backup copy failed its integrity check: {ok}")
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            target.close()
    finally:
        source.close()
    os.replace(tmp, dest)
    return dest


def sqlite_backup_file(src: Path, folder: Path, label: str) -> Path:
    """A timestamped copy of ``src`` in ``folder`` (e.g. before a migration)."""
    return sqlite_backup(src, folder / f"{src.stem}.{label}.{_stamp()}.sqlite3")


def rotating_startup_backup(src: Path, folder: Path, keep: int = STARTUP_KEEP) -> Path | None:
    """At most one start-up copy per calendar day; only the newest ``keep`` are kept."""
    if not src.exists() or src.stat().st_size == 0:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    today = datetime.now().strftime("%Y%m%d")
    existing = sorted(folder.glob(f"{src.stem}.startup.*.sqlite3"))
    made = None
    if not any(p.name.startswith(f"{src.stem}.startup.{today}") for p in existing):
        made = sqlite_backup_file(src, folder, "startup")
        existing = sorted(folder.glob(f"{src.stem}.startup.*.sqlite3"))
    for old in existing[:-keep] if keep > 0 else existing:
        old.unlink(missing_ok=True)
    return made


def copy_to_sqlite(source: Engine, dest_engine: Engine) -> dict[str, int]:
    """Copy every CARTOX table from ``source`` into ``dest_engine`` (already migrated to the same
    head, empty). Returns rows copied per table."""
    counts: dict[str, int] = {}
    meta = MetaData()
    with source.connect() as src:
        if src.dialect.name == "postgresql":
            src.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        tables = {name: Table(name, meta, autoload_with=src) for name in COPY_ORDER}
        with dest_engine.begin() as dst:
            for name in COPY_ORDER:
                table = tables[name]
                dest_table = Table(name, MetaData(), autoload_with=dst)
                key = list(table.primary_key.columns)
                counts[name] = 0
                result = src.execution_options(stream_results=True, yield_per=5000).execute(
                    select(table).order_by(*key))
                for chunk in result.mappings().partitions(5000):
                    dst.execute(insert(dest_table), [dict(row) for row in chunk])
                    counts[name] += len(chunk)
        src.rollback()
    return counts
