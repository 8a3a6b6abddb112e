"""Schema migrations: an empty database and one created by the previous revision both reach
the head with their data, their guard triggers (SQLite batch migrations drop them) and an
intact audit trail; the models and the migrations describe the same schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import DBAPIError

from cartox_desktop.services import verify
from cartox_desktop.services.audit import event_message
from cartox_desktop.storage import open_store
from cartox_desktop.storage.canonical import GENESIS_HASH, canonical_json, sha256_hex
from cartox_desktop.storage.engine import make_engines
from cartox_desktop.storage.migrate import current_revision, head_revision, upgrade
from cartox_desktop.storage.models import Base
from cartox_desktop.storage.snapshot import SNAPSHOT_FIELDS, snapshot_text
from cartox_desktop.storage.triggers import (
    HEAD_REVISION,
    NO_DELETE_AT_REVISION,
    expected_triggers,
    installed_triggers,
)

from .conftest import Backend

REVISIONS = sorted(NO_DELETE_AT_REVISION)


def test_head_is_the_last_revision() -> None:
    assert head_revision() == HEAD_REVISION == REVISIONS[-1]
    assert len(REVISIONS) >= 2


def test_every_upgrade_step_keeps_the_guard_triggers(backend: Backend) -> None:
    engine, reader = make_engines(backend.url)
    try:
        assert current_revision(engine) is None
        for revision in REVISIONS:
            result = upgrade(engine, target=revision)
            assert result.after == revision
            with engine.connect() as conn:
                assert installed_triggers(conn) == expected_triggers(engine.dialect.name, revision), revision
    finally:
        engine.dispose()
        reader.dispose()


def test_models_match_the_migrations(backend: Backend) -> None:
    store = open_store(backend.url)
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
    finally:
        store.close()


def _event(conn, seq: int, prev: str, actor: str, action: str, entity: str, entity_id: int,  # type: ignore[no-untyped-def]
           patient_id: int | None, record: str) -> str:
    """Write one correctly hashed event the way revision 0001 of the app did."""
    detail = canonical_json({"record": __import__("json").loads(record)})
    record_hash = sha256_hex(record)
    ts = f"2026-03-01T08:00:0{seq}.000000Z"
    local = f"2026-03-01T09:00:0{seq}.000000+01:00"
    digest = sha256_hex(event_message(seq, ts, local, actor, action, entity, entity_id, patient_id, record_hash,
                                      detail, prev))
    conn.exec_driver_sql(
        "INSERT INTO audit_event (seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, record_hash, "
        f"detail, prev_hash, hash) VALUES ({seq}, '{ts}', '{local}', '{actor}', '{action}', '{entity}', {entity_id}, "
        f"{'NULL' if patient_id is None else patient_id}, '{record_hash}', '{detail}', '{prev}', '{digest}')")
    return digest


def _snapshot(entity: str, values: dict[str, object]) -> str:
    return snapshot_text(entity, [values.get(column) for _, column, _ in SNAPSHOT_FIELDS[entity]])


def test_database_of_the_previous_revision_upgrades_with_its_data(backend: Backend, tmp_path: Path) -> None:
    engine, reader = make_engines(backend.url)
    user = {"id": 1, "username": "ada", "display_name": "Ada", "role": "admin", "password_hash": "$argon2id$x",
            "active": True, "failed_logins": 0, "created_at": "2026-03-01T08:00:00Z", "version": 1}
    patient = {"id": 1, "mrn": "OLD-1", "name": "Zoë Müller", "age_years": 58.0, "infusion_date": "2026-03-01",
               "ward": "7B", "status": "active", "created_at": "2026-03-01T08:00:00Z", "created_by": "ada",
               "version": 1}
    try:
        upgrade(engine, target=REVISIONS[-2])
        with engine.connect() as conn:
            conn.exec_driver_sql(
                "INSERT INTO app_user (id, username, display_name, role, password_hash, active, failed_logins, "
                "created_at, version) VALUES (1, 'ada', 'Ada', 'admin', '$argon2id$x', true, 0, "
                "'2026-03-01T08:00:00Z', 1)")
            conn.exec_driver_sql(
                "INSERT INTO patient (id, mrn, name, age_years, infusion_date, ward, status, created_at, created_by, "
                "version) VALUES (1, 'OLD-1', 'Zoë Müller', 58.0, '2026-03-01', '7B', 'active', "
                "'2026-03-01T08:00:00Z', 'ada', 1)")
            head = _event(conn, 1, GENESIS_HASH, "ada", "create", "user", 1, None, _snapshot("user", user))
            _event(conn, 2, head, "ada", "create", "patient", 1, 1, _snapshot("patient", patient))
            conn.commit()
    finally:
        engine.dispose()
        reader.dispose()

    store = open_store(backend.url)  # what the app does at start-up
    try:
        assert store.migration is not None
        assert (store.migration.before, store.migration.after) == (REVISIONS[-2], HEAD_REVISION)
        if backend.name == "sqlite":
            assert store.migration.backup is not None and store.migration.backup.exists()
            assert f"pre-{HEAD_REVISION}" in store.migration.backup.name
        with store.engine.connect() as conn:
            assert installed_triggers(conn) == expected_triggers(store.dialect, HEAD_REVISION)
            assert conn.exec_driver_sql("SELECT mrn, name, ward FROM patient").one() == ("OLD-1", "Zoë Müller", "7B")
            with pytest.raises(DBAPIError):  # revision 0002's status check holds for old rows too
                conn.exec_driver_sql("UPDATE patient SET status = 'gone'")
            conn.rollback()
            with pytest.raises(DBAPIError, match="append-only"):  # and the re-installed guard
                conn.exec_driver_sql("DELETE FROM patient")
            conn.rollback()
        report = verify(store)
        assert report.ok, report.problems
        assert report.events == 2
    finally:
        store.close()
    again = open_store(backend.url)  # already at head: nothing to do, no new backup
    try:
        assert again.migration is not None and again.migration.backup is None
    finally:
        again.close()
