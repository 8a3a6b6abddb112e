"""The hashed state of a stored record, so ``audit verify`` can prove a row was not edited.

Every event that changes a record stores ``record_hash`` = SHA-256 of the record's canonical
snapshot afterwards. Verification recomputes the snapshot from the stored row (and, for an
assessment, its stored grades) and compares it with the latest event for that record: a
clinical value changed behind the app's back breaks the match (ALCOA+ "original", "accurate").

Snapshots are built by string splicing in canonical-JSON order (faster than ``json.dumps`` on
dicts); ``tests/storage`` checks they equal ``canonical_json`` of the same dict. Absent (NULL)
values are left out, so a later migration that adds a nullable column leaves earlier hashes valid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .canonical import encode_basestring, sha256_hex

# (key in the snapshot, column name, kind). Kinds: str, int, float, bool, date, json (canonical text).
_COMMON_RECORD = [
    ("content", "content", "json"),
    ("created_at", "created_at", "str"),
    ("created_by", "created_by", "str"),
    ("id", "id", "int"),
    ("patient_id", "patient_id", "int"),
    ("time", "time", "str"),
    ("updated_at", "updated_at", "str"),
    ("updated_by", "updated_by", "str"),
    ("version", "version", "int"),
    ("void_reason", "void_reason", "str"),
    ("voided", "voided", "bool"),
]
# The grades a user sees (and the rules version) are hashed with the assessment. The full grading
# output (reasons, flags) is derived from the content and re-checked by ``cartox audit regrade``;
# leaving it out keeps ``audit verify`` fast on a million records.
_GRADE = [
    ("grade_crs_astct", "crs_astct", "int"),
    ("grade_crs_ctcae", "crs_ctcae", "int"),
    ("grade_icans_astct", "icans_astct", "int"),
    ("grade_rules_version", "rules_version", "str"),
]

SNAPSHOT_FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "user": [
        ("active", "active", "bool"),
        ("created_at", "created_at", "str"),
        ("created_by", "created_by", "str"),
        ("display_name", "display_name", "str"),
        ("failed_logins", "failed_logins", "int"),
        ("id", "id", "int"),
        ("locked_until", "locked_until", "str"),
        ("password_hash", "password_hash", "str"),
        ("role", "role", "str"),
        ("username", "username", "str"),
        ("version", "version", "int"),
    ],
    "patient": [
        ("age_years", "age_years", "float"),
        ("baseline_labs", "baseline_labs", "json"),
        ("bed", "bed", "str"),
        ("created_at", "created_at", "str"),
        ("created_by", "created_by", "str"),
        ("date_of_birth", "date_of_birth", "date"),
        ("death", "death", "json"),
        ("discharged_at", "discharged_at", "str"),
        ("ice_baseline", "ice_baseline", "json"),
        ("id", "id", "int"),
        ("infusion_date", "infusion_date", "date"),
        ("mrn", "mrn", "str"),
        ("name", "name", "str"),
        ("product", "product", "str"),
        ("status", "status", "str"),
        ("updated_at", "updated_at", "str"),
        ("updated_by", "updated_by", "str"),
        ("upper_limits", "upper_limits", "json"),
        ("version", "version", "int"),
        ("ward", "ward", "str"),
        ("weight_kg", "weight_kg", "float"),
    ],
    "assessment": sorted([("case_id", "case_id", "str"), *_COMMON_RECORD, *_GRADE]),
    "lab": sorted(_COMMON_RECORD),
    "intervention": sorted([("given_by", "given_by", "str"), *_COMMON_RECORD]),
    "late_effect": sorted([("kind", "kind", "str"), *_COMMON_RECORD]),  # revision 0004
}
# Columns of the assessment snapshot that live in ``assessment_grade`` (alias g), not ``assessment``.
GRADE_KEYS = frozenset(key for key, _, _ in _GRADE)
# Kept out of the event detail (the hash still covers them): secrets and bulky derived text.
PRIVATE_KEYS = frozenset({"password_hash"})

TABLES = {"user": "app_user", "patient": "patient", "assessment": "assessment", "lab": "lab_result",
          "intervention": "intervention", "late_effect": "late_effect"}


def _encode(kind: str, value: Any) -> str:
    if kind == "str":
        return encode_basestring(value)
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    if kind == "bool":
        return "true" if value else "false"
    if kind == "date":
        return encode_basestring(value if isinstance(value, str) else value.isoformat())
    return str(value)  # json: already canonical text


_COMPILED = {
    entity: [(encode_basestring(key) + ":", kind) for key, _, kind in fields]
    for entity, fields in SNAPSHOT_FIELDS.items()
}


def snapshot_text(entity: str, values: Sequence[Any]) -> str:
    """Canonical JSON of the record, from column values in ``SNAPSHOT_FIELDS[entity]`` order."""
    parts = [prefix + _encode(kind, value)
             for (prefix, kind), value in zip(_COMPILED[entity], values, strict=True) if value is not None]
    return "{" + ",".join(parts) + "}"


def _date_text(value: Any) -> str:
    return encode_basestring(value if isinstance(value, str) else value.isoformat())


def _generate(entity: str) -> Callable[[Sequence[Any]], str]:
    """A specialised ``snapshot_text`` for rows shaped (id, field values...): the verify hot loop."""
    lines = ["def snapshot(row):", "    parts = []", "    add = parts.append"]
    for n, (key, _, kind) in enumerate(SNAPSHOT_FIELDS[entity], start=1):
        value = f"row[{n}]"
        encoded = {"json": value, "str": f"enc({value})", "int": f"str(int({value}))",
                   "float": f"repr(float({value}))", "bool": f"('true' if {value} else 'false')",
                   "date": f"date_text({value})"}[kind]
        lines.append(f"    if {value} is not None: add({encode_basestring(key)!r} + ':' + {encoded})")
    lines.append("    return '{' + ','.join(parts) + '}'")
    namespace: dict[str, Any] = {"enc": encode_basestring, "date_text": _date_text}
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the constant field table above
    return namespace["snapshot"]  # type: ignore[no-any-return]


ROW_SNAPSHOT: dict[str, Callable[[Sequence[Any]], str]] = {entity: _generate(entity) for entity in SNAPSHOT_FIELDS}


def row_values(entity: str, row: Any, grade: Any = None) -> list[Any]:
    """Column values of an ORM row (and, for an assessment, its ``AssessmentGrade``)."""
    values: list[Any] = []
    for key, column, _ in SNAPSHOT_FIELDS[entity]:
        source = grade if key in GRADE_KEYS else row
        values.append(None if source is None else getattr(source, column))
    return values


def record_hash_of(entity: str, row: Any, grade: Any = None) -> tuple[str, str]:
    """(snapshot text, its SHA-256) of an ORM row as it will be stored."""
    text = snapshot_text(entity, row_values(entity, row, grade))
    return text, sha256_hex(text)


def select_sql(entity: str) -> str:
    """Raw SQL returning ``record_key`` (the id) then the snapshot columns of every stored record of ``entity``."""
    cols = []
    for n, (key, column, _) in enumerate(SNAPSHOT_FIELDS[entity]):
        cols.append(f"{'g' if key in GRADE_KEYS else 'r'}.{column} AS c{n}")
    sql = f"SELECT r.id AS record_key, {', '.join(cols)} FROM {TABLES[entity]} r"
    if entity == "assessment":
        sql += " LEFT JOIN assessment_grade g ON g.assessment_id = r.id"
    return sql
