"""Use cases of CARTOX: every front end (desktop, CLI, reports) goes through these.

Each function takes the open ``Store`` and, when it writes, the acting user (``Actor`` from
``login``); it owns its transaction, writes the audit events in it, and returns plain frozen
dataclasses from ``services.dto`` (never ORM rows). Errors are ``services.errors.ServiceError``
subclasses whose message is one line naming the field, the value and what is accepted.
"""

from .anchors import LocalAnchor, local_anchor, remember_head
from .audit import chain_head, events, print_events, verify
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
from .connection import ConnectionFailed, check_connection, connection_summary, open_store, protocol_status
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
    LabsImported,
    PatientInput,
    PatientView,
    RecordVersion,
    RecordView,
    SaveResult,
    Settings,
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
from .labs import import_labs
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
from .protocols import ProtocolError, ProtocolStatus
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
from .settings import activate_protocol, effective_ice_baseline, get_settings, update_settings
from .timeline import case_from_timeline, get_record, patient_timeline, record_history

__all__ = [
    "case_from_timeline",
    "AccountLocked", "Actor", "AuditEventView", "AuthenticationFailed", "CaseRecorded", "ChainHead",
    "ConflictError", "ConnectionFailed", "CourseView", "ExportResult", "FieldIssue", "GradeChange",
    "GradeDifference", "GradeSet", "LabsImported", "NotFound", "PatientInput", "PatientView", "PermissionDenied",
    "ProtocolError", "ProtocolStatus", "RecordVersion", "RecordView", "SaveResult", "ServiceError", "Settings",
    "Signature", "SignatureRequired", "Timeline", "UserInfo", "ValidationFailed", "VerifyProblem", "VerifyReport",
    "WardRow", "activate_protocol", "add_assessment", "add_intervention", "add_lab", "add_record", "add_user", "amend_patient",
    "amend_record", "backup_database", "chain_head", "change_password", "check_connection", "configure_hashing",
    "connection_summary", "count_users", "course_of", "create_patient", "discharge_patient",
    "effective_ice_baseline", "events", "export_audit_csv", "find_patients", "get_patient", "get_record",
    "get_settings", "import_labs", "list_users", "login", "open_store", "patient_timeline", "print_events",
    "protocol_status", "record_case", "record_document_printed", "record_export", "record_history", "regrade_all",
    "review_record", "set_role", "set_status", "unlock_user", "update_settings", "verify", "void_record",
    "ward_board", "LocalAnchor", "local_anchor", "remember_head",
]

# After discharge: late effects and the follow-up board (issue 8).
from .dto_followup import FollowUpRow, IggLevel, LateEffects, LateEffectSaved, LateEffectView  # noqa: E402
from .followup import (  # noqa: E402
    active_follow_up_plan,
    add_late_effect,
    amend_late_effect,
    follow_up_board,
    get_late_effect,
    late_effects,
    void_late_effect,
)

__all__ += ["FollowUpRow", "IggLevel", "LateEffectSaved", "LateEffectView", "LateEffects", "active_follow_up_plan",
            "add_late_effect", "amend_late_effect", "follow_up_board", "get_late_effect", "late_effects",
            "void_late_effect"]
