"""This computer's settings for the desktop app: a small JSON file in the user config folder.

Kept per workstation (not in the database): which database to open, the ward shown on the
board, the protocol file, the idle-lock minutes, the temperature unit for entry, and the ward's
ICE expected answers. ``CARTOX_CONFIG_DIR`` overrides the folder (tests, kiosks).
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
    ward: str = ""  # empty: every ward
    protocol_file: str = ""  # empty: the bundled resources/protocol.toml
    idle_minutes: int = 10
    temperature_unit: str = "C"
    hospital: str = ""
    city: str = ""
    sentence: str = ""
    last_user: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or config_dir() / "settings.json"
        try:
            raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        s = cls(**{k: v for k, v in raw.items() if k in known})
        s.idle_minutes = max(1, min(240, int(s.idle_minutes or 10)))
        s.temperature_unit = "F" if s.temperature_unit == "F" else "C"
        return s

    def save(self, path: Path | None = None) -> None:
        path = path or config_dir() / "settings.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def ice_baseline(self) -> dict[str, str]:
        return {"hospital": self.hospital, "city": self.city, "sentence": self.sentence}
