"""Engine factory: the pragmas and transaction mode every connection gets.

SQLite (engineering-notes §4.2, measured on Python 3.11): WAL so readers never block the writer,
``foreign_keys=ON`` per connection, ``synchronous=FULL`` because a signed entry must survive a
power cut (NORMAL may lose the last commits in WAL mode), a busy timeout so a second window or a
CLI command waits instead of failing, and ``BEGIN IMMEDIATE`` for writers so two processes never
both read the chain head and then collide. Python 3.11's sqlite3 has no ``autocommit``
attribute, so the driver's own transaction handling is switched off (``isolation_level=None``)
and the BEGIN is emitted here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_engine(url: str, begin_sql: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (3.11 autocommit trap)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin_sql)

    return engine


def make_engines(url: str) -> tuple[Engine, Engine]:
    """(writer, reader) engines for ``url``. For SQLite the writer begins IMMEDIATE, the reader
    DEFERRED (a WAL reader takes no lock); for PostgreSQL both are the same engine."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError(
                f"--db {url!r}: an in-memory SQLite database would lose every record on exit; "
                "give a file (sqlite:///path/cartox.sqlite3) or a PostgreSQL URL"
            )
        return _sqlite_engine(url, "BEGIN IMMEDIATE"), _sqlite_engine(url, "BEGIN")
    if backend == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        return engine, engine
    raise ValueError(
        f"--db {url!r}: database kind {backend!r} is not supported; accepted: "
        "sqlite:///FILE (embedded) or postgresql+psycopg://USER@HOST/DB (shared server)"
    )
