"""Schema migrations at start-up: Alembic driven from code, with a backup taken first.

engineering-notes §4.1: build ``Config()`` in code (no alembic.ini at run time), resolve the
scripts from the repository or the PyInstaller bundle, compare the database's revision with the
head, back up an existing SQLite file before changing it (Vorta's lesson), then upgrade on a
shared connection. SQLite batch migrations recreate tables, so foreign-key enforcement is off
for the migration and ``PRAGMA foreign_key_check`` must come back clean before the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from .paths import migrations_dir

PG_MIGRATION_LOCK = 0x43415254  # "CART": serialises concurrent start-ups on one server


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {migrations_dir()}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        rev = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
    return rev


def upgrade(engine: Engine, target: str = "head", backup_to: Path | None = None,
            sqlite_file: Path | None = None) -> MigrationResult:
    """Bring the schema to ``target``; back up ``sqlite_file`` into ``backup_to`` first when it
    already holds a schema older than the target."""
    from .backup import sqlite_backup_file  # local: backup imports nothing from here

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    wanted = script.get_current_head() if target == "head" else target
    before = current_revision(engine)
    backup: Path | None = None
    if wanted is None:
        raise RuntimeError(f"no migrations found in {migrations_dir()}")
    if before == wanted:
        return MigrationResult(before, wanted, None)
    if before is not None and sqlite_file is not None and backup_to is not None:
        backup = sqlite_backup_file(sqlite_file, backup_to, label=f"pre-{wanted}")
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # must run outside a transaction to take effect
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    after = current_revision(engine)
    return MigrationResult(before, after or "", backup)
