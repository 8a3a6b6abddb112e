"""Database work off the UI thread, in small operation objects (Anki's CollectionOp/QueryOp).

An ``Op`` wraps one call into the services. ``run()`` submits it to a single worker thread (one
at a time, so writes keep their order, as Anki's ``taskman``), and the ``success`` or ``failure``
callback runs back on the UI thread. Never touch a widget inside the function: it runs on the
worker. ``Runner.busy_changed`` drives the status bar; tests wait with ``runner.wait_idle()``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from .qt import QCoreApplication, QObject, Signal, emit

T = TypeVar("T")
log = logging.getLogger(__name__)


class Runner(QObject):
    """The one worker thread for database work, and the bridge back to the UI thread."""

    _finished = Signal(object)
    busy_changed = Signal(bool, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cartox-db")
        self._pending = 0
        self._lock = threading.Lock()
        self._finished.connect(self._deliver)  # queued: emitted from the worker thread
        self.default_failure: Callable[[BaseException, str], None] | None = None

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, op: Op[Any]) -> None:
        self._pending += 1
        emit(self.busy_changed, True, op.label)
        future = self._pool.submit(op.fn)
        future.add_done_callback(lambda f: emit(self._finished, (op, f)))

    def _deliver(self, item: tuple[Op[Any], Future[Any]]) -> None:
        op, future = item
        self._pending -= 1
        try:
            exc = future.exception()
            if exc is None:
                result = future.result()
                for cb in op.on_success:
                    cb(result)
            elif op.on_failure is not None:
                op.on_failure(exc)
            elif self.default_failure is not None:
                self.default_failure(exc, op.label)
            else:
                log.error("operation %r failed", op.label, exc_info=exc)
        finally:
            if op.on_done is not None:
                op.on_done()
            if self._pending == 0:
                emit(self.busy_changed, False, "")

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Process events until no operation is pending (tests, shutdown)."""
        end = time.monotonic() + timeout_s
        while self._pending and time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.002)
        return self._pending == 0

    def call_now(self, fn: Callable[[], T]) -> T:
        """Run on the worker and wait (start-up and shutdown only, never on a keystroke)."""
        return self._pool.submit(fn).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


class Op(Generic[T]):
    """One unit of database work: ``Op(runner, fn).success(cb).failure(cb).run()``."""

    def __init__(self, runner: Runner, fn: Callable[[], T], label: str = "") -> None:
        self.runner = runner
        self.fn = fn
        self.label = label or getattr(fn, "__name__", "working")
        self.on_success: list[Callable[[T], None]] = []
        self.on_failure: Callable[[BaseException], None] | None = None
        self.on_done: Callable[[], None] | None = None

    def success(self, cb: Callable[[T], None]) -> Op[T]:
        """Add a callback for the result (callbacks run in the order added)."""
        self.on_success.append(cb)
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op[T]:
        self.on_failure = cb
        return self

    def done(self, cb: Callable[[], None]) -> Op[T]:
        self.on_done = cb
        return self

    def run(self) -> None:
        self.runner.submit(self)
