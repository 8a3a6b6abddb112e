"""The one Qt import shim (Anki's ``aqt.qt``): every desktop module imports Qt from here.

Swapping or pinning the binding is a one-file change; the generated Designer forms in
``forms/ui_*.py`` are rewritten by ``scripts/build-ui.sh`` to import from here too.
Only QtCore, QtGui and QtWidgets are loaded at start-up; print support is loaded on first
print (``print_support()``), which keeps the first window fast (engineering notes §2.4).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6 import __version__ as BINDING_VERSION  # noqa: N812
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot, qVersion  # noqa: F401 (re-exported)

_MODULES = (QtCore, QtGui, QtWidgets)


def __getattr__(name: str) -> Any:
    """Every QtCore / QtGui / QtWidgets name, resolved on first use and cached.

    (``from PySide6.QtWidgets import *`` would build all ~900 wrapper types up front: +0.2 s at
    start-up on this machine; PEP 562 lets ``from cartox_desktop.qt.qt import QLineEdit`` work lazily.)
    """
    for module in _MODULES:
        value = getattr(module, name, None)
        if value is not None:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} (not in QtCore, QtGui or QtWidgets)")

QT_VERSION_TEXT = f"Qt {qVersion()} / PySide6 {BINDING_VERSION}"

_MIN = (6, 5)
if tuple(int(p) for p in qVersion().split(".")[:2]) < _MIN:  # pragma: no cover
    raise ImportError(f"CARTOX Desktop needs Qt {_MIN[0]}.{_MIN[1]} or newer, found {qVersion()}")


def _emit_loses_a_reference() -> bool:
    """PySide6 6.12.0: ``SignalInstance.emit()`` returns ``True`` without a new reference, so
    every emit from Python takes one reference off ``True`` until the interpreter aborts with
    "bool_dealloc: deallocating True or False" (seen here after ~500 emits; at exit in tests).
    Probed once at import, so a fixed binding needs no change here."""

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    result = probe.ping.emit()
    after = sys.getrefcount(True)
    lost = result is True and after < before
    if lost:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost


_EMIT_LOSES_REF = _emit_loses_a_reference()


def _pin_singletons() -> None:
    """Make ``True``, ``False`` and ``None`` never reach a zero reference count on CPython 3.11.

    PySide6 6.12.0 also returns borrowed ``True`` from ``SignalInstance.disconnect`` and, in
    paths not yet pinned down (seen under pytest-qt), takes references off ``True``/``None``;
    after enough calls the interpreter aborts ("bool_dealloc" / "none_dealloc"), in a long ward
    shift as much as in the tests. These three objects are static and never freed, so a large
    reserve on their counters is harmless; CPython 3.12+ makes them immortal itself (PEP 683).
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


_pin_singletons()


def emit(signal: Any, *args: Any) -> None:
    """Emit ``signal`` from Python; every desktop module emits through here (never ``.emit``),
    which gives back the reference PySide6 6.12.0 takes (see ``_emit_loses_a_reference``)."""
    result = signal.emit(*args)
    if _EMIT_LOSES_REF and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def qconnect(signal: Any, func: Any) -> None:
    """Connect ``signal`` to ``func`` (one typed place to hook in checks, as Anki does)."""
    signal.connect(func)


def print_support() -> Any:
    """QtPrintSupport, imported on first use (QPrinter, QPrintDialog)."""
    from PySide6 import QtPrintSupport

    return QtPrintSupport
