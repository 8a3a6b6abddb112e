"""Late effects after discharge: infections, IgG levels, new malignancies, follow-up visits.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

``late_effect`` holds one audited entry per row (canonical-JSON ``content`` validated by
``clinical.followup``), voided rather than deleted, like the other clinical records. Only
CREATE TABLE / CREATE INDEX here (no SQLite "move and copy"), so no existing trigger is dropped;
the new table gets its guard (tests/storage/test_migrations.py checks the set).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cartox_desktop.storage import triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    op.create_table(
        "late_effect",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("patient_id", BigId, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("time", sa.String(19), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", sa.Text()),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.String(32)),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('infection', 'igg', 'malignancy', 'visit')", name="kind"),
    )
    op.create_index("ix_late_effect_patient_id_time", "late_effect", ["patient_id", "time"])
    triggers.install_v1(op.execute, dialect, no_delete=("late_effect",))


def downgrade() -> None:
    raise NotImplementedError("CARTOX never downgrades a clinical database; restore a backup instead")
