"""Opening the record store for a front end, and testing a database URL before switching to it.

The front ends (desktop, reports, interop) never import ``cartox_desktop.storage``: they open
the store here. ``open_store`` creates or migrates the schema and activates the protocol named
in the ward settings (``services.protocols``): a broken protocol file does not stop the store
from opening (an admin must be able to sign in and fix it), but ``protocol_status`` reports it
at start-up and every grading call refuses with the same one-line error until it is fixed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from cartox_desktop.storage.store import Store

from . import protocols
from .errors import ServiceError


class ConnectionFailed(ServiceError):
    """The database URL cannot be used; the message names the URL (password hidden) and why."""


def _shown(url: str | None) -> str:
    from cartox_desktop.storage.paths import resolve_db_url

    try:
        return make_url(resolve_db_url(url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return repr(url)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    words = str(orig if orig is not None else exc).strip().splitlines()
    return words[0] if words else exc.__class__.__name__


def open_store(url: str | None = None, *, startup_backup: bool = False, migrate: bool = True) -> Store:
    """Open (create or migrate) the database at ``url`` (default: ``$CARTOX_DB_URL``, else the
    embedded SQLite file) and activate the protocol of its ward settings. Raises
    ``ConnectionFailed`` (one line: the URL and why), or the storage's ``NetworkShareError`` for
    a SQLite file on a network share (its message explains the shared-server alternative)."""
    from cartox_desktop.storage import open_store as storage_open

    try:
        store = storage_open(url or None, startup_backup=startup_backup, migrate=migrate)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConnectionFailed(f"database URL {url!r}: not a database URL ({_reason(exc)}); accepted: empty for "
                               "the embedded file, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB") from exc
    except DBAPIError as exc:
        raise ConnectionFailed(f"database {_shown(url)}: cannot be opened ({_reason(exc)})") from exc
    except ValueError as exc:  # the storage names the URL and the accepted kinds
        raise ConnectionFailed(str(exc)) from exc
    if migrate:
        from .anchors import remember_head
        from .board import backfill
        from .settings import activate_protocol

        try:
            activate_protocol(store)
            backfill(store)  # ward-board summaries of courses saved before revision 0003 (once)
            remember_head(store)  # this computer's anchor of the chain (services.anchors)
        except BaseException:
            store.close()
            raise
    return store


def check_connection(url: str | None) -> str | None:
    """None when ``url`` can be connected to; else one line naming the URL and the problem.
    Creates, migrates and writes nothing."""
    try:
        store = open_store(url, migrate=False)
    except ServiceError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - NetworkShareError (explains itself), OSError ...: reported
        return str(exc) if exc.__class__.__name__ == "NetworkShareError" else f"database {_shown(url)}: {_reason(exc)}"
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except DBAPIError as exc:
        return f"database {_shown(url)}: cannot connect ({_reason(exc)})"
    finally:
        store.close()


def connection_summary(url: str | None) -> str:
    """What ``url`` holds ("a CARTOX database with 3 user(s)" or an empty database), after
    ``check_connection``; raises ``ConnectionFailed`` with its message when it cannot connect."""
    problem = check_connection(url)
    if problem is not None:
        raise ConnectionFailed(problem)
    store = open_store(url, migrate=False)
    try:
        from .auth import count_users

        try:
            n = count_users(store)
        except DBAPIError:
            return f"connected to {store.display_url}: an empty database (it is set up at the next sign-in)"
        return f"connected to {store.display_url}: a CARTOX database with {n} user(s)"
    finally:
        store.close()


def protocol_status(store: Any = None) -> protocols.ProtocolStatus:
    """The protocol the services grade with now (path, label) or its one-line error."""
    return protocols.status()
