"""Database-level guards: the audit trail is append-only, clinical rows are never deleted.

SQLite: ``BEFORE UPDATE/DELETE ... RAISE(ABORT)`` triggers. PostgreSQL: a PL/pgSQL function
attached BEFORE UPDATE/DELETE per row, plus BEFORE TRUNCATE per statement, because TRUNCATE does
not fire DELETE triggers. These stop accidents and casual edits; someone who drops a trigger can
still edit, which is why the hash chain exists and why ``audit verify`` reports missing triggers.

SQLite batch migrations ("move and copy") silently drop a table's triggers, so every migration
that recreates a guarded table re-installs its triggers with these functions, and a test checks
the expected set after each revision. The DDL is versioned here by name (``*_v1``) so a
migration keeps meaning the same SQL when later revisions change it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, text

APPEND_ONLY_TABLES = ("audit_event",)
MESSAGE = "is refused: CARTOX records are append-only (21 CFR 11.10(e)); amend or void through the app"


def trigger_names(dialect: str, append_only: Iterable[str], no_delete: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for table in append_only:
        names |= {f"{table}_no_update", f"{table}_no_delete"}
        if dialect == "postgresql":
            names.add(f"{table}_no_truncate")
    for table in no_delete:
        names.add(f"{table}_no_delete")
        if dialect == "postgresql":
            names.add(f"{table}_no_truncate")
    return names


def ddl_v1(dialect: str, append_only: Iterable[str] = (), no_delete: Iterable[str] = ()) -> list[str]:
    """CREATE statements for the guards on the given tables (idempotent: drops first)."""
    statements: list[str] = []
    if dialect == "sqlite":
        for table in append_only:
            for op in ("UPDATE", "DELETE"):
                name = f"{table}_no_{op.lower()}"
                statements += [
                    f"DROP TRIGGER IF EXISTS {name}",
                    f"CREATE TRIGGER {name} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{op} on {table} {MESSAGE}'); END",
                ]
        for table in no_delete:
            name = f"{table}_no_delete"
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'DELETE on {table} {MESSAGE}'); END",
            ]
        return statements
    if dialect != "postgresql":
        raise ValueError(f"no trigger DDL for {dialect}")
    # No '%' anywhere: psycopg would read it as a placeholder (engineering-notes §4.6).
    statements.append(
        "CREATE OR REPLACE FUNCTION cartox_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION USING MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ' {MESSAGE}'; END $$"
    )

    def guard(table: str, name: str, when: str, level: str) -> None:
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH {level} "
            "EXECUTE FUNCTION cartox_refuse_change()"
        )

    for table in append_only:
        guard(table, f"{table}_no_update", "UPDATE", "ROW")
        guard(table, f"{table}_no_delete", "DELETE", "ROW")
        guard(table, f"{table}_no_truncate", "TRUNCATE", "STATEMENT")
    for table in no_delete:
        guard(table, f"{table}_no_delete", "DELETE", "ROW")
        guard(table, f"{table}_no_truncate", "TRUNCATE", "STATEMENT")
    return statements


def install_v1(execute: Callable[[str], object], dialect: str, append_only: Iterable[str] = (),
               no_delete: Iterable[str] = ()) -> None:
    """Run ``ddl_v1`` through ``execute`` (``op.execute`` in a migration)."""
    for statement in ddl_v1(dialect, tuple(append_only), tuple(no_delete)):
        execute(statement)


# The guarded tables at each revision (the migration test checks these after every upgrade).
NO_DELETE_AT_REVISION = {
    "0001": ("app_user", "patient", "assessment", "lab_result", "intervention", "assessment_grade"),
    "0002": ("app_user", "patient", "assessment", "lab_result", "intervention", "assessment_grade",
             "patient_course"),
    "0003": ("app_user", "patient", "assessment", "lab_result", "intervention", "assessment_grade",
             "patient_course", "app_setting"),
    "0004": ("app_user", "patient", "assessment", "lab_result", "intervention", "assessment_grade",
             "patient_course", "app_setting", "late_effect"),
}
HEAD_REVISION = max(NO_DELETE_AT_REVISION)


def expected_triggers(dialect: str, revision: str) -> set[str]:
    return trigger_names(dialect, APPEND_ONLY_TABLES, NO_DELETE_AT_REVISION[revision])


def installed_triggers(connection: Connection) -> set[str]:
    """Names of the user-defined triggers present in the database (current schema on PostgreSQL)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = connection.execute(text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        ))
    return {row[0] for row in rows}
