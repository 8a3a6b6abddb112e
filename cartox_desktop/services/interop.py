"""Lab CSV import and FHIR / registry exports through the record store, every one audited.

Built only on the public services (``patient_timeline``, ``get_patient``, ``find_patients``,
``import_labs``, ``record_export``), so what is stored, graded and audited is exactly what the
desktop app stores, grades and audits. The pure work
(reading a CSV, building a Bundle or a registry row) is in ``cartox_desktop.interop``.

* ``preview_lab_file``: the preview of a lab file against the store's patients (nothing stored).
* ``import_lab_preview``: store a confirmed preview: every entry validated against the patient's
  whole case first, then the whole file stored by ``import_labs`` in ONE transaction (all or
  nothing): each lab entry its own ``create`` event (with the file's name, SHA-256 and mapping,
  and the rows, raw values, units and conversions it came from) and re-grade, and per patient
  one ``import`` event listing the records stored. Values already stored (same time, same lab, same value:
  the same file imported twice) are skipped and listed.
* ``export_fhir`` / ``export_registry``: write the file whole or not at all, and log an
  ``export`` event with the SHA-256 of the exact bytes (the file appears only once the event is
  committed).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from cartox_desktop.clinical import CaseInvalid, parse_case
from cartox_desktop.interop.fhir import FHIR_VERSION, PatientIdentity, build_bundle
from cartox_desktop.interop.labcsv import (
    LabImportPreview,
    LabMapping,
    MappingInvalid,
    mappings_from_text,
    mappings_to_toml,
    parse_lab_csv,
)
from cartox_desktop.interop.registry import registry_csv, registry_row
from cartox_desktop.storage.store import Store

from .common import acting_user
from .dto import Actor, ExportResult, PatientView, Timeline
from .errors import FieldIssue, NotFound, ValidationFailed
from .exports import record_export
from .followup import late_effects, registry_follow_up
from .labs import import_labs
from .patients import find_patients, get_patient
from .timeline import case_from_timeline, patient_timeline

REGISTRY_PATIENT_LIMIT = 1_000_000
ENV_LAB_MAPPINGS = "CARTOX_LAB_MAPPINGS"
LAB_MAPPINGS_FILE = "lab-mappings.toml"


# --------------------------------------------------------------------------------------------
# Lab mappings: bundled, saved by the hospital, or named on the command line
# --------------------------------------------------------------------------------------------

def saved_mappings_path() -> Path:
    """Where the hospital's own mappings are saved: ``$CARTOX_LAB_MAPPINGS``, else
    ``lab-mappings.toml`` in the per-user settings folder (platformdirs)."""
    env = os.environ.get(ENV_LAB_MAPPINGS, "").strip()
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("cartox", appauthor=False)) / LAB_MAPPINGS_FILE


def _read_mappings(path: Path) -> dict[str, LabMapping]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingInvalid([f"{path}: cannot read the mappings file ({exc.strerror})"]) from exc
    return mappings_from_text(text, str(path))


SETTINGS_MAPPINGS_SOURCE = "ward settings (lab_mappings_toml)"


def load_lab_mappings(extra: Path | None = None, store: Store | None = None) -> dict[str, tuple[LabMapping, str]]:
    """Every usable mapping by name, with where it comes from. Later sources override earlier
    ones: the bundled ``resources/lab-mappings.toml``, the saved mappings file, the hospital's
    mappings in the ward settings of ``store`` (``lab_mappings_toml``), then ``extra``."""
    from cartox_desktop.resources import resource_path

    out: dict[str, tuple[LabMapping, str]] = {}
    sources = [resource_path(LAB_MAPPINGS_FILE)]
    saved = saved_mappings_path()
    if saved.exists() or os.environ.get(ENV_LAB_MAPPINGS):
        sources.append(saved)
    for path in sources:
        for name, mapping in _read_mappings(path).items():
            out[name] = (mapping, str(path))
    if store is not None:
        from .settings import get_settings

        text = get_settings(store).lab_mappings_toml
        if text.strip():
            for name, mapping in mappings_from_text(text, SETTINGS_MAPPINGS_SOURCE).items():
                out[name] = (mapping, SETTINGS_MAPPINGS_SOURCE)
    if extra is not None:
        for name, mapping in _read_mappings(extra).items():
            out[name] = (mapping, str(extra))
    return out


def save_lab_mapping(mapping: LabMapping, path: Path | None = None) -> Path:
    """Add or replace ``mapping`` in the saved mappings file (the others are kept)."""
    target = path or saved_mappings_path()
    existing = _read_mappings(target) if target.exists() else {}
    existing[mapping.name] = mapping
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.write_text(mappings_to_toml(existing.values()), encoding="utf-8")
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------------
# A patient's case, as stored
# --------------------------------------------------------------------------------------------

def grades_from_timeline(timeline: Timeline, case: dict[str, Any]) -> dict[str, Any]:
    """The stored grades (what the ward saw); graded afresh only when any is missing."""
    active = [r for r in timeline.assessments if not r.voided]
    if timeline.course is not None and all(r.grades is not None for r in active):
        assessments = []
        for r in active:
            assert r.grades is not None
            assessments.append({**r.grades.result, "id": r.content.get("id", r.case_id)})
        return {"assessments": assessments, "course": timeline.course.result,
                "rules_version": timeline.course.rules_version}
    from .grading import grade

    return grade(parse_case(case))  # with the ward's active protocol, as every save grades


def patient_case(store: Store, mrn: str) -> tuple[PatientView, dict[str, Any], dict[str, Any]]:
    """(patient, case dict, grades) of one stored patient; ``NotFound`` for an unknown MRN."""
    timeline = patient_timeline(store, mrn=mrn.strip())
    case = case_from_timeline(timeline)
    return timeline.patient, case, grades_from_timeline(timeline, case)


# --------------------------------------------------------------------------------------------
# Writing export files: whole or not at all, and only once the export event is committed
# --------------------------------------------------------------------------------------------

def _write_audited(out: Path, data: bytes, log: Callable[[str], int]) -> tuple[str, int]:
    sha = hashlib.sha256(data).hexdigest()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        seq = log(sha)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return sha, seq


def export_fhir(store: Store, actor: Actor, mrn: str, out: Path, *, tz: tzinfo | None = None,
                mrn_system: str | None = None, now: datetime | None = None) -> ExportResult:
    """Write one patient's FHIR R4 Bundle (JSON) to ``out`` and log the export.

    ``NotFound`` for an unknown MRN (nothing written, nothing logged)."""
    patient, case, grades = patient_case(store, mrn)
    identity = PatientIdentity(patient.mrn, patient.name, patient.date_of_birth,
                               **({"mrn_system": mrn_system} if mrn_system else {}))
    bundle = build_bundle(case, grades, identity, tz=tz, generated_at=now or datetime.now(UTC))
    data = (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    entries = len(bundle["entry"])
    _sha, seq = _write_audited(out, data, lambda sha: record_export(
        store, actor, "fhir_r4", patient.mrn, sha,
        {"path": str(out), "format": f"FHIR {FHIR_VERSION} Bundle (collection)", "resources": entries,
         "bundle_id": bundle["id"], "rules_version": grades.get("rules_version")}))
    return ExportResult(str(out), entries, _sha, seq)


def registry_rows(store: Store, *, since: date | None = None) -> list[dict[str, Any]]:
    """One registry row per patient (infusion on or after ``since`` when given), by infusion date."""
    rows = []
    patients = find_patients(store, "", limit=REGISTRY_PATIENT_LIMIT)
    for p in sorted(patients, key=lambda v: (v.infusion_date, v.mrn)):
        if since is not None and p.infusion_date < since:
            continue
        timeline = patient_timeline(store, p.id)
        case = case_from_timeline(timeline)
        rows.append(registry_row(p.mrn, case, grades_from_timeline(timeline, case),
                                 registry_follow_up(late_effects(store, p.id))))
    return rows


def export_registry(store: Store, actor: Actor, out: Path, *, since: date | None = None) -> ExportResult:
    """Write the registry summary CSV (a row per patient) to ``out`` and log the export."""
    with store.reading() as session:
        acting_user(session, actor)  # refuse a deactivated user before reading every course
    rows = registry_rows(store, since=since)
    data = registry_csv(rows).encode("utf-8")
    _sha, seq = _write_audited(out, data, lambda sha: record_export(
        store, actor, "registry_csv", None, sha,
        {"path": str(out), "rows": len(rows), "since": since.isoformat() if since else None,
         "mrns": [r["mrn"] for r in rows]}))
    return ExportResult(str(out), len(rows), _sha, seq)


# --------------------------------------------------------------------------------------------
# Lab import
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabFilePreview:
    """The pure preview plus the store's patients it names."""

    preview: LabImportPreview
    patients: dict[str, PatientView]  # MRN -> patient, for the known MRNs of the file

    @property
    def infusion_dates(self) -> dict[str, date]:
        return {m: p.infusion_date for m, p in self.patients.items()}

    def render_text(self) -> str:
        return self.preview.render_text(self.infusion_dates)


