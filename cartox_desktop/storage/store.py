"""``Store``: the opened database (engines + sessions) every service receives.

Transactions are short and owned by the services: one ``writing()`` block per user action, so
the record change and its audit event commit or roll back together. Writers are serialised:
SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by a transaction-scoped advisory lock taken before
anything is read, so the chain head can never fork and each regrade sees every earlier save.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .engine import make_engines
from .migrate import MigrationResult, upgrade
from .netshare import check_not_network_share
from .paths import resolve_db_url

PG_WRITE_LOCK = 0x43415258  # one writer at a time on a shared server (chain head, regrades)


@dataclass
class Store:
    """An open CARTOX database. Thread-safe; create one per process and share it."""

    url: str
    engine: Engine
    read_engine: Engine
    migration: MigrationResult | None = None
    startup_backup: Path | None = None
    _closed: bool = field(default=False, repr=False)
    # What services keep between transactions for this database in this process (the patient
    # state cache of ``services.statecache``), guarded by ``cache_lock``.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self) -> Path | None:
        """The database file in embedded mode, else None."""
        if self.dialect != "sqlite":
            return None
        return Path(make_url(self.url).database or "")

    @property
    def display_url(self) -> str:
        """The URL with any password hidden (safe for logs, exports and PDFs)."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: commits on success, rolls back on any exception.

        Callables appended to ``session.info["after_commit"]`` run once the transaction has
        committed and the session is closed (its objects detached), never after a rollback."""
        after_commit: list[Callable[[], None]] = []
        with Session(self.engine, expire_on_commit=False, autoflush=True) as session, session.begin():
            session.info["after_commit"] = after_commit
            session.info["store"] = self
            if self.dialect == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
            yield session
        for hook in after_commit:
            hook()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only snapshot (never blocks a writer on SQLite WAL)."""
        with Session(self.read_engine, expire_on_commit=False) as session, session.begin():
            yield session
            session.rollback()

    def close(self) -> None:
        with self.cache_lock:
            self.cache.clear()
        if not self._closed:
            self.engine.dispose()
            if self.read_engine is not self.engine:
                self.read_engine.dispose()
            self._closed = True


def backups_dir_for(db_file: Path) -> Path:
    return db_file.parent / "backups"


def open_store(url: str | None = None, *, migrate: bool = True, startup_backup: bool = False,
               mounts_text: str | None = None) -> Store:
    """Open (and create or migrate) the database at ``url`` (default: ``$CARTOX_DB_URL``, else
    the embedded SQLite file). Raises ``NetworkShareError`` for SQLite on a network share.

    ``startup_backup`` (the desktop app) keeps a rotating daily copy of the SQLite file.
    """
    from .backup import rotating_startup_backup

    resolved = resolve_db_url(url)
    parsed = make_url(resolved)
    db_file: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db_file = Path(parsed.database or "").expanduser().resolve()
        db_file.parent.mkdir(parents=True, exist_ok=True)
        check_not_network_share(db_file, mounts_text)
        resolved = parsed.set(database=str(db_file)).render_as_string(hide_password=False)
    engine, read_engine = make_engines(resolved)
    store = Store(resolved, engine, read_engine)
    try:
        if db_file is not None and startup_backup:
            store.startup_backup = rotating_startup_backup(db_file, backups_dir_for(db_file))
        if migrate:
            store.migration = upgrade(
                engine, backup_to=backups_dir_for(db_file) if db_file else None, sqlite_file=db_file)
    except BaseException:
        store.close()
        raise
    return store
