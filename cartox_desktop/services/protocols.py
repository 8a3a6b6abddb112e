"""The management protocol the services grade with: the ward's protocol file, else the bundled one.

The file is named in the ward settings (``services.settings``, key ``protocol_file``; empty =
the bundled ``resources/protocol.toml``). It is loaded when the store is opened
(``services.open_store``) and whenever an admin changes the setting; a new path is refused
(nothing saved) unless it loads. A protocol that cannot be loaded is never replaced silently:
every grading call then raises :class:`ProtocolError`, one line naming the file and the TOML
path of the first problem, until the file or the setting is fixed.

One protocol per process: the desktop app and each CLI command open one store. (A second store
opened in the same process re-activates its own setting.)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from cartox_desktop.clinical import Protocol
from cartox_desktop.clinical.protocol import ProtocolInvalid, parse_protocol

from .errors import ServiceError

BUNDLED = ""  # the setting's value for "the bundled protocol"


class ProtocolError(ServiceError):
    """The configured protocol file cannot be used; nothing is graded until it is fixed."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class ProtocolStatus:
    """Which protocol grades now: ``path`` ("" = bundled), its label, or the error."""

    path: str
    protocol: Protocol | None
    error: str | None

    @property
    def label(self) -> str:
        if self.protocol is None:
            return "no protocol (see the error)"
        return self.protocol.label + ("" if not self.path else f" from {self.path}")


def _bundled_path() -> Path:
    from cartox_desktop.resources import DEFAULT_PROTOCOL_FILE, resource_path

    return resource_path(DEFAULT_PROTOCOL_FILE)


def load_protocol_file(path: str) -> Protocol:
    """Read and validate the protocol at ``path`` ("" = bundled); raises :class:`ProtocolError`
    with one line: the file, the TOML path of the first problem, the value and what is accepted."""
    target = Path(path).expanduser() if path else _bundled_path()
    where = f"protocol file {str(target)!r}"
    if path and not target.is_absolute():
        raise ProtocolError(path, f"{where}: the path must be absolute (e.g. /srv/ward/protocol.toml); "
                                  "leave it empty for the bundled protocol")
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProtocolError(path, f"{where}: no such file; give an existing .toml file, or leave the setting "
                                  "empty for the bundled protocol") from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ProtocolError(path, f"{where}: cannot be read ({reason}); give a readable UTF-8 .toml file") from exc
    try:
        return parse_protocol(text)
    except ProtocolInvalid as exc:
        first = exc.errors[0]
        shown = "" if first.value is None or isinstance(first.value, dict | list) else f" = {first.value!r}"[:80]
        more = f" (and {len(exc.errors) - 1} more problem{'s' if len(exc.errors) > 2 else ''})" \
            if len(exc.errors) > 1 else ""
        at = first.path or "(document)"
        message = " ".join(f"{where}: TOML path {at}{shown}: {first.message}{more}".split())
        raise ProtocolError(path, message) from exc


_lock = threading.Lock()
_status: ProtocolStatus | None = None


def activate(path: str) -> ProtocolStatus:
    """Make ``path`` ("" = bundled) the protocol the services grade with. A broken file is
    remembered as an error (grading then raises it); the status is returned either way."""
    global _status
    try:
        status = ProtocolStatus(path, load_protocol_file(path), None)
    except ProtocolError as exc:
        status = ProtocolStatus(path, None, str(exc))
    with _lock:
        _status = status
    return status


def status() -> ProtocolStatus:
    """The active protocol (the bundled one until a store's setting is activated)."""
    current = _status
    if current is None:
        current = activate(BUNDLED)
    return current


def active_protocol() -> Protocol:
    """The protocol to grade with; raises :class:`ProtocolError` when it cannot be loaded."""
    current = status()
    if current.protocol is None:
        raise ProtocolError(current.path, current.error or f"protocol file {current.path!r} cannot be used")
    return current.protocol