@dataclass(frozen=True)
class LabImportResult:
    file_name: str
    sha256: str
    patients: int
    entries: int  # lab entries stored (one per specimen time)
    values: int  # lab values stored
    skipped_duplicates: int  # values already stored with the same time and value
    lab_event_seqs: tuple[int, ...]
    import_event_seqs: tuple[int, ...]


def preview_lab_file(store: Store, data: bytes, file_name: str, mapping: LabMapping) -> LabFilePreview:
    """Read a lab CSV against the store's patients; stores nothing. Raises ``LabFileInvalid``."""
    first = parse_lab_csv(data, mapping, file_name)
    patients: dict[str, PatientView] = {}
    for mrn in dict.fromkeys(v.mrn for v in first.values):
        try:
            patients[mrn] = get_patient(store, mrn=mrn)
        except NotFound:
            continue
    return LabFilePreview(parse_lab_csv(data, mapping, file_name, known_mrns=set(patients)), patients)


def _refusal(preview: LabImportPreview, skip_unknown_mrns: bool) -> ValidationFailed | None:
    issues = [FieldIssue(f"row {i.row}" + (f", column {i.column!r}" if i.column else ""), i.value, i.message)
              for i in preview.issues]
    if preview.unknown_mrns and not skip_unknown_mrns:
        for m in preview.unknown_mrns:
            rows = sorted({v.row for v in preview.values if v.mrn == m})
            where = f"row{'s' if len(rows) > 1 else ''} {', '.join(str(r) for r in rows)}, column {preview.mrn_column!r}"
            issues.append(FieldIssue(where, m, "no patient with this MRN in the record store (admit the patient "
                                               "first, or leave these rows out explicitly)"))
    if not issues and not preview.importable_values(skip_unknown_mrns):
        issues.append(FieldIssue("file", preview.file_name, "no lab value to import"))
    return ValidationFailed(issues, f"lab file {preview.file_name}") if issues else None


