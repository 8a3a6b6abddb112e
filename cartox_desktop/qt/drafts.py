"""Draft autosave: the unsaved assessment form as JSON in the user data folder.

Written a moment after every change (and at once before the idle lock), removed when the
record is saved or the draft discarded; found again at the next start after a crash. One file
per (database, user, patient); the write is atomic (temp file + rename) so a crash mid-write
never leaves half a draft. Drafts hold patient data: the folder is the user's private data
folder (platformdirs), never a shared location.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

ENV_DRAFT_DIR = "CARTOX_DRAFT_DIR"


def drafts_dir() -> Path:
    override = os.environ.get(ENV_DRAFT_DIR)
    path = Path(override) if override else Path(user_data_dir("cartox", appauthor=False)) / "drafts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Draft:
    path: Path
    db: str
    username: str
    patient_id: int
    kind: str
    saved_at: str
    fields: dict[str, Any]
    label: str = ""


def _key(db: str, username: str, patient_id: int, kind: str) -> str:
    digest = hashlib.sha256(f"{db}\n{username}\n{patient_id}\n{kind}".encode()).hexdigest()[:16]
    return f"{kind}-{patient_id}-{digest}.json"


class DraftStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or drafts_dir()

    def path_for(self, db: str, username: str, patient_id: int, kind: str = "assessment") -> Path:
        return self.folder / _key(db, username, patient_id, kind)

    def save(self, db: str, username: str, patient_id: int, fields: dict[str, Any], *, kind: str = "assessment",
             label: str = "") -> Path:
        path = self.path_for(db, username, patient_id, kind)
        payload = {"format": "cartox-draft 1", "db": db, "username": username, "patient_id": patient_id,
                   "kind": kind, "label": label, "saved_at": datetime.now().isoformat(timespec="seconds"),
                   "fields": fields}
        fd, tmp = tempfile.mkstemp(prefix=".draft-", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def load(self, db: str, username: str, patient_id: int, kind: str = "assessment") -> Draft | None:
        return self._read(self.path_for(db, username, patient_id, kind))

    def discard(self, db: str, username: str, patient_id: int, kind: str = "assessment") -> None:
        self.path_for(db, username, patient_id, kind).unlink(missing_ok=True)

    def all_for(self, db: str, username: str) -> list[Draft]:
        out = []
        for path in sorted(self.folder.glob("*.json")):
            draft = self._read(path)
            if draft is not None and draft.db == db and draft.username == username:
                out.append(draft)
        return out

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Draft(path, data["db"], data["username"], int(data["patient_id"]), data["kind"],
                         data["saved_at"], dict(data["fields"]), data.get("label", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None
