"""The hash-chained audit trail: append, head, verify, history (21 CFR 11.10(e); ALCOA+).

Each event's ``hash`` is SHA-256 over the canonical JSON of all its other fields, ``prev_hash``
included, so editing, deleting, inserting or reordering any event breaks the chain from there
on. Events are written in the same transaction as the change they describe. Verification also
proves the stored records are what the trail last recorded (``record_hash``), so a clinical
value edited behind the app's back is caught. The chain head printed on every PDF anchors the
trail outside the database (a rewritten chain would no longer contain the printed head).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, insert, select
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
from cartox_desktop.storage.models import AppSetting, AuditEvent
from cartox_desktop.storage.snapshot import TABLES
from cartox_desktop.storage.store import Store
from cartox_desktop.storage.triggers import HEAD_REVISION, expected_triggers

from .anchors import LocalAnchor, local_anchor, remember_head
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


_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))


class AppendedEvent(NamedTuple):
    """What a caller of ``append`` reads back about the event it wrote."""

    seq: int
    hash: str
    ts_utc: str
    ts_local: str


def _head_in(session: Session) -> tuple[int, str]:
    cached = session.info.get("audit_head")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    row = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def append(session: Session, *, actor: str, action: str, detail: dict[str, Any], entity: str | None = None,
           entity_id: int | None = None, patient_id: int | None = None, record_hash: str | None = None,
           now_stamps: tuple[str, str] | None = None) -> AppendedEvent:
    """Add one event to the chain inside the caller's write transaction (which holds the writer
    lock: ``BEGIN IMMEDIATE`` on SQLite, the advisory lock on PostgreSQL, so the head cannot fork)."""
    seq, prev = _head_in(session)
    seq += 1
    ts_utc, ts_local = now_stamps or stamps()
    detail_text = dumps({k: v for k, v in detail.items() if v is not None})
    digest = sha256_hex(event_message(seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id,
                                      record_hash, detail_text, prev))
    values = {"seq": seq, "ts_utc": ts_utc, "ts_local": ts_local, "actor": actor, "action": action,
              "entity": entity, "entity_id": entity_id, "patient_id": patient_id, "record_hash": record_hash,
              "detail": detail_text, "prev_hash": prev, "hash": digest}
    # Inserted now, in chain order, by one Core statement: an event is never changed after it is
    # written, so the ORM unit of work (a third of a save's flush time) has nothing to track.
    session.connection().execute(_INSERT_EVENT, values)
    session.info["audit_head"] = (seq, digest)
    if patient_id is not None:  # the patient's newest event: services.statecache keys on it
        session.info.setdefault("patient_heads", {})[patient_id] = (seq, digest)
    return AppendedEvent(seq, digest, ts_utc, ts_local)


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


def event_hash_at(store: Store, seq: int) -> str | None:
    """The stored hash of event ``seq`` (None when there is no such event)."""
    with store.reading() as session:
        return session.execute(select(AuditEvent.hash).where(AuditEvent.seq == seq)).scalar()


def _utc_bound(value: datetime | date | str, end_of_day: bool) -> str:
    """An audit-stamp bound (UTC ISO text, as stored in ``ts_utc``) from a datetime (naive =
    local time, as the app shows it), a date (local midnight; the next midnight for ``until``)
    or ISO text of either."""
    if isinstance(value, str):
        text = value.strip()
        value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        value = datetime.combine(value + timedelta(days=1) if end_of_day else value, datetime.min.time())
    if value.tzinfo is None:
        value = value.astimezone()  # naive: local time
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def events(store: Store, *, patient_id: int | None = None, entity: str | None = None,
           entity_id: int | None = None, since_seq: int = 0, limit: int | None = None,
           actor: str | None = None, since: datetime | date | str | None = None,
           until: datetime | date | str | None = None, action: str | Iterable[str] | None = None,
           newest_first: bool = False) -> list[AuditEventView]:
    """Audit events, oldest first (``newest_first`` reverses), filtered in SQL: one patient or
    one record, one user (``actor``, the exact user name), one action or several, a period
    (``since`` inclusive, ``until`` exclusive; a date ``until`` includes that whole day; naive
    datetimes are local time), events after ``since_seq``; at most ``limit`` of them."""
    query = select(AuditEvent).where(AuditEvent.seq > since_seq)
    if patient_id is not None:
        query = query.where(AuditEvent.patient_id == patient_id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if action is not None:
        actions = [action] if isinstance(action, str) else list(action)
        query = query.where(AuditEvent.action.in_(actions))
    if since is not None:
        query = query.where(AuditEvent.ts_utc >= _utc_bound(since, False))
    if until is not None:
        query = query.where(AuditEvent.ts_utc < _utc_bound(until, True))
    query = query.order_by(AuditEvent.seq.desc() if newest_first else AuditEvent.seq)
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as session:
        return [event_view(e) for e in session.scalars(query)]


PRINT_EVENTS_BATCH = 200


def print_events(store: Store, kind: str, ward: str | None = None, limit: int = 1) -> list[AuditEventView]:
    """The newest ``print`` events of one document ``kind`` (``handover``, ``patient_report`` ...),
    newest first, optionally of one ward (the ward label printed on the document). Reads only
    print events (indexed by action), never the whole trail."""
    kind_text, ward_text = f'"kind":{dumps(kind)}', f'"ward":{dumps(ward)}' if ward is not None else None
    out: list[AuditEventView] = []
    before: int | None = None
    with store.reading() as session:
        while len(out) < limit:
            query = select(AuditEvent).where(AuditEvent.action == "print", AuditEvent.detail.contains(kind_text))
            if ward_text is not None:
                query = query.where(AuditEvent.detail.contains(ward_text))
            if before is not None:
                query = query.where(AuditEvent.seq < before)
            batch = list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(PRINT_EVENTS_BATCH)))
            for e in batch:  # the text match is a pre-filter: check the parsed detail
                view = event_view(e)
                inputs = view.detail.get("inputs") or {}
                if view.detail.get("kind") == kind and (ward is None or inputs.get("ward") == ward):
                    out.append(view)
                    if len(out) == limit:
                        break
            if len(batch) < PRINT_EVENTS_BATCH:
                break
            before = batch[-1].seq
    return out


# ------------------------------------------------------------------------------------------------
# verification

PARALLEL_MIN_EVENTS = 100_000  # below this, worker start-up costs more than it saves
PARALLEL_MIN_RECORDS_PER_TASK = 20_000


def _task_size(task: tuple[Any, ...], ranges: dict[str, tuple[int | None, int | None]]) -> int:
    """Rows a verify task reads (roughly), to hand out the largest first."""
    if task[0] == "chain":
        return int(task[2] - task[1] + 1)
    if task[0] == "records":
        return int(task[3] - task[2] + 1)
    lo, hi = ranges.get(task[1], (None, None))
    return 0 if lo is None or hi is None else (hi - lo + 1) // 2  # "missing": an index walk


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


def _check_anchors(store: Store, anchors: Iterable[tuple[int, str]], count: int) -> list[VerifyProblem]:
    """Each anchor (seq, hash) kept outside the database must still be in the trail, unchanged."""
    problems: list[VerifyProblem] = []
    for seq, digest in anchors:
        stored = event_hash_at(store, int(seq))
        if stored is None:
            problems.append(VerifyProblem(int(seq), (
                f"event #{seq}, the chain head recorded outside the database, is missing (the trail ends at "
                f"#{count}): the newest events were deleted")))
        elif stored != digest.strip().lower():
            problems.append(VerifyProblem(int(seq), (
                f"event #{seq} does not have the hash recorded outside the database ({digest[:12]}...): "
                "the trail was rewritten from there")))
    return problems


def _check_local_anchor(store: Store, local: LocalAnchor, count: int) -> list[VerifyProblem]:
    """The head this computer recorded (``services.anchors``) must still be in the trail."""
    stored = event_hash_at(store, local.seq)
    when = local.recorded_at[:16].replace("T", " ")
    if stored is None:
        return [VerifyProblem(local.seq, (
            f"event #{local.seq}, the chain head this computer recorded on {when} UTC (outside the database), "
            f"is missing (the trail ends at #{count}): the newest events were deleted, or an older copy of the "
            "database was put back"))]
    if stored != local.hash:
        return [VerifyProblem(local.seq, (
            f"event #{local.seq} does not have the hash this computer recorded on {when} UTC "
            f"({local.hash[:12]}...): the trail was rewritten from there"))]
    return []


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


def _setting_problems(store: Store) -> list[VerifyProblem]:
    """Ward settings (protocol file, ICE interval...) against their latest ``setting`` event:
    a setting changed, added or deleted behind the app's back is reported like a record."""
    from .settings import setting_hash  # settings audits through this module

    problems: list[VerifyProblem] = []
    with store.reading() as session:
        latest: dict[str, tuple[int, str | None]] = {}
        for seq, record_hash, detail in session.execute(
                select(AuditEvent.seq, AuditEvent.record_hash, AuditEvent.detail)
                .where(AuditEvent.action == "setting").order_by(AuditEvent.seq)):
            key = (loads(detail) or {}).get("setting")
            if isinstance(key, str):
                latest[key] = (seq, record_hash)
        stored = {key: setting_hash(key, value, updated_at, updated_by, version)
                  for key, value, updated_at, updated_by, version in session.execute(
                      select(AppSetting.key, AppSetting.value, AppSetting.updated_at, AppSetting.updated_by,
                             AppSetting.version))}
    for key, digest in sorted(stored.items()):
        if key not in latest:
            problems.append(VerifyProblem(None, f"setting '{key}' has no audit event: it was set outside CARTOX"))
            continue
        seq, recorded = latest[key]
        if digest != recorded:
            problems.append(VerifyProblem(seq, f"event #{seq}: the stored setting '{key}' no longer matches its "
                                               "latest audited version (changed outside CARTOX)"))
    for key, (seq, _) in sorted(latest.items()):
        if key not in stored:
            problems.append(VerifyProblem(seq, f"event #{seq}: setting '{key}' recorded in the trail is missing from "
                                               "the database (deleted outside CARTOX)"))
    return problems


