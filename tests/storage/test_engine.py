"""The embedded database: where it lives, its pragmas, and the network-share refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartox_desktop.storage import NetworkShareError, open_store
from cartox_desktop.storage.engine import make_engines
from cartox_desktop.storage.netshare import check_not_network_share
from cartox_desktop.storage.paths import DB_FILE_NAME, resolve_db_url

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export/ward /mnt/ward nfs4 rw,relatime,vers=4.2 0 0
//filer/cartox /media/share\\040drive cifs rw,vers=3.0 0 0
"""


def test_default_is_a_sqlite_file_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CARTOX_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = resolve_db_url(None)
    assert url == f"sqlite:///{tmp_path / 'cartox' / DB_FILE_NAME}"
    monkeypatch.setenv("CARTOX_DB_URL", "postgresql+psycopg://ward@server/cartox")
    assert resolve_db_url(None) == "postgresql+psycopg://ward@server/cartox"
    assert resolve_db_url("sqlite:////x/y.sqlite3") == "sqlite:////x/y.sqlite3"


def test_sqlite_pragmas_for_durability_and_concurrency(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    try:
        with store.engine.connect() as conn:
            values = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
            conn.rollback()
        assert values == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000}
    finally:
        store.close()


@pytest.mark.parametrize("path", ["/mnt/ward/cartox.sqlite3", "/media/share drive/db/cartox.sqlite3"])
def test_sqlite_on_a_network_share_is_refused_with_the_alternative(path: str) -> None:
    with pytest.raises(NetworkShareError) as caught:
        check_not_network_share(Path(path), MOUNTS)
    message = str(caught.value)
    assert "network share" in message and "PostgreSQL" in message and "postgresql+psycopg://" in message


def test_local_disk_is_accepted_and_open_store_checks_the_share(tmp_path: Path) -> None:
    check_not_network_share(Path("/home/nurse/cartox.sqlite3"), MOUNTS)
    fake = f"/dev/vda / ext4 rw 0 0\nfiler:/x {tmp_path} nfs rw 0 0\n"
    with pytest.raises(NetworkShareError):
        open_store(f"sqlite:///{tmp_path / 'c.sqlite3'}", mounts_text=fake)
    assert not (tmp_path / "c.sqlite3").exists()


def test_unsupported_urls_name_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="in-memory"):
        make_engines("sqlite://")
    with pytest.raises(ValueError, match="postgresql"):
        make_engines("mysql://x@y/z")
