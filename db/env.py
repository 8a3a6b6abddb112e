"""Alembic environment for CARTOX (used programmatically; no alembic.ini at run time).

``cartox_desktop.storage.migrate`` builds the Config in code and passes an open connection in
``config.attributes["connection"]`` (Alembic's "sharing a connection" recipe), so migrations run
with the same pragmas and BEGIN mode as the app. ``render_as_batch`` lets SQLite alter tables by
"move and copy"; migrations that do so must re-install that table's triggers.
"""

from __future__ import annotations

from alembic import context

from cartox_desktop.storage.engine import make_engines
from cartox_desktop.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url set")
    engine, _ = make_engines(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use cartox to migrate")
run_migrations_online()
