"""Use cases of CARTOX: every front end (desktop, CLI, reports) goes through these.

Each function takes the open ``Store`` and, when it writes, the acting user (``Actor`` from
``login``); it owns its transaction, writes the audit events in it, and returns plain frozen
dataclasses from ``services.dto`` (never ORM rows). Errors are ``services.errors.ServiceError``
subclasses whose message is one line naming the field, the value and what is accepted.
"""

from .audit import chain_head, events, verify
from .auth import (
    add_user,
    change_password,
    configure_hashing,
    count_users,
    list_users,
    login,
    set_role,
    unlock_user,
)
from .backup import backup_database
from .cases import record_case
from .dto import (
    Actor,
    AuditEventView,
    CaseRecorded,
    ChainHead,
    CourseView,
    ExportResult,
    GradeChange,
    GradeDifference,
    GradeSet,
    PatientInput,
    PatientView,
    RecordVersion,
    RecordView,
    SaveResult,
    Signature,
    Timeline,
    UserInfo,
    VerifyProblem,
    VerifyReport,
    WardRow,
)
from .errors import (
    AccountLocked,
    AuthenticationFailed,
    ConflictError,
    FieldIssue,
    NotFound,
    PermissionDenied,
    ServiceError,
    SignatureRequired,
    ValidationFailed,
)
from .exports import export_audit_csv, record_document_printed, record_export
from .patients import (
    amend_patient,
    course_of,
    create_patient,
    discharge_patient,
    find_patients,
    get_patient,
    set_status,
    ward_board,
)
from .records import (
    add_assessment,
    add_intervention,
    add_lab,
    add_record,
    amend_record,
    review_record,
    void_record,
)
from .regrade import regrade_all
from .timeline import get_record, patient_timeline, record_history

__all__ = [
    "AccountLocked", "Actor", "AuditEventView", "AuthenticationFailed", "CaseRecorded", "ChainHead",
    "ConflictError", "CourseView", "ExportResult", "FieldIssue", "GradeChange", "GradeDifference", "GradeSet",
    "NotFound", "PatientInput", "PatientView", "PermissionDenied", "RecordVersion", "RecordView", "SaveResult",
    "ServiceError", "Signature", "SignatureRequired", "Timeline", "UserInfo", "ValidationFailed", "VerifyProblem",
    "VerifyReport", "WardRow", "add_assessment", "add_intervention", "add_lab", "add_record", "add_user",
    "amend_patient", "amend_record", "backup_database", "chain_head", "change_password", "configure_hashing",
    "count_users", "course_of", "create_patient", "discharge_patient", "events", "export_audit_csv",
    "find_patients", "get_patient", "get_record", "list_users", "login", "patient_timeline", "record_case",
    "record_document_printed", "record_export", "record_history", "regrade_all", "review_record", "set_role",
    "set_status", "unlock_user", "verify", "void_record", "ward_board",
]
