"""This computer's settings for the desktop app: a small JSON file in the user config folder.

Only what belongs to the workstation: which database to open, which ward its board shows, and
who signed in last. Everything the ward shares (institution and ward names, protocol file,
idle-lock minutes, temperature unit, ICE answers, IgG threshold, lab mappings) is in the
database, read and changed through ``services.get_settings`` / ``update_settings`` (audited).
``CARTOX_CONFIG_DIR`` overrides the folder (tests, kiosks).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

ENV_CONFIG_DIR = "CARTOX_CONFIG_DIR"


def config_dir() -> Path:
    override = os.environ.get(ENV_CONFIG_DIR)
    path = Path(override) if override else Path(user_config_dir("cartox", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Settings:
    db_url: str = ""  # empty: $CARTOX_DB_URL, else the embedded SQLite file
    ward: str = ""  # the ward this computer's board shows; empty: every ward
    last_user: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The saved settings (keys of older versions, now ward settings in the database, are ignored)."""
        path = path or config_dir() / "settings.json"
        try:
            raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in raw.items() if k in known and v is not None})

    def save(self, path: Path | None = None) -> None:
        path = path or config_dir() / "settings.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
