"""Fixtures for the storage and service tests: every test gets a fresh database.

``store`` runs each test twice: on a new SQLite file and, when ``CARTOX_TEST_PG_URL`` is set
(``scripts/pg-test-server.sh start``), on PostgreSQL in a schema of its own that is dropped
afterwards. Password hashing is made cheap here only (argon2 t=1, 1 MiB): the production cost
would make the suite slow without testing anything more.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cartox_desktop.services import Actor, add_user, configure_hashing, create_patient, login
from cartox_desktop.storage import Store, open_store

from .helpers import PASSWORD, admission

PG_ENV = "CARTOX_TEST_PG_URL"


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashing() -> None:
    configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)


@dataclass
class Backend:
    """How to reach one test database (also handed to child processes as a URL)."""

    name: str
    url: str
    cleanup: Any = None


def _pg_backend() -> Iterator[Backend]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (start one with scripts/pg-test-server.sh start)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield Backend("postgresql", url.render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite", f"sqlite:///{tmp_path / 'cartox.sqlite3'}")
    else:
        yield from _pg_backend()


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Backend:
    return Backend("sqlite", f"sqlite:///{tmp_path / 'cartox.sqlite3'}")


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    s = open_store(backend.url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def admin(store: Store) -> Actor:
    add_user(store, None, "admin", PASSWORD, "admin", "Ada Admin")
    return login(store, "admin", PASSWORD)


@pytest.fixture
def nurse(store: Store, admin: Actor) -> Actor:
    add_user(store, admin, "nurse", PASSWORD, "nurse", "Nina Nurse")
    return login(store, "nurse", PASSWORD)


@pytest.fixture
def physician(store: Store, admin: Actor) -> Actor:
    add_user(store, admin, "doc", PASSWORD, "physician", "Dr Paul Physician")
    return login(store, "doc", PASSWORD)


@pytest.fixture
def patient(store: Store, nurse: Actor) -> Any:
    return create_patient(store, nurse, admission())
