"""The signed-in session: the open store, the acting user, the protocol, and operation helpers.

Widgets never import the services (or SQLAlchemy) at module level: ``AppContext.services`` is
imported on the worker thread after the first window is shown (engineering notes §2.4), and
every call into it goes through ``AppContext.op`` so it runs off the UI thread.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cartox_desktop.clinical import Protocol

from .drafts import DraftStore
from .ops import Op, Runner
from .qt import QObject, Signal, emit
from .settings import Settings

T = TypeVar("T")


def load_services() -> Any:
    """The services package (imports SQLAlchemy: call on the worker thread)."""
    return importlib.import_module("cartox_desktop.services")


def open_store(url: str | None, *, migrate: bool = True) -> Any:
    """Open (create or migrate) the database. The services have no opener of their own, so this
    is the one place the desktop touches ``cartox_desktop.storage`` (its ``open_store``, as the
    command line does; never a model or SQL). ``migrate=False`` only tests a connection."""
    from cartox_desktop.storage import open_store as storage_open

    if not migrate:
        return storage_open(url or None, migrate=False)
    return storage_open(url or None, startup_backup=True)


def test_connection(url: str | None) -> str:
    """Connect to ``url`` without creating or migrating anything; raises when unreachable.
    (No service offers this yet: it opens a connection on the store's engine, runs no SQL.)"""
    store = open_store(url, migrate=False)
    try:
        with store.engine.connect():
            pass
        try:
            n = load_services().count_users(store)
        except Exception:  # noqa: BLE001 - reachable but without CARTOX tables yet
            return f"connected to {store.display_url}: an empty database (it is set up at the next sign-in)"
        return f"connected to {store.display_url}: a CARTOX database with {n} user(s)"
    finally:
        store.close()


def load_protocol(path: str) -> tuple[Protocol, str | None]:
    """The protocol file from the settings, or the bundled one with a warning when it is broken."""
    from cartox_desktop.resources import default_protocol
    from cartox_desktop.resources import load_protocol as load_file

    if not path:
        return default_protocol(), None
    try:
        return load_file(Path(path)), None
    except Exception as exc:  # noqa: BLE001 - any problem: fall back and say why
        return default_protocol(), f"protocol file {path!r} not used ({exc}); using the bundled protocol"


class AppContext(QObject):
    store_changed = Signal()
    user_changed = Signal()
    data_changed = Signal(object)  # patient id (or None for many)

    def __init__(self, settings: Settings, runner: Runner | None = None, drafts: DraftStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner or Runner(self)
        self.drafts = drafts or DraftStore()
        self.services: Any = None
        self.store: Any = None
        self.actor: Any = None
        self.protocol, self.protocol_warning = load_protocol(settings.protocol_file)
        self.workstation = socket.gethostname()

    # ---- operations --------------------------------------------------------------------------
    def op(self, fn: Callable[[], T], label: str = "") -> Op[T]:
        return Op(self.runner, fn, label)

    def call(self, name: str, *args: Any, label: str = "", **kwargs: Any) -> Op[Any]:
        """An operation calling ``services.<name>(store, *args, **kwargs)`` on the worker."""

        def run() -> Any:
            return getattr(self.services, name)(self.store, *args, **kwargs)

        return Op(self.runner, run, label or name.replace("_", " "))

    def call_as_user(self, name: str, *args: Any, label: str = "", **kwargs: Any) -> Op[Any]:
        """Like ``call`` with the signed-in user as the acting ``Actor``."""
        actor = self.actor

        def run() -> Any:
            return getattr(self.services, name)(self.store, actor, *args, **kwargs)

        return Op(self.runner, run, label or name.replace("_", " "))

    # ---- store and user -------------------------------------------------------------------------
    def open(self, url: str | None = None) -> Op[Any]:
        """Import the services and open the database, on the worker."""
        target = self.settings.db_url if url is None else url

        def run() -> Any:
            services = load_services()
            store = open_store(target)
            return services, store

        def done(result: Any) -> None:
            old = self.store
            self.services, self.store = result
            if old is not None and old is not self.store:
                self.runner._pool.submit(old.close)
            emit(self.store_changed)

        return self.op(run, "opening the database").success(done)

    @property
    def db_label(self) -> str:
        if self.store is None:
            return "not connected"
        return str(getattr(self.store, "display_url", "database"))

    @property
    def username(self) -> str:
        return self.actor.username if self.actor else ""

    @property
    def role(self) -> str:
        return self.actor.role if self.actor else ""

    def can(self, what: str) -> bool:
        """Which actions the role offers (the services check again and refuse otherwise)."""
        role = self.role
        if what in ("void", "patients", "discharge"):
            return role in ("physician", "admin")
        if what == "users":
            return role == "admin"
        return bool(role)

    def set_actor(self, actor: Any) -> None:
        self.actor = actor
        if actor is not None:
            self.settings.last_user = actor.username
            with contextlib.suppress(OSError):
                self.settings.save()
        emit(self.user_changed)

    def reload_protocol(self) -> None:
        self.protocol, self.protocol_warning = load_protocol(self.settings.protocol_file)

    def shutdown(self) -> None:
        self.runner.wait_idle(5)
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
        self.runner.shutdown()
