"""SQLAlchemy 2.x typed models (schema head; the migrations in ``db/versions`` build the same).

Clinical rows hold the *current* version of a record; every version ever saved is kept, whole,
in the append-only ``audit_event`` table (21 CFR 11.10(e): "record changes shall not obscure
previously recorded information"). Assessments, labs and interventions are stored as their
case-format dicts (canonical JSON text, so what is hashed is exactly what is stored) plus the
indexed columns the queries need. ``version`` is the optimistic lock: two computers editing the
same record cannot silently overwrite each other.

Times: clinical times are local ISO text ``YYYY-MM-DDTHH:MM:SS`` (case-format.md, no offset), which
sorts correctly as text; audit/bookkeeping stamps are UTC ISO text with ``Z``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("nurse", "physician", "admin")
PATIENT_STATUSES = ("active", "discharged")

# SQLite wants INTEGER PRIMARY KEY (rowid alias); PostgreSQL gets 64-bit keys.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A local account; every audit event names one (21 CFR 11.10(d),(g), 11.300)."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('nurse', 'physician', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class Patient(Base):
    """Demographics and course-level case fields (case-format.md top level) of one patient."""

    __tablename__ = "patient"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'discharged')", name="status"),
        Index("ix_patient_status_ward", "status", "ward"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mrn: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    age_years: Mapped[float] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    ward: Mapped[str | None] = mapped_column(String(64))
    bed: Mapped[str | None] = mapped_column(String(32))
    product: Mapped[str | None] = mapped_column(String(32))
    infusion_date: Mapped[date] = mapped_column(Date)
    baseline_labs: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    upper_limits: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    death: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    status: Mapped[str] = mapped_column(String(16), default="active")
    discharged_at: Mapped[str | None] = mapped_column(String(32))  # revision 0002
    ice_baseline: Mapped[str | None] = mapped_column(Text)  # canonical JSON {city, hospital, sentence}; 0003
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str | None] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class _ClinicalRecord:
    """Columns shared by assessments, labs and interventions (one case-format entry each)."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    time: Mapped[str] = mapped_column(String(19))  # local YYYY-MM-DDTHH:MM:SS
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the case-format entry
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str | None] = mapped_column(String(32))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Assessment(_ClinicalRecord, Base):
    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("patient_id", "case_id"),
        Index("ix_assessment_patient_id_time", "patient_id", "time"),
    )
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    case_id: Mapped[str] = mapped_column(String(64))  # the case-format "id"


class LabResult(_ClinicalRecord, Base):
    __tablename__ = "lab_result"
    __table_args__ = (Index("ix_lab_result_patient_id_time", "patient_id", "time"),)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))


class Intervention(_ClinicalRecord, Base):
    __tablename__ = "intervention"
    __table_args__ = (Index("ix_intervention_patient_id_time", "patient_id", "time"),)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    given_by: Mapped[str | None] = mapped_column(String(200))  # who gave it (not in the case format)


class AssessmentGrade(Base):
    """The grades computed for one assessment, with the rules version that produced them."""

    __tablename__ = "assessment_grade"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), primary_key=True)
    rules_version: Mapped[str] = mapped_column(String(100))
    crs_astct: Mapped[int | None] = mapped_column(Integer)
    crs_ctcae: Mapped[int | None] = mapped_column(Integer)
    icans_astct: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text)  # canonical JSON: the case-format output entry
    graded_at: Mapped[str] = mapped_column(String(32))


class PatientCourse(Base):
    """Course-level results (maxima, ICAHT, CAR-HEMATOTOX, IEC-HS, alerts); revision 0002.

    A cache for the ward board, rebuilt on every save; ``cartox audit regrade`` re-checks it.
    """

    __tablename__ = "patient_course"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True)
    rules_version: Mapped[str] = mapped_column(String(100))
    crs_max_grade: Mapped[int | None] = mapped_column(Integer)
    icans_max_grade: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text)
    graded_at: Mapped[str] = mapped_column(String(32))
    board: Mapped[str | None] = mapped_column(Text)  # canonical JSON: the ward board's summary; 0003


class AppSetting(Base):
    """One ward setting (key and canonical-JSON value); revision 0003.

    Written only through ``services.settings``, which audits every change with the old and new
    value; ``version`` is the optimistic lock (two admins changing one setting at once).
    """

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class AuditEvent(Base):
    """One link of the append-only, hash-chained audit trail (21 CFR 11.10(e); ALCOA+).

    ``hash`` = SHA-256 of the canonical JSON of every other column (``detail`` parsed), which
    includes ``prev_hash``. ``entity``/``entity_id`` are set only for events that changed that
    record, and then ``record_hash`` is the SHA-256 of the record's stored state afterwards.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity_entity_id_seq", "entity", "entity_id", "seq"),
        Index("ix_audit_event_patient_id_seq", "patient_id", "seq"),
        Index("ix_audit_event_actor_seq", "actor", "seq"),  # revision 0003
        Index("ix_audit_event_action_seq", "action", "seq"),  # revision 0003
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    ts_utc: Mapped[str] = mapped_column(String(32))
    ts_local: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    patient_id: Mapped[int | None] = mapped_column(BigInteger)
    record_hash: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


RECORD_MODELS: dict[str, type[Base]] = {
    "user": User,
    "patient": Patient,
    "assessment": Assessment,
    "lab": LabResult,
    "intervention": Intervention,
}

# Late effects after discharge (revision 0004) are in their own module on this Base; imported
# here so that ``Base.metadata`` (migrations, the schema test) always holds them.
from . import models_followup  # noqa: E402, F401
