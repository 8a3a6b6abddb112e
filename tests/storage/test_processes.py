"""Crash safety and concurrency with real processes.

- Power loss: a writer is killed with SIGKILL in the middle of a burst of saves; every save
  that had returned is there afterwards and the audit trail verifies.
- Two processes (two app windows, or a window and a CLI command) write to one database at once:
  nothing is lost and the hash chain does not fork.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cartox_desktop.services import Actor, create_patient, patient_timeline, verify
from cartox_desktop.storage import Store
from cartox_desktop.storage.models import Assessment

from .conftest import Backend
from .helpers import PASSWORD, admission

WRITER = Path(__file__).with_name("writer_process.py")


def _spawn(backend: Backend, patient_id: int, count: int, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), backend.url, "nurse", PASSWORD, str(patient_id), str(count), tag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_sigkill_mid_burst_loses_no_returned_save(backend: Backend, store: Store, nurse: Actor,
                                                  patient: Any) -> None:
    writer = _spawn(backend, patient.id, 100_000, "k")
    assert writer.stdout is not None
    confirmed: list[tuple[int, str]] = []
    deadline = time.monotonic() + 120
    while len(confirmed) < 40 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        if line.startswith("saved "):
            _, rid, cid = line.split()
            confirmed.append((int(rid), cid))
    os.kill(writer.pid, signal.SIGKILL)  # mid-burst: the next save is in flight
    rest, err = writer.communicate(timeout=60)
    confirmed += [(int(r), c) for _, r, c in (ln.split() for ln in rest.splitlines() if ln.startswith("saved "))]
    assert writer.returncode == -signal.SIGKILL
    assert len(confirmed) >= 40, err
    with store.reading() as session:
        stored = {row.id: row.case_id for row in session.scalars(select(Assessment))}
    for record_id, case_id in confirmed:
        assert stored.get(record_id) == case_id
    report = verify(store)
    assert report.ok, report.problems
    if backend.name == "sqlite":
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            conn.rollback()


def test_two_processes_write_at_once(backend: Backend, store: Store, nurse: Actor, patient: Any) -> None:
    other = create_patient(store, nurse, admission("MRN-2"))
    count = 25
    # Two on the same patient (both re-grade the same course), one on another patient.
    writers = [_spawn(backend, patient.id, count, "a"), _spawn(backend, patient.id, count, "b"),
               _spawn(backend, other.id, count, "a")]
    outputs = [w.communicate(timeout=300) for w in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert out.count("saved ") == count and out.rstrip().endswith("done")
    shared = patient_timeline(store, patient.id)
    assert len(shared.assessments) == 2 * count
    assert all(a.grades is not None for a in shared.assessments)
    assert len(patient_timeline(store, other.id).assessments) == count
    report = verify(store)
    assert report.ok, report.problems
