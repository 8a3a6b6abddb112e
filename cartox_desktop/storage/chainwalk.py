"""The hot loops of ``audit verify``: walk a range of the hash chain, check a range of records.

Kept free of SQLAlchemy so that worker processes start in a few hundred milliseconds: on a
million events, verification is split over the CPU cores by sequence and id ranges. Each
worker opens its own read snapshot; every range is self-consistent (events are immutable and a
record is compared with the latest event visible in the same snapshot).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .canonical import encode_basestring as _enc
from .snapshot import GRADE_KEYS, ROW_SNAPSHOT, SNAPSHOT_FIELDS, TABLES, select_sql

# ("sqlite", file path) or ("postgresql", libpq conninfo)
Source = tuple[str, str]
EVENT_COLUMNS = ("seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, record_hash, detail, "
                 "prev_hash, hash")


@dataclass(frozen=True)
class ChainPart:
    lo: int
    hi: int
    count: int
    first_seq: int | None
    first_prev: str | None
    last_seq: int | None
    last_hash: str | None
    last_ts: str | None
    problem: tuple[int | None, str] | None


@dataclass(frozen=True)
class RecordPart:
    entity: str
    checked: int
    problems: list[tuple[int | None, str]] = field(default_factory=list)


class Reader:
    """A read-only snapshot over a raw driver connection, streaming rows in batches."""

    def __init__(self, source: Source, connection: Any = None) -> None:
        self.kind = source[0]
        self._n = 0
        if connection is not None:
            self.conn = connection
        elif self.kind == "sqlite":
            self.conn = sqlite3.connect(source[1], isolation_level=None, timeout=30)
        else:
            import psycopg

            self.conn = psycopg.connect(source[1])
        if self.kind == "sqlite":
            self.conn.execute("BEGIN")
        else:
            with self.conn.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        if self.kind == "sqlite":
            cursor = self.conn.execute(sql)
            while batch := cursor.fetchmany(5000):
                yield from batch
            return
        self._n += 1
        with self.conn.cursor(name=f"cartox_verify_{self._n}") as cur:
            cur.itersize = 20_000
            cur.execute(sql)
            yield from cur

    def close(self, own: bool = True) -> None:
        try:
            if self.kind == "sqlite":
                self.conn.execute("ROLLBACK")
            else:
                self.conn.rollback()
        finally:
            if own:
                self.conn.close()


def _where(seq: int, ts_local: str, actor: str, action: str, entity: str | None, entity_id: int | None) -> str:
    what = " ".join(str(x) for x in (action, entity, entity_id) if x is not None)
    return f"event #{seq} ({ts_local}, {actor}, {what})"


def _missing(seq: int) -> str:
    return f"event #{seq} is missing: an event was deleted or renumbered"


# SQLite builds the small fields of the canonical JSON itself: its json_quote() escapes exactly as
# Python's json (tests/storage check it), and one concatenated string per side of the large
# ``detail`` is cheaper to fetch than eight columns. A quoting mismatch could only cause a false
# alarm, never hide a change: the escaping is injective and the hash was made by Python.
_SQLITE_PREFIX = """'{"action":' || json_quote(action) || ',"actor":' || json_quote(actor) || ',"detail":'"""
_SQLITE_SUFFIX = ("""',"entity":' || json_quote(entity) || ',"entity_id":' || json_quote(entity_id) || """
                  """',"patient_id":' || json_quote(patient_id) || ',"prev_hash":' || json_quote(prev_hash) || """
                  """',"record_hash":' || json_quote(record_hash) || ',"seq":' || seq || """
                  """',"ts_local":' || json_quote(ts_local) || ',"ts_utc":' || json_quote(ts_utc) || '}'""")


def _describe(reader: Reader, seq: int) -> str:
    for ts_local, actor, action, entity, entity_id in reader.rows(
            f"SELECT ts_local, actor, action, entity, entity_id FROM audit_event WHERE seq = {int(seq)}"):
        return _where(seq, ts_local, actor, action, entity, entity_id)
    return f"event #{seq}"


def walk_chain(reader: Reader, lo: int, hi: int, expected_prev: str | None = None) -> ChainPart:
    if reader.kind == "sqlite":
        return _walk_chain_sqlite(reader, lo, hi, expected_prev)
    return _walk_chain_python(reader, lo, hi, expected_prev)


def _walk_chain_sqlite(reader: Reader, lo: int, hi: int, expected_prev: str | None) -> ChainPart:
    sha = hashlib.sha256
    expected_seq = lo
    prev = expected_prev
    count = 0
    first_seq = first_prev = last_hash = None
    sql = (f"SELECT seq, prev_hash, hash, {_SQLITE_PREFIX}, detail, {_SQLITE_SUFFIX} FROM audit_event "
           f"WHERE seq BETWEEN {int(lo)} AND {int(hi)} ORDER BY seq")
    rows = reader.rows(sql)
    for seq, prev_hash, digest, head, detail, tail in rows:
        if first_seq is None:
            first_seq, first_prev = seq, prev_hash
            if prev is None:
                prev = prev_hash
        problem: tuple[int | None, str] | None = None
        if seq != expected_seq:
            problem = (expected_seq, _missing(expected_seq))
        elif prev_hash != prev:
            problem = (seq, f"{_describe(reader, seq)} does not link to event #{seq - 1}: events were removed, "
                            "inserted or reordered")
        elif head is None or tail is None or detail is None or sha((head + detail + tail).encode()).hexdigest() != digest:
            problem = (seq, f"{_describe(reader, seq)} was altered: its content no longer matches its hash "
                            "(edited, moved or reordered)")
        if problem is not None:
            return ChainPart(lo, hi, count, first_seq, first_prev, expected_seq - 1, last_hash, None, problem)
        expected_seq = seq + 1
        prev = last_hash = digest
        count += 1
    last_ts = None
    if count:
        last_ts = next(iter(reader.rows(f"SELECT ts_utc FROM audit_event WHERE seq = {expected_seq - 1}")))[0]
    if expected_seq <= hi:
        return ChainPart(lo, hi, count, first_seq, first_prev, expected_seq - 1, last_hash, last_ts,
                         (expected_seq, _missing(expected_seq)))
    return ChainPart(lo, hi, count, first_seq, first_prev, hi, last_hash, last_ts, None)


def _walk_chain_python(reader: Reader, lo: int, hi: int, expected_prev: str | None = None) -> ChainPart:
    """Check events ``lo..hi``: contiguous numbers, each linked to the one before, each hash
    equal to SHA-256 of its canonical JSON. ``expected_prev`` is checked for the first row when
    known (range 1 starts from the genesis hash); otherwise it is returned for the caller to join."""
    sha = hashlib.sha256
    enc = _enc
    expected_seq = lo
    prev = expected_prev
    count = 0
    first_seq = first_prev = last_hash = last_ts = None
    sql = f"SELECT {EVENT_COLUMNS} FROM audit_event WHERE seq BETWEEN {int(lo)} AND {int(hi)} ORDER BY seq"
    for (seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, record_hash, detail, prev_hash,
         digest) in reader.rows(sql):
        if first_seq is None:
            first_seq, first_prev = seq, prev_hash
            if prev is None:
                prev = prev_hash
        if seq != expected_seq:
            return ChainPart(lo, hi, count, first_seq, first_prev, expected_seq - 1, last_hash, last_ts, (
                expected_seq, _missing(expected_seq)))
        if prev_hash != prev:
            return ChainPart(lo, hi, count, first_seq, first_prev, seq - 1, last_hash, last_ts, (
                seq, f"{_where(seq, ts_local, actor, action, entity, entity_id)} does not link to event "
                     f"#{seq - 1}: events were removed, inserted or reordered"))
        message = (f'{{"action":{enc(action)},"actor":{enc(actor)},"detail":{detail},'
                   f'"entity":{"null" if entity is None else enc(entity)},'
                   f'"entity_id":{"null" if entity_id is None else int(entity_id)},'
                   f'"patient_id":{"null" if patient_id is None else int(patient_id)},'
                   f'"prev_hash":{enc(prev_hash)},"record_hash":{"null" if record_hash is None else enc(record_hash)},'
                   f'"seq":{int(seq)},"ts_local":{enc(ts_local)},"ts_utc":{enc(ts_utc)}}}')
        if sha(message.encode()).hexdigest() != digest:
            return ChainPart(lo, hi, count, first_seq, first_prev, seq - 1, last_hash, last_ts, (
                seq, f"{_where(seq, ts_local, actor, action, entity, entity_id)} was altered: its content no "
                     "longer matches its hash (edited, moved or reordered)"))
        expected_seq = seq + 1
        prev = last_hash = digest
        last_ts = ts_utc
        count += 1
    if expected_seq <= hi:  # rows missing at the end of the range
        return ChainPart(lo, hi, count, first_seq, first_prev, expected_seq - 1, last_hash, last_ts, (
            expected_seq, _missing(expected_seq)))
    return ChainPart(lo, hi, count, first_seq, first_prev, hi, last_hash, last_ts, None)


def _sqlite_record_sql(entity: str, lo: int, hi: int) -> str | None:
    """For tables whose only JSON field is ``content``: SQLite builds the snapshot text around it."""
    fields = SNAPSHOT_FIELDS[entity]
    json_fields = [key for key, _, kind in fields if kind == "json"]
    if json_fields != ["content"] or any(kind in ("float", "date") for _, _, kind in fields):
        return None
    split = [key for key, _, _ in fields].index("content")

    def part(chosen: list[tuple[str, str, str]]) -> str:
        pieces = []
        for key, column, kind in chosen:
            col = f"{'g' if key in GRADE_KEYS else 'r'}.{column}"
            value = f"CASE WHEN {col} THEN 'true' ELSE 'false' END" if kind == "bool" else f"json_quote({col})"
            pieces.append(f"""CASE WHEN {col} IS NULL THEN '' ELSE ',"{key}":' || {value} END""")
        return " || ".join(pieces) if pieces else "''"

    head = f"""'{{' || substr({part(fields[:split])}, 2) || ',"content":'""" if split else """'{"content":'"""
    tail = f"{part(fields[split + 1:])} || '}}'"
    join = " LEFT JOIN assessment_grade g ON g.assessment_id = r.id" if entity == "assessment" else ""
    return (f"SELECT q.*, e.seq, e.record_hash FROM (SELECT r.id AS record_key, {head} AS head, r.content AS body, "
            f"{tail} AS tail FROM {TABLES[entity]} r{join} WHERE r.id BETWEEN {int(lo)} AND {int(hi)}) q "
            f"LEFT JOIN (SELECT entity_id, MAX(seq) AS seq FROM audit_event WHERE entity = '{entity}' "
            f"AND entity_id BETWEEN {int(lo)} AND {int(hi)} GROUP BY entity_id) m ON m.entity_id = q.record_key "
            "LEFT JOIN audit_event e ON e.seq = m.seq")


def check_records(reader: Reader, entity: str, lo: int, hi: int) -> RecordPart:
    """Compare records ``lo..hi`` of ``entity`` with the ``record_hash`` of their latest event."""
    fast = _sqlite_record_sql(entity, lo, hi) if reader.kind == "sqlite" else None
    if fast is not None:
        return _check_spliced(reader, entity, fast)
    snapshot = ROW_SNAPSHOT[entity]
    sha = hashlib.sha256
    problems: list[tuple[int | None, str]] = []
    checked = 0
    sql = (f"SELECT q.*, e.seq, e.record_hash FROM ({select_sql(entity)} WHERE r.id BETWEEN {int(lo)} AND "
           f"{int(hi)}) q LEFT JOIN (SELECT entity_id, MAX(seq) AS seq FROM audit_event WHERE entity = '{entity}' "
           f"AND entity_id BETWEEN {int(lo)} AND {int(hi)} GROUP BY entity_id) m ON m.entity_id = q.record_key "
           "LEFT JOIN audit_event e ON e.seq = m.seq")
    for row in reader.rows(sql):
        checked += 1
        seq, recorded = row[-2], row[-1]
        if seq is None:
            problems.append((None, f"{entity} {row[0]} has no audit event: it was added outside CARTOX"))
        elif sha(snapshot(row).encode()).hexdigest() != recorded:
            problems.append((seq, f"event #{seq}: the stored {entity} {row[0]} no longer matches its latest "
                                  "audited version (changed outside CARTOX)"))
    return RecordPart(entity, checked, problems)


def _check_spliced(reader: Reader, entity: str, sql: str) -> RecordPart:
    sha = hashlib.sha256
    problems: list[tuple[int | None, str]] = []
    checked = 0
    for record_id, head, body, tail, seq, recorded in reader.rows(sql):
        checked += 1
        if seq is None:
            problems.append((None, f"{entity} {record_id} has no audit event: it was added outside CARTOX"))
        elif body is None or sha((head + body + tail).encode()).hexdigest() != recorded:
            problems.append((seq, f"event #{seq}: the stored {entity} {record_id} no longer matches its latest "
                                  "audited version (changed outside CARTOX)"))
    return RecordPart(entity, checked, problems)


def missing_records(reader: Reader, entity: str) -> list[tuple[int | None, str]]:
    """Records named by events but absent from their table (deleted behind the app's back)."""
    sql = (f"SELECT e.entity_id, MIN(e.seq) FROM audit_event e WHERE e.entity = '{entity}' AND NOT EXISTS "
           f"(SELECT 1 FROM {TABLES[entity]} r WHERE r.id = e.entity_id) GROUP BY e.entity_id")
    return [(first, f"event #{first}: {entity} {record_id} recorded in the trail is missing from the database "
                    "(deleted outside CARTOX)") for record_id, first in reader.rows(sql)]


def run_task(source: Source, task: tuple[Any, ...]) -> ChainPart | RecordPart:
    """Entry point of a worker process: ("chain", lo, hi) or ("records", entity, lo, hi)."""
    reader = Reader(source)
    try:
        if task[0] == "chain":
            return walk_chain(reader, task[1], task[2], None)
        return check_records(reader, task[1], task[2], task[3])
    finally:
        reader.close()
