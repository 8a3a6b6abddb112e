"""Writing a model row with one Core statement, leaving the ORM object as if it had been loaded.

The save path writes a handful of rows per save (the entry, its grades, the course). Through the
ORM unit of work each flush cost about as much as grading a whole 35-day course; a Core INSERT or
UPDATE costs a fraction of it. These helpers keep the ORM objects exactly in step with the row,
so later reads, ``record_hash_of`` and ORM changes in the same or a later session see the values
stored: nothing is left expired (which would trigger a reload) or dirty (a second UPDATE).
Versioned models (optimistic lock) are inserted here at version 1; their updates stay on the ORM,
which checks the version.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

T = TypeVar("T")


def _version_key(obj: Any) -> str | None:
    column = obj.__mapper__.version_id_col
    return None if column is None else str(obj.__mapper__.get_property_by_column(column).key)


def insert_row(session: Session, obj: T) -> T:
    """INSERT the transient ``obj`` now (unset columns take their default, else NULL), give it
    its new primary key and attach it to ``session`` as a clean persistent object."""
    table = obj.__table__  # type: ignore[attr-defined]
    version_key = _version_key(obj)
    state = obj.__dict__
    values: dict[str, Any] = {}
    for column in table.columns:
        key = column.key
        if key in state:
            values[key] = state[key]
        elif key == version_key:
            values[key] = 1
        elif column.primary_key and column.autoincrement in (True, "auto") and len(table.primary_key) == 1:
            continue  # given by the database
        elif column.default is not None and column.default.is_scalar:
            values[key] = column.default.arg
        else:
            values[key] = None
    result = session.connection().execute(_insert(table), values)
    if any(column.key not in values for column in table.primary_key.columns):  # read back only when generated
        for column, value in zip(table.primary_key.columns, result.inserted_primary_key or (), strict=False):
            values[column.key] = value
    for key, value in values.items():
        if key not in state:
            setattr(obj, key, value)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def update_row(session: Session, obj: Any, values: dict[str, Any]) -> None:
    """UPDATE ``obj``'s row (by primary key) now with ``values`` and set them on the object as
    its loaded state (no history, so the ORM will not write them again). Not for versioned models."""
    if _version_key(obj) is not None:
        raise TypeError(f"{type(obj).__name__} is versioned: update it through the ORM (optimistic lock)")
    table = obj.__table__
    params = {f"v_{key}": value for key, value in values.items()}
    params.update({f"k_{column.key}": getattr(obj, column.key) for column in table.primary_key.columns})
    session.connection().execute(_update(table, tuple(values)), params)
    for key, value in values.items():
        set_committed_value(obj, key, value)


@lru_cache(maxsize=64)
def _insert(table: Any) -> Any:
    return insert(table)


@lru_cache(maxsize=256)
def _update(table: Any, keys: tuple[str, ...]) -> Any:
    """One statement per table and column set, so SQLAlchemy compiles it once."""
    where = [column == bindparam(f"k_{column.key}") for column in table.primary_key.columns]
    return update(table).where(*where).values({key: bindparam(f"v_{key}") for key in keys})
