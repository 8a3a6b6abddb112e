"""The hash-chained audit trail: append, head, verify, history (21 CFR 11.10(e); ALCOA+).

Each event's ``hash`` is SHA-256 over the canonical JSON of all its other fields, ``prev_hash``
included, so editing, deleting, inserting or reordering any event breaks the chain from there
on. Events are written in the same transaction as the change they describe. Verification also
proves the stored records are what the trail last recorded (``record_hash``), so a clinical
value edited behind the app's back is caught. The chain head printed on every PDF anchors the
trail outside the database (a rewritten chain would no longer contain the printed head).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cartox_desktop.storage.canonical import GENESIS_HASH, encode_basestring, sha256_hex
from cartox_desktop.storage.chainwalk import (
    ChainPart,
    Reader,
    RecordPart,
    Source,
    missing_records,
    run_task,
    walk_chain,
)
from cartox_desktop.storage.chainwalk import check_records as check_record_range
from cartox_desktop.storage.models import AuditEvent
from cartox_desktop.storage.snapshot import TABLES
from cartox_desktop.storage.store import Store
from cartox_desktop.storage.triggers import HEAD_REVISION, expected_triggers

from .common import dumps, loads, stamps
from .dto import AuditEventView, ChainHead, VerifyProblem, VerifyReport


def _s(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _i(value: int | None) -> str:
    return "null" if value is None else str(value)


def event_message(seq: int, ts_utc: str, ts_local: str, actor: str, action: str, entity: str | None,
                  entity_id: int | None, patient_id: int | None, record_hash: str | None, detail: str,
                  prev_hash: str) -> str:
    """Canonical JSON of the event without its hash (``detail`` is already canonical text).

    Equal to ``canonical_json({...})`` of the same fields with ``detail`` parsed; spliced by hand
    because ``audit verify`` runs this a million times.
    """
    return ('{"action":' + _s(action) + ',"actor":' + _s(actor) + ',"detail":' + detail
            + ',"entity":' + _s(entity) + ',"entity_id":' + _i(entity_id) + ',"patient_id":' + _i(patient_id)
            + ',"prev_hash":' + _s(prev_hash) + ',"record_hash":' + _s(record_hash) + ',"seq":' + str(seq)
            + ',"ts_local":' + _s(ts_local) + ',"ts_utc":' + _s(ts_utc) + "}")


def _head_in(session: Session) -> tuple[int, str]:
    cached = session.info.get("audit_head")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    row = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def append(session: Session, *, actor: str, action: str, detail: dict[str, Any], entity: str | None = None,
           entity_id: int | None = None, patient_id: int | None = None, record_hash: str | None = None,
           now_stamps: tuple[str, str] | None = None) -> AuditEvent:
    """Add one event to the chain inside the caller's write transaction (which holds the writer
    lock: ``BEGIN IMMEDIATE`` on SQLite, the advisory lock on PostgreSQL, so the head cannot fork)."""
    seq, prev = _head_in(session)
    seq += 1
    ts_utc, ts_local = now_stamps or stamps()
    detail_text = dumps({k: v for k, v in detail.items() if v is not None})
    digest = sha256_hex(event_message(seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id,
                                      record_hash, detail_text, prev))
    event = AuditEvent(seq=seq, ts_utc=ts_utc, ts_local=ts_local, actor=actor, action=action, entity=entity,
                       entity_id=entity_id, patient_id=patient_id, record_hash=record_hash, detail=detail_text,
                       prev_hash=prev, hash=digest)
    session.add(event)
    session.info["audit_head"] = (seq, digest)
    return event


def event_view(e: AuditEvent) -> AuditEventView:
    return AuditEventView(e.seq, e.ts_utc, e.ts_local, e.actor, e.action, e.entity, e.entity_id, e.patient_id,
                          e.record_hash, loads(e.detail), e.prev_hash, e.hash)


def chain_head(store: Store) -> ChainHead | None:
    """The newest event (seq, hash); print it on every document. None for an empty trail."""
    with store.reading() as session:
        row = session.execute(
            select(AuditEvent.seq, AuditEvent.hash, AuditEvent.ts_utc).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
    return ChainHead(row[0], row[1], row[2]) if row else None


def events(store: Store, *, patient_id: int | None = None, entity: str | None = None,
           entity_id: int | None = None, since_seq: int = 0, limit: int | None = None) -> list[AuditEventView]:
    """Audit events, oldest first, optionally for one patient or one record."""
    query = select(AuditEvent).where(AuditEvent.seq > since_seq).order_by(AuditEvent.seq)
    if patient_id is not None:
        query = query.where(AuditEvent.patient_id == patient_id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as session:
        return [event_view(e) for e in session.scalars(query)]


# ------------------------------------------------------------------------------------------------
# verification

PARALLEL_MIN_EVENTS = 100_000  # below this, worker start-up costs more than it saves


def _source(store: Store) -> Source:
    if store.dialect == "sqlite":
        return ("sqlite", str(store.sqlite_path))
    from psycopg.conninfo import make_conninfo

    url = store.engine.url
    params: dict[str, Any] = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in url.query.items()}
    conninfo = make_conninfo("", host=url.host, port=url.port, user=url.username, password=url.password,
                             dbname=url.database, **params)
    return ("postgresql", conninfo)


def _split(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    if hi < lo:
        return []
    size = max(1, -(-(hi - lo + 1) // max(1, parts)))
    return [(start, min(hi, start + size - 1)) for start in range(lo, hi + 1, size)]


def _triggers_present(reader: Reader) -> set[str]:
    if reader.kind == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
               "ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()")
    return {row[0] for row in reader.rows(sql)}


def _join_chain(parts: list[ChainPart]) -> tuple[int, ChainHead | None, list[VerifyProblem]]:
    problems: list[VerifyProblem] = []
    expected_prev = GENESIS_HASH
    intact = True
    count = 0
    head: ChainHead | None = None
    for part in sorted(parts, key=lambda p: p.lo):
        count += part.count
        if intact and part.first_seq is not None and part.first_prev != expected_prev:
            problems.append(VerifyProblem(part.first_seq, (
                f"event #{part.first_seq} does not link to event #{part.first_seq - 1}: events were removed, "
                "inserted or reordered")))
            intact = False
        if part.problem is not None:
            problems.append(VerifyProblem(*part.problem))
            intact = False
        expected_prev = part.last_hash or expected_prev
        if part.last_seq is not None and part.last_hash is not None and part.last_ts is not None:
            head = ChainHead(part.last_seq, part.last_hash, part.last_ts)
    return count, head if not problems else None, problems


def verify(store: Store, *, check_records: bool = True, workers: int | None = None) -> VerifyReport:
    """Walk the whole chain and compare every stored record with its latest audited version.

    Problems are sorted so the first broken event comes first. Read-only, on consistent
    snapshots, so it is safe while the ward keeps working. Large trails are checked by several
    processes at once (``workers``, default: the CPU count, at most 4).
    """
    started = time.perf_counter()
    source = _source(store)
    raw = store.read_engine.raw_connection()
    reader = Reader(source, raw.driver_connection)
    try:
        problems: list[VerifyProblem] = []
        missing = sorted(expected_triggers(store.dialect, HEAD_REVISION) - _triggers_present(reader))
        if missing:
            problems.append(VerifyProblem(None, (
                f"append-only guard trigger(s) missing: {', '.join(missing)} (dropped outside CARTOX)")))
        max_seq = next(iter(reader.rows("SELECT MAX(seq) FROM audit_event")))[0] or 0
        ranges = {entity: next(iter(reader.rows(f"SELECT MIN(id), MAX(id) FROM {table}")))
                  for entity, table in TABLES.items()} if check_records else {}
        if check_records:
            for entity in TABLES:
                problems += [VerifyProblem(seq, message) for seq, message in missing_records(reader, entity)]
        # A frozen app re-runs itself in spawned workers unless its entry point calls
        # multiprocessing.freeze_support(); stay single-process there unless asked.
        default = 1 if getattr(sys, "frozen", False) else min(os.cpu_count() or 1, 4)
        n = workers if workers is not None else default
        parallel = n > 1 and (max_seq >= PARALLEL_MIN_EVENTS or workers is not None)
        chunks = 2 * n if parallel else 1
        tasks: list[tuple[Any, ...]] = [("chain", lo, hi) for lo, hi in _split(1, max_seq, chunks)]
        for entity, (lo, hi) in ranges.items():
            if lo is not None:
                tasks += [("records", entity, a, b) for a, b in _split(lo, hi, chunks)]
        if parallel:
            with ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn")) as pool:
                results = list(pool.map(run_task, [source] * len(tasks), tasks))
        else:
            results = []
            for task in tasks:
                if task[0] == "chain":
                    results.append(walk_chain(reader, task[1], task[2], None))
                else:
                    results.append(check_record_range(reader, task[1], task[2], task[3]))
    finally:
        reader.close(own=False)
        raw.close()
    count, head, chain_problems = _join_chain([r for r in results if isinstance(r, ChainPart)])
    problems += chain_problems
    records = 0
    for part in results:
        if isinstance(part, RecordPart):
            records += part.checked
            problems += [VerifyProblem(seq, message) for seq, message in part.problems]
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return VerifyReport(count, records, tuple(problems), time.perf_counter() - started, head)
