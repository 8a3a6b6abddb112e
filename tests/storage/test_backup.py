"""Backups: automatic rotating copies at start-up and a consistent copy while in use."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from cartox_desktop.services import Actor, ValidationFailed, add_assessment, backup_database, events, verify
from cartox_desktop.storage import Store, open_store
from cartox_desktop.storage import backup as backup_module
from cartox_desktop.storage.backup import rotating_startup_backup

from .helpers import assessment


def test_startup_backup_once_a_day_and_rotated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "cartox.sqlite3"
    open_store(f"sqlite:///{db}").close()
    first = open_store(f"sqlite:///{db}", startup_backup=True)
    first.close()
    assert first.startup_backup is not None and first.startup_backup.parent == tmp_path / "backups"
    second = open_store(f"sqlite:///{db}", startup_backup=True)
    second.close()
    assert second.startup_backup is None  # one a day is enough
    folder = tmp_path / "backups"
    for day in range(1, 10):  # nine more days
        monkeypatch.setattr(backup_module, "datetime", _FixedDay(day))
        rotating_startup_backup(db, folder, keep=7)
    kept = sorted(folder.glob("cartox.startup.*.sqlite3"))
    assert len(kept) == 7 and kept[-1].name.startswith("cartox.startup.20300109")
    with sqlite3.connect(kept[-1]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


class _FixedDay:
    def __init__(self, day: int) -> None:
        self.day = day

    def now(self) -> datetime:
        return datetime(2030, 1, self.day, 8, 0, 0)


def test_backup_while_the_database_is_in_use(store: Store, nurse: Actor, patient: Any, tmp_path: Path) -> None:
    add_assessment(store, nurse, patient.id, assessment())
    target = tmp_path / "copy.sqlite3"
    with store.reading() as session:  # another window keeps a read transaction open meanwhile
        session.execute(text("SELECT COUNT(*) FROM assessment")).scalar()
        path, sha = backup_database(store, nurse, target)
    add_assessment(store, nurse, patient.id, assessment("2026-03-04T08:00"))  # and the ward goes on
    assert path == target and len(sha) == 64
    copy = open_store(f"sqlite:///{target}")
    try:
        report = verify(copy)
        assert report.ok, report.problems
    finally:
        copy.close()
    assert any(e.action == "export" and e.detail["kind"] == "backup" for e in events(store))
    with pytest.raises(ValidationFailed, match="never overwrites"):
        backup_database(store, nurse, target)
