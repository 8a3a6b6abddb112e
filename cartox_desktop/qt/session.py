"""The signed-in session: the open store, the acting user, the ward settings and protocol, and
operation helpers.

Widgets never import the services (or SQLAlchemy) at module level: ``AppContext.services`` is
imported on the worker thread after the first window is shown (engineering notes §2.4), and
every call into it goes through ``AppContext.op`` so it runs off the UI thread. The database is
opened by ``services.open_store`` (the desktop never imports ``cartox_desktop.storage``), which
also activates the protocol of the ward settings; the ward settings (idle lock, temperature
unit, ICE answers ...) are read from the database with ``services.get_settings``.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
from collections.abc import Callable
from typing import Any, TypeVar

from cartox_desktop.clinical import Protocol

from .drafts import DraftStore
from .ops import Op, Runner
from .qt import QObject, Signal, emit
from .settings import Settings

T = TypeVar("T")
DEFAULT_IDLE_MINUTES = 10


def load_services() -> Any:
    """The services package (imports SQLAlchemy: call on the worker thread)."""
    return importlib.import_module("cartox_desktop.services")


def test_connection(url: str | None) -> str:
    """What ``url`` holds ("connected to …: a CARTOX database with N user(s)"); raises the
    services' ``ConnectionFailed`` (one line: the URL and why) when it cannot be reached.
    Creates, migrates and writes nothing. Call on the worker thread."""
    return str(load_services().connection_summary(url or None))


class AppContext(QObject):
    store_changed = Signal()
    user_changed = Signal()
    data_changed = Signal(object)  # patient id (or None for many)

    ward_settings_loaded = Signal()

    def __init__(self, settings: Settings, runner: Runner | None = None, drafts: DraftStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner or Runner(self)
        self.drafts = drafts or DraftStore()
        self.services: Any = None
        self.store: Any = None
        self.actor: Any = None
        self.ward_settings: Any = None  # services.Settings of the open database (None until opened)
        self.protocol: Protocol | None = None  # None until opened, or when the protocol file is broken
        self.protocol_error: str | None = None
        self.protocol_label = "not loaded yet"
        self.workstation = socket.gethostname()

    # ---- ward settings (from the database) ---------------------------------------------------------
    @property
    def idle_minutes(self) -> int:
        return int(self.ward_settings.idle_lock_minutes) if self.ward_settings is not None else DEFAULT_IDLE_MINUTES

    @property
    def temperature_unit(self) -> str:
        return str(self.ward_settings.temperature_unit) if self.ward_settings is not None else "C"

    def ice_baseline(self, patient: Any = None) -> dict[str, str]:
        """The ICE answers to expect: the patient's own (``PatientView.ice_baseline``), else the ward's."""
        ward = dict(self.ward_settings.ice_baseline) if self.ward_settings is not None else {}
        own = getattr(patient, "ice_baseline", None) or {}
        return {**ward, **{k: v for k, v in own.items() if v}}

    def set_ward_settings(self, ward: Any, status: Any) -> None:
        """Take the ward settings and the protocol status read on the worker."""
        self.ward_settings = ward
        self.protocol = status.protocol
        self.protocol_error = status.error
        self.protocol_label = status.label if status.protocol is not None else "⚠ protocol file not usable"
        emit(self.ward_settings_loaded)

    def reload_ward_settings(self) -> Op[Any]:
        """Re-read the ward settings and re-load their protocol file (another computer may have
        changed them, or the file itself may have changed since the start)."""
        services, store = self.services, self.store

        def run() -> Any:
            status = services.activate_protocol(store)
            return services.get_settings(store), status

        return self.op(run, "reading the ward settings").success(lambda r: self.set_ward_settings(*r))

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
            store = services.open_store(target or None, startup_backup=True)
            try:
                return services, store, services.get_settings(store), services.protocol_status()
            except BaseException:
                store.close()
                raise

        def done(result: Any) -> None:
            old = self.store
            self.services, self.store, ward, status = result
            if old is not None and old is not self.store:
                self.runner._pool.submit(old.close)
            self.set_ward_settings(ward, status)
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

    def shutdown(self) -> None:
        self.runner.wait_idle(5)
        if self.store is not None:
            with contextlib.suppress(Exception):
                if self.services is not None:
                    self.services.remember_head(self.store)  # this computer's anchor of the chain
                self.store.close()
        self.runner.shutdown()
