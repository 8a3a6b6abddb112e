"""Where the database lives: ``--db``, else ``$CARTOX_DB_URL``, else the user data folder.

The embedded default is one SQLite file per user (``cartox.sqlite3`` in platformdirs'
``user_data_dir("cartox")``), so a ward PC works offline with no server (cli.md, "--db").
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

DB_FILE_NAME = "cartox.sqlite3"
ENV_DB_URL = "CARTOX_DB_URL"


def data_dir() -> Path:
    """The per-user data folder (created on first use)."""
    path = Path(user_data_dir("cartox", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    """The SQLAlchemy URL of the embedded SQLite file in the user data folder."""
    return f"sqlite:///{data_dir() / DB_FILE_NAME}"


def resolve_db_url(url: str | None = None) -> str:
    """The URL to open: the explicit one, else ``$CARTOX_DB_URL``, else the embedded default."""
    if url:
        return url
    env = os.environ.get(ENV_DB_URL, "").strip()
    return env or default_db_url()


def migrations_dir() -> Path:
    """The Alembic script folder ``db/``: beside the package, or in the PyInstaller bundle."""
    override = os.environ.get("CARTOX_MIGRATIONS_DIR")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "db"
    return Path(__file__).resolve().parents[2] / "db"
