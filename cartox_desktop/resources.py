"""Where the bundled resources live: the repository's ``resources/`` and ``db/`` folders, or the
PyInstaller bundle's copy of them when frozen."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from cartox_desktop.clinical.protocol import Protocol, parse_protocol


def base_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    return base_dir().joinpath("resources", *parts)


def migrations_path() -> Path:
    return base_dir() / "db"


DEFAULT_PROTOCOL_FILE = "protocol.toml"


def load_protocol(path: Path | None = None) -> Protocol:
    """Read and validate a protocol file (default: the bundled ``resources/protocol.toml``)."""
    return parse_protocol((path or resource_path(DEFAULT_PROTOCOL_FILE)).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_protocol() -> Protocol:
    return load_protocol()
