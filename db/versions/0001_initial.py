"""Initial schema: users, patients, clinical records, grades, and the hash-chained audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cartox_desktop.storage import triggers

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", BigId, primary_key=True),
        sa.Column("patient_id", BigId, sa.ForeignKey("patient.id"), nullable=False),
        sa.Column("time", sa.String(19), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("void_reason", sa.Text()),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.String(32)),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.String(32)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('nurse', 'physician', 'admin')", name="role"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "patient",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("mrn", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date()),
        sa.Column("age_years", sa.Float(), nullable=False),
        sa.Column("weight_kg", sa.Float()),
        sa.Column("ward", sa.String(64)),
        sa.Column("bed", sa.String(32)),
        sa.Column("product", sa.String(32)),
        sa.Column("infusion_date", sa.Date(), nullable=False),
        sa.Column("baseline_labs", sa.Text()),
        sa.Column("upper_limits", sa.Text()),
        sa.Column("death", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.String(32)),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("mrn"),
    )
    op.create_table(
        "assessment",
        *_record_columns(),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("patient_id", "case_id"),
    )
    op.create_index("ix_assessment_patient_id_time", "assessment", ["patient_id", "time"])
    op.create_table("lab_result", *_record_columns())
    op.create_index("ix_lab_result_patient_id_time", "lab_result", ["patient_id", "time"])
    op.create_table("intervention", *_record_columns(), sa.Column("given_by", sa.String(200)))
    op.create_index("ix_intervention_patient_id_time", "intervention", ["patient_id", "time"])
    op.create_table(
        "assessment_grade",
        sa.Column("assessment_id", BigId, sa.ForeignKey("assessment.id"), primary_key=True),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("crs_astct", sa.Integer()),
        sa.Column("crs_ctcae", sa.Integer()),
        sa.Column("icans_astct", sa.Integer()),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("graded_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", BigId, primary_key=True, autoincrement=False),
        sa.Column("ts_utc", sa.String(32), nullable=False),
        sa.Column("ts_local", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32)),
        sa.Column("entity_id", sa.BigInteger()),
        sa.Column("patient_id", sa.BigInteger()),
        sa.Column("record_hash", sa.String(64)),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("prev_hash"),
        sa.UniqueConstraint("hash"),
    )
    op.create_index("ix_audit_event_entity_entity_id_seq", "audit_event", ["entity", "entity_id", "seq"])
    op.create_index("ix_audit_event_patient_id_seq", "audit_event", ["patient_id", "seq"])

    dialect = op.get_context().dialect.name
    triggers.install_v1(op.execute, dialect, append_only=triggers.APPEND_ONLY_TABLES,
                        no_delete=triggers.NO_DELETE_AT_REVISION["0001"])


def downgrade() -> None:
    raise NotImplementedError("CARTOX never downgrades a clinical database; restore a backup instead")
