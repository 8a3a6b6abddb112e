"""Persistence: typed SQLAlchemy models, the engine factory, migrations and backups.

Only ``cartox_desktop.services`` should use this package; the UI, CLI and reports call services.
Attributes are imported lazily so that ``audit verify`` worker processes, which only need
``storage.chainwalk``, start without importing SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .netshare import NetworkShareError
    from .store import Store, open_store

__all__ = ["NetworkShareError", "Store", "open_store"]


def __getattr__(name: str) -> Any:
    if name == "NetworkShareError":
        from .netshare import NetworkShareError

        return NetworkShareError
    if name in ("Store", "open_store"):
        from . import store

        return getattr(store, name)
    raise AttributeError(name)