def _same_time(a: str, b: str) -> bool:
    try:
        return datetime.fromisoformat(a) == datetime.fromisoformat(b)
    except ValueError:
        return a == b


def _drop_stored(entry: dict[str, Any], stored: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
    """``entry`` without the values already stored at the same time with the same value."""
    key = "date" if "date" in entry else "time"
    same = [s for s in stored if key in s and _same_time(str(s[key]), str(entry[key]))]
    out = {key: entry[key]}
    dropped = 0
    for lab, value in entry.items():
        if lab == key:
            continue
        if any(s.get(lab) == value for s in same):
            dropped += 1
        else:
            out[lab] = value
    return out, dropped


def import_lab_preview(store: Store, actor: Actor, checked: LabFilePreview, *,
                       skip_unknown_mrns: bool = False) -> LabImportResult:
    """Store a previewed lab file after the user confirmed it.

    Refuses (``ValidationFailed``, nothing stored) while any row is invalid, any MRN unknown
    (unless ``skip_unknown_mrns``), or any patient's case would become invalid.
    """
    preview = checked.preview
    refused = _refusal(preview, skip_unknown_mrns)
    if refused is not None:
        raise refused
    with store.reading() as session:
        acting_user(session, actor)
    plan: list[tuple[PatientView, list[dict[str, Any]], int]] = []
    problems: list[FieldIssue] = []
    for mrn, entries in preview.lab_entries(skip_unknown_mrns).items():
        timeline = patient_timeline(store, mrn=mrn)
        case = case_from_timeline(timeline)
        new, skipped = [], 0
        for entry in entries:
            kept, dropped = _drop_stored(entry, case["labs"])
            skipped += dropped
            if len(kept) > 1:
                new.append(kept)
        try:
            parse_case({**case, "labs": case["labs"] + new})
        except CaseInvalid as exc:
            base = len(case["labs"])
            for e in exc.errors:
                problems.append(FieldIssue(f"MRN {mrn}: {e.path}" + (" (imported)" if e.path.startswith("labs[") and
                                                                   _index(e.path) >= base else ""),
                                           e.value, e.message))
        plan.append((timeline.patient, new, skipped))
    if problems:
        raise ValidationFailed(problems, f"lab file {preview.file_name}")

    entries_by_patient: dict[str, list[dict[str, Any]]] = {}
    entry_details: dict[str, list[dict[str, Any] | None]] = {}
    for patient, new, _skipped in plan:
        if not new:
            continue
        entries_by_patient[patient.mrn] = new
        entry_details[patient.mrn] = [
            {"values": [v for v in preview.sources(patient.mrn, str(e["date" if "date" in e else "time"]))
                        if v["lab"] in e]} for e in new]
    skipped_total = sum(skipped for _, _, skipped in plan)
    if not entries_by_patient:
        return LabImportResult(preview.file_name, preview.sha256, 0, 0, 0, skipped_total, (), ())
    source: dict[str, Any] = {"file_name": preview.file_name, "sha256": preview.sha256, "mapping": preview.mapping}
    if skipped_total:
        source["skipped_duplicates"] = skipped_total
    stored = import_labs(store, actor, entries_by_patient, entry_details=entry_details, source=source)
    return LabImportResult(preview.file_name, preview.sha256, stored.patients, stored.entries, stored.values,
                           skipped_total, stored.lab_event_seqs, stored.import_event_seqs)


def _index(path: str) -> int:
    try:
        return int(path.split("[", 1)[1].split("]", 1)[0])
    except (IndexError, ValueError):
        return -1
