"""Idle lock on a shared ward computer (KeePassXC's ``InactivityTimer`` pattern).

An application-wide event filter restarts a single-shot timer on every key, mouse, wheel or
hover event; on timeout ``inactivity_detected`` is emitted once (guarded against re-entry).
The main window then covers patient data with the lock screen; forms are only hidden, so the
work in progress survives (and the draft is autosaved at that moment as well).
"""

from __future__ import annotations

from .qt import QApplication, QEvent, QObject, QTimer, Signal, emit

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.HoverEnter, QEvent.Type.HoverLeave,
    QEvent.Type.HoverMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
}


class InactivityTimer(QObject):
    inactivity_detected = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timeout)
        self._active = False
        self._emitting = False
        self._interval_ms = 10 * 60_000

    def set_timeout_ms(self, ms: int) -> None:
        self._interval_ms = max(50, int(ms))
        if self._active:
            self._timer.start(self._interval_ms)

    def set_minutes(self, minutes: float) -> None:
        self.set_timeout_ms(int(minutes * 60_000))

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def activate(self) -> None:
        if not self._active:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._active = True
        self._timer.start(self._interval_ms)

    def deactivate(self) -> None:
        if self._active:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        self._active = False
        self._timer.stop()

    def is_active(self) -> bool:
        return self._active

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if self._active and event.type() in _ACTIVITY:
            self._timer.start(self._interval_ms)
        return False

    def _timeout(self) -> None:
        if self._emitting:
            return
        self._emitting = True
        try:
            self.deactivate()
            emit(self.inactivity_detected)
        finally:
            self._emitting = False
