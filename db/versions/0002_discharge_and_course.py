"""Discharge stamp, a checked patient status, the ward-board index, and the course-results table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

On SQLite, adding the CHECK constraint recreates ``patient`` ("move and copy"), which drops its
trigger: it is re-installed below (tests/storage/test_migrations.py checks it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cartox_desktop.storage import triggers

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("discharged_at", sa.String(32)))
        batch.create_check_constraint("status", "status IN ('active', 'discharged')")
        batch.create_index("ix_patient_status_ward", ["status", "ward"])
    op.create_table(
        "patient_course",
        sa.Column("patient_id", BigId, sa.ForeignKey("patient.id"), primary_key=True),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("crs_max_grade", sa.Integer()),
        sa.Column("icans_max_grade", sa.Integer()),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("graded_at", sa.String(32), nullable=False),
    )
    # The batch copy dropped patient's guard on SQLite; patient_course is new everywhere.
    triggers.install_v1(op.execute, dialect, no_delete=("patient", "patient_course"))


def downgrade() -> None:
    raise NotImplementedError("CARTOX never downgrades a clinical database; restore a backup instead")
