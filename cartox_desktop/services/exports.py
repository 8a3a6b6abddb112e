"""Exports and prints are audit events too (21 CFR 11.10(b),(e): copies for review are logged).

``export_audit_csv`` writes the trail for an inspector; ``record_export`` and
``record_document_printed`` let the report and interop code log what left the system: who, when,
what kind, for which patient, the SHA-256 of the exact bytes and the inputs that produced them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cartox_desktop.storage.models import AuditEvent, Patient
from cartox_desktop.storage.store import Store

from . import audit
from .common import acting_user, loads
from .dto import Actor, ChainHead, ExportResult
from .errors import NotFound

CSV_COLUMNS = ("seq", "ts_utc", "ts_local", "actor", "action", "entity", "entity_id", "mrn", "reason",
               "signature_meaning", "grades_before", "grades_after", "detail", "record_hash", "prev_hash", "hash")


def _patient_id(session: Any, mrn: str | None) -> int | None:
    if mrn is None:
        return None
    pid = session.scalar(select(Patient.id).where(Patient.mrn == mrn))
    if pid is None:
        raise NotFound(f"--mrn {mrn!r}: no patient with this MRN")
    return int(pid)


def _json_cell(value: Any) -> str:
    from .common import dumps

    return "" if value is None else dumps(value)


def export_audit_csv(store: Store, actor: Actor, out: Path, *, mrn: str | None = None,
                     since: date | None = None) -> ExportResult:
    """Write the audit trail (optionally one patient's, optionally from a local date on) as CSV,
    then log the export itself. The file is written whole or not at all (temp file + rename)."""
    with store.reading() as session:
        acting_user(session, actor)
        patient_id = _patient_id(session, mrn)
        mrns = {pid: m for pid, m in session.execute(select(Patient.id, Patient.mrn))}
        query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=5000)
        if patient_id is not None:
            query = query.where(AuditEvent.patient_id == patient_id)
        if since is not None:
            query = query.where(AuditEvent.ts_local >= since.isoformat())
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".partial")
        digest = hashlib.sha256()
        rows = 0
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(CSV_COLUMNS)
            for event in session.scalars(query):
                detail = loads(event.detail) or {}
                signature = detail.get("signature") or {}
                writer.writerow((
                    event.seq, event.ts_utc, event.ts_local, event.actor, event.action, event.entity or "",
                    "" if event.entity_id is None else event.entity_id,
                    mrns.get(event.patient_id, detail.get("mrn", "")) if event.patient_id else detail.get("mrn", ""),
                    detail.get("reason", ""), signature.get("meaning", ""),
                    _json_cell(detail.get("grades_before")), _json_cell(detail.get("grades_after")),
                    event.detail, event.record_hash or "", event.prev_hash, event.hash))
                rows += 1
                if buffer.tell() > 1 << 20:
                    chunk = buffer.getvalue()
                    handle.write(chunk)
                    digest.update(chunk.encode("utf-8"))
                    buffer.seek(0)
                    buffer.truncate()
            chunk = buffer.getvalue()
            handle.write(chunk)
            digest.update(chunk.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, out)
    sha = digest.hexdigest()
    seq = record_export(store, actor, "audit_csv", mrn, sha, {"path": str(out), "rows": rows,
                                                               "since": since.isoformat() if since else None})
    return ExportResult(str(out), rows, sha, seq)


def record_export(store: Store, actor: Actor, kind: str, mrn: str | None, content_sha256: str,
                  inputs: dict[str, Any]) -> int:
    """Log that data left the system (CSV, FHIR, registry, backup ...). Returns the event number."""
    with store.writing() as session:
        user = acting_user(session, actor)
        patient_id = _patient_id(session, mrn) if mrn else None
        event = audit.append(session, actor=user.username, action="export", patient_id=patient_id,
                             detail={"kind": kind, "mrn": mrn, "sha256": content_sha256, "inputs": inputs})
        return event.seq


def record_document_printed(store: Store, user: Actor, kind: str, mrn_or_none: str | None, pdf_bytes: bytes,
                            inputs: dict[str, Any]) -> ChainHead:
    """Archive hook for printed documents: logs the PDF's SHA-256 and the inputs that built it.

    Returns the chain head *after* this event. Print ``chain_head(store)`` taken *before* the PDF
    was built on the PDF itself (the document cannot contain the hash of its own print event)."""
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    with store.writing() as session:
        acting = acting_user(session, user)
        patient_id = _patient_id(session, mrn_or_none) if mrn_or_none else None
        event = audit.append(session, actor=acting.username, action="print", patient_id=patient_id,
                             detail={"kind": kind, "mrn": mrn_or_none, "sha256": sha, "bytes": len(pdf_bytes),
                                     "inputs": inputs})
        return ChainHead(event.seq, event.hash, event.ts_utc)
