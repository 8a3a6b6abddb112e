"""The hot loops of ``audit verify``: walk a range of the hash chain, check a range of records.

Kept free of SQLAlchemy so that worker processes start in a few hundred milliseconds: on a
million events, verification is split over the CPU cores by sequence and id ranges. Each
worker opens its own read snapshot; every range is self-consistent (events are immutable and a
record is compared with the latest event visible in the same snapshot).

On SQLite the cost is per value crossing the driver, not the hashing (profiled: SHA-256 is a
sixth of the time). So SQLite builds each event's whole canonical JSON (and each record's whole
snapshot) with json_object(), one value per row, and Python checks a batch at a time with
C-level operations only; a batch that fails any check is handed to the row-by-row code, which
finds and words the first problem. The batch paths can therefore only say "intact" where the
row-by-row code would. PostgreSQL keeps the row-by-row code.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

from .canonical import encode_basestring as _enc
from .snapshot import GRADE_KEYS, ROW_SNAPSHOT, SNAPSHOT_FIELDS, TABLES, select_sql

# ("sqlite", file path) or ("postgresql", libpq conninfo)
Source = tuple[str, str]
MMAP_SIZE = 1 << 31  # SQLite caps it at its compile-time maximum (2 GB on Debian's build)
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
            # Read through a memory map: no read() system call and page copy for each page
            # (measured: about a tenth less CPU on a large trail). This connection only reads.
            self.conn.execute(f"PRAGMA mmap_size={MMAP_SIZE}")
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
        return _walk_chain_sqlite_batches(reader, lo, hi, expected_prev)
    return _walk_chain_python(reader, lo, hi, expected_prev)


# The whole canonical JSON of an event, built by SQLite: json_object() escapes exactly as
# json_quote() (and so as Python's json; tests/storage check it) and writes NULL as null and
# integers as digits; the two objects are opened up around the stored ``detail`` text, which is
# already canonical. One value per event crosses the driver instead of eleven.
_SQLITE_MESSAGE = (
    """(rtrim(json_object('action', action, 'actor', actor), '}') || ',"detail":') || detail || """
    """(',' || ltrim(json_object('entity', entity, 'entity_id', entity_id, 'patient_id', patient_id, """
    """'prev_hash', prev_hash, 'record_hash', record_hash, 'seq', seq, 'ts_local', ts_local, """
    """'ts_utc', ts_utc), '{'))"""
)
_BATCH = 2000
_DIGEST = methodcaller("digest")
_HASH_LENGTHS = {64}


def _same_hashes(computed: Iterator[Any], stored: tuple[Any, ...]) -> bool:
    """Every computed SHA-256 equals the stored hex text at the same place: one join and one
    comparison for the whole batch (every stored value 64 characters long, so none can shift)."""
    return set(map(len, stored)) == _HASH_LENGTHS and b"".join(map(_DIGEST, computed)).hex() == "".join(stored)


def _walk_chain_sqlite_batches(reader: Reader, lo: int, hi: int, expected_prev: str | None) -> ChainPart:
    """Events ``lo..hi`` checked a batch at a time with C-level operations only: numbers
    contiguous, every link, every hash. A batch that fails any check, and everything after it,
    is handed to the row-by-row walk below, which finds and describes the first problem; so this
    can only say "intact" where the row-by-row walk would."""
    sha = hashlib.sha256
    expected_seq = lo
    prev = expected_prev
    count = 0
    first_seq: int | None = None
    first_prev: str | None = None
    cursor = reader.conn.execute(
        f"SELECT seq, prev_hash, hash, CAST({_SQLITE_MESSAGE} AS BLOB) FROM audit_event "
        f"WHERE seq BETWEEN {int(lo)} AND {int(hi)} ORDER BY seq")
    try:
        while rows := cursor.fetchmany(_BATCH):
            seqs, prevs, hashes, messages = zip(*rows, strict=True)
            n = len(rows)
            # seq is the primary key, so the rows are distinct and ordered: first and last suffice
            if (seqs[0] != expected_seq or seqs[-1] != expected_seq + n - 1
                    or (prev is not None and prevs[0] != prev) or prevs[1:] != hashes[:-1]
                    or None in messages or not _same_hashes(map(sha, messages), hashes)):
                break
            if first_seq is None:
                first_seq, first_prev = seqs[0], prevs[0]
            count += n
            expected_seq += n
            prev = hashes[-1]
    finally:
        cursor.close()
    if expected_seq > hi:
        last_ts = None
        if count:
            last_ts = next(iter(reader.rows(f"SELECT ts_utc FROM audit_event WHERE seq = {hi}")))[0]
        return ChainPart(lo, hi, count, first_seq, first_prev, hi, prev, last_ts, None)
    rest = _walk_chain_sqlite(reader, expected_seq, hi, prev)
    if first_seq is None:
        first_seq, first_prev = rest.first_seq, rest.first_prev
    last_ts = rest.last_ts
    if last_ts is None and count and rest.problem is None:
        last_ts = next(iter(reader.rows(f"SELECT ts_utc FROM audit_event WHERE seq = {expected_seq - 1}")))[0]
    return ChainPart(lo, hi, count + rest.count, first_seq, first_prev, rest.last_seq, rest.last_hash or prev,
                     last_ts, rest.problem)


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
    if reader.kind == "sqlite" and entity in _SQLITE_SNAPSHOT_PATTERNS:
        return _check_records_sqlite_batches(reader, entity, lo, hi)
    return _check_records_rows(reader, entity, lo, hi)


# The record snapshots SQLite can build whole with json_object() (exact, see _SQLITE_MESSAGE):
# tables whose snapshot holds only text, integer and boolean columns around one JSON column. A
# snapshot leaves NULL columns out, so the SQL has one json_object() per usual pattern of NULLs
# (as saved, amended, voided); a record that fits none of them goes to the row-by-row code.
_NULLABLE_PATTERNS = (("updated_at", "updated_by", "void_reason"), ("void_reason",), ())  # commonest first


def _snapshot_patterns() -> dict[str, str]:
    out: dict[str, str] = {}
    for entity, fields in SNAPSHOT_FIELDS.items():
        kinds = [kind for _, _, kind in fields]
        if entity == "user" or any(k not in ("str", "int", "bool", "json") for k in kinds) or kinds.count("json") != 1:
            continue
        split = kinds.index("json")
        cases = []
        for nulls in _NULLABLE_PATTERNS:
            if any(key not in {k for k, _, _ in fields} for key in nulls):
                continue
            conditions: list[str] = []
            head: list[str] = []
            tail: list[str] = []
            for n, (key, column, kind) in enumerate(fields):
                col = f"{'g' if key in GRADE_KEYS else 'r'}.{column}"
                if key in nulls:
                    conditions.append(f"{col} IS NULL")
                    continue
                conditions.append(f"{col} IN (0, 1)" if kind == "bool" else f"{col} IS NOT NULL")
                if n == split:
                    continue
                value = f"json(CASE WHEN {col} THEN 'true' ELSE 'false' END)" if kind == "bool" else col
                (head if n < split else tail).append(f"'{key}', {value}")
            json_key = fields[split][0]
            message = (f"(rtrim(json_object({', '.join(head)}), '}}') || ',\"{json_key}\":')" if head
                       else f"'{{\"{json_key}\":'")
            message += f" || r.{fields[split][1]}"
            message += f" || (',' || ltrim(json_object({', '.join(tail)}), '{{'))" if tail else " || '}'"
            cases.append(f"WHEN {' AND '.join(conditions)} THEN {message}")
        out[entity] = f"CASE {' '.join(cases)} END"
    return out


_SQLITE_SNAPSHOT_PATTERNS = _snapshot_patterns()


def _check_records_sqlite_batches(reader: Reader, entity: str, lo: int, hi: int) -> RecordPart:
    """Records ``lo..hi``, driven by the index of each record's latest event; snapshots built and
    hashed a batch at a time. Any record that is not confirmed this way (no usual NULL pattern,
    hash differs, no event at all) is checked again, with its neighbours, by the row-by-row code,
    which reports it; so this can only say "matches" where the row-by-row code would."""
    table = TABLES[entity]
    join = " LEFT JOIN assessment_grade g ON g.assessment_id = r.id" if entity == "assessment" else ""
    sql = (f"SELECT r.id, e.record_hash, CAST({_SQLITE_SNAPSHOT_PATTERNS[entity]} AS BLOB) FROM "
           f"(SELECT entity_id, MAX(seq) AS seq FROM audit_event WHERE entity = '{entity}' "
           f"AND entity_id BETWEEN {int(lo)} AND {int(hi)} GROUP BY entity_id) m "
           f"CROSS JOIN {table} r ON r.id = m.entity_id{join} CROSS JOIN audit_event e ON e.seq = m.seq")
    sha = hashlib.sha256
    confirmed = 0
    doubtful: list[int] = []
    cursor = reader.conn.execute(sql)
    try:
        while rows := cursor.fetchmany(_BATCH):
            ids, recorded, snapshots = zip(*rows, strict=True)
            if None not in snapshots and None not in recorded and _same_hashes(map(sha, snapshots), recorded):
                confirmed += len(rows)
            else:
                computed = tuple(None if s is None else sha(s).hexdigest() for s in snapshots)
                doubtful += [i for i, c, r in zip(ids, computed, recorded, strict=True) if c is None or c != r]
                confirmed += sum(1 for c, r in zip(computed, recorded, strict=True) if c is not None and c == r)
    finally:
        cursor.close()
    stored = next(iter(reader.rows(f"SELECT count(*) FROM {table} WHERE id BETWEEN {int(lo)} AND {int(hi)}")))[0]
    if stored == confirmed:
        return RecordPart(entity, confirmed, [])
    # Records without any event are not in the join; doubtful ones need their message: the
    # row-by-row code over the smallest range holding all of them says what is wrong.
    if doubtful and stored == confirmed + len(doubtful):
        part = _check_records_rows(reader, entity, min(doubtful), max(doubtful))
        return RecordPart(entity, stored, part.problems)
    return _check_records_rows(reader, entity, lo, hi)


def _check_records_rows(reader: Reader, entity: str, lo: int, hi: int) -> RecordPart:
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
    """Entry point of a worker process: ("chain", lo, hi), ("records", entity, lo, hi) or
    ("missing", entity) (records named by events but absent: ``missing_records``)."""
    reader = Reader(source)
    gc.disable()  # millions of short-lived tuples and no cycles: the collector only costs time here
    try:
        if task[0] == "chain":
            return walk_chain(reader, task[1], task[2], None)
        if task[0] == "missing":
            return RecordPart(task[1], 0, missing_records(reader, task[1]))
        return check_records(reader, task[1], task[2], task[3])
    finally:
        gc.enable()
        reader.close()