def verify(store: Store, *, check_records: bool = True, workers: int | None = None,
           anchors: Iterable[tuple[int, str]] = ()) -> VerifyReport:
    """Walk the whole chain and compare every stored record with its latest audited version.

    Problems are sorted so the first broken event comes first. Read-only, on consistent
    snapshots, so it is safe while the ward keeps working. Large trails are checked by several
    processes at once (``workers``, default: the CPU count, at most 4).

    ``anchors``: chain heads (seq, hash) kept outside the database, e.g. read off a printed PDF.
    The chain alone cannot show that its newest events were deleted (what is left still links);
    an anchor can: each must still be in the trail with the same hash.
    """
    started = time.perf_counter()
    source = _source(store)
    raw = store.read_engine.raw_connection()
    # SQLite: a connection of its own (memory-mapped reads, see chainwalk.Reader); PostgreSQL:
    # the pool's, which already carries the connection options (search_path...).
    own = store.dialect == "sqlite"
    reader = Reader(source) if own else Reader(source, raw.driver_connection)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles
    try:
        problems: list[VerifyProblem] = []
        missing = sorted(expected_triggers(store.dialect, HEAD_REVISION) - _triggers_present(reader))
        if missing:
            problems.append(VerifyProblem(None, (
                f"append-only guard trigger(s) missing: {', '.join(missing)} (dropped outside CARTOX)")))
        max_seq = next(iter(reader.rows("SELECT MAX(seq) FROM audit_event")))[0] or 0
        ranges = {entity: next(iter(reader.rows(f"SELECT MIN(id), MAX(id) FROM {table}")))
                  for entity, table in TABLES.items()} if check_records else {}
        # A frozen app re-runs itself in spawned workers unless its entry point calls
        # multiprocessing.freeze_support(); stay single-process there unless asked.
        default = 1 if getattr(sys, "frozen", False) else min(os.cpu_count() or 1, 4)
        n = workers if workers is not None else default
        parallel = n > 1 and (max_seq >= PARALLEL_MIN_EVENTS or workers is not None)
        if check_records and not parallel:
            for entity in TABLES:
                problems += [VerifyProblem(seq, message) for seq, message in missing_records(reader, entity)]
        # Many small tasks, largest first, so that no worker is left with a long last one.
        chunks = 8 * n if parallel else 1
        tasks: list[tuple[Any, ...]] = [("chain", lo, hi) for lo, hi in _split(1, max_seq, chunks)]
        for entity, (lo, hi) in ranges.items():
            if lo is not None:
                parts = max(1, min(chunks, (hi - lo + 1) // PARALLEL_MIN_RECORDS_PER_TASK))
                tasks += [("records", entity, a, b) for a, b in _split(lo, hi, parts)]
        if check_records and parallel:  # records named by events but deleted: in the pool too
            tasks += [("missing", entity) for entity in TABLES]
        tasks.sort(key=lambda t: -_task_size(t, ranges))
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
        if collecting:
            gc.enable()
        reader.close(own=own)
        raw.close()
    count, head, chain_problems = _join_chain([r for r in results if isinstance(r, ChainPart)])
    problems += chain_problems
    if check_records:
        problems += _setting_problems(store)
    problems += _check_anchors(store, anchors, count)
    local = local_anchor(store)
    if local is not None:
        problems += _check_local_anchor(store, local, count)
    records = 0
    for part in results:
        if isinstance(part, RecordPart):
            records += part.checked
            problems += [VerifyProblem(seq, message) for seq, message in part.problems]
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    if not problems:
        remember_head(store)  # an intact trail: its head becomes this computer's anchor
    return VerifyReport(count, records, tuple(problems), time.perf_counter() - started, head)
