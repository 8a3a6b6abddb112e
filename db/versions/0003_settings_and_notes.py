"""Audited ward settings, per-patient ICE baseline answers, the ward-board summary, audit filters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

- ``app_setting``: one row per setting (key, canonical-JSON value, who and when, optimistic-lock
  version), read and written only through ``services.settings``; every change is also an audit
  event with the old and new value. Rows are never deleted (guarded like the clinical tables).
- ``patient.ice_baseline``: the patient's own answers for the ICE orientation and writing items
  (canonical JSON ``{"city", "hospital", "sentence"}``; NULL = the ward's answers from settings).
- ``patient_course.board``: the ward board's summary of the course (canonical JSON), rebuilt
  with the course on every save, so the board never reads a timeline.
- Indexes on ``audit_event`` (actor, seq) and (action, seq) for the filtered audit view and the
  previous-handover lookup.

Notes and ICE adaptations on records need no column: they live in the record's audit event.

Only ADD COLUMN / CREATE TABLE / CREATE INDEX here, so no SQLite "move and copy" happens and no
trigger is dropped; the new table gets its guard (tests/storage/test_migrations.py checks the set).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cartox_desktop.storage import triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.add_column("patient", sa.Column("ice_baseline", sa.Text()))
    op.add_column("patient_course", sa.Column("board", sa.Text()))
    op.create_index("ix_audit_event_actor_seq", "audit_event", ["actor", "seq"])
    op.create_index("ix_audit_event_action_seq", "audit_event", ["action", "seq"])
    triggers.install_v1(op.execute, dialect, no_delete=("app_setting",))


def downgrade() -> None:
    raise NotImplementedError("CARTOX never downgrades a clinical database; restore a backup instead")
