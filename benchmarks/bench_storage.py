"""Storage benchmark (issue 3): prints

1. saves per second of full assessments through ``add_assessment`` (validation, grading of the
   whole course, grades stored, audit event, fsync'd commit) on SQLite, by course length: three
   rounds on new databases, each a new Store with other entries (so nothing is cached from an
   earlier round), with the wall-clock and process-CPU rates and the machine's speed;
2. ``audit verify`` time for 1,000,000 events (chain walk and the record check), and
3. loading one patient's whole 35-day timeline from a database of 5,000 patients.

The large database is built by a bulk writer that produces exactly the rows and events the
services write (same snapshot and hash code, grades from the clinical core for every patient's
course), but in large transactions: building it through the services at ward speed would take
hours. It is cached between runs (``--keep``; ``--rebuild`` to force).

Usage: python benchmarks/bench_storage.py [--patients 5000] [--events 1000000] [--saves-patients 10]
       [--saves-per-patient 140] [--dir DIR] [--keep] [--rebuild] [--skip-saves] [--verify-only]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# verify() spawns worker processes, which re-import this file as "__mp_main__": they need none of
# this, and importing it there would add about a second of CPU per worker to the figure.
if __name__ != "__mp_main__":
    from cartox_desktop.clinical import RULES_VERSION  # noqa: E402
    from cartox_desktop.services import (  # noqa: E402
        PatientInput,
        add_assessment,
        add_user,
        configure_hashing,
        create_patient,
        login,
        patient_timeline,
        verify,
    )
    from cartox_desktop.services.audit import event_message  # noqa: E402
    from cartox_desktop.services.grading import grade, grade_summary, patient_case_fields  # noqa: E402
    from cartox_desktop.storage import open_store  # noqa: E402
    from cartox_desktop.storage.canonical import GENESIS_HASH, canonical_json, sha256_hex  # noqa: E402
    from cartox_desktop.storage.snapshot import PRIVATE_KEYS, SNAPSHOT_FIELDS, snapshot_text  # noqa: E402

PRODUCTS = ("axi-cel", "brexu-cel", "tisa-cel", "liso-cel", "obe-cel", "ide-cel", "cilta-cel")


def full_assessment(rng: random.Random, when: datetime, n: int, acute: bool) -> dict[str, Any]:
    """A complete bedside assessment as the ward records it (every domain, some labs)."""
    fever = acute and rng.random() < 0.25
    naming = 3 if rng.random() > 0.1 else 2
    a: dict[str, Any] = {
        "id": f"a{n}", "time": when.isoformat(timespec="minutes"),
        "temperature_c": round(38.0 + rng.random() * 1.5, 1) if fever else round(36.4 + rng.random(), 1),
        "systolic_bp_mmhg": rng.randint(95, 135), "diastolic_bp_mmhg": rng.randint(55, 80), "hypotension": False,
        "fluid_bolus_given": False, "spo2_percent": rng.randint(94, 99), "o2_device": "room_air",
        "ice": {"year": 1, "month": 1, "city": 1, "hospital": 1, "naming": naming, "commands": 1, "writing": 1,
                "attention": 1},
        "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": [], "other_cause": [],
        "labs": {"anc_per_ul": rng.randint(100, 3000), "crp_mg_dl": round(rng.random() * 12, 1),
                 "ferritin_ng_ml": rng.randint(300, 4000), "platelets_per_ul": rng.randint(20000, 200000),
                 "ldh_u_l": rng.randint(150, 600), "creatinine_mg_dl": round(0.6 + rng.random(), 2)},
    }
    return a


def machine_speed_ms() -> float:
    """Milliseconds for a 10^6-step pure-Python loop (as bench_grading prints): shared machines
    change speed from minute to minute, and the save figures scale with it."""
    s = time.perf_counter()
    n = 0
    for i in range(1_000_000):
        n += i
    return (time.perf_counter() - s) * 1000


BUCKETS = ("1-35", "36-70", "71-140", "141+")


def _bucket(size: int) -> str:
    return "1-35" if size <= 35 else "36-70" if size <= 70 else "71-140" if size <= 140 else "141+"


def _save_round(workdir: Path, patients: int, per_patient: int, seed: int) -> tuple[float, float, dict[str, list[float]]]:
    """One round on a new database (and a new Store, so nothing is kept from an earlier round):
    (wall seconds, CPU seconds, per-save wall seconds by course length)."""
    db = workdir / f"saves-{seed}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = open_store(f"sqlite:///{db}")
    try:
        add_user(store, None, "bench", "bench-password", "admin")
        actor = login(store, "bench", "bench-password")
        rng = random.Random(seed)  # other entries each round: no cache holds them yet
        ids = [create_patient(store, actor, PatientInput(
            mrn=f"S-{i}", name=f"Patient {i}", infusion_date="2026-03-01", age_years=55, weight_kg=80.0,
            product="axi-cel")).id for i in range(patients)]
        buckets: dict[str, list[float]] = {key: [] for key in BUCKETS}
        start = datetime(2026, 3, 1, 2, 0)
        wall = cpu = 0.0
        for n in range(per_patient):
            when = start + timedelta(hours=6 * n)
            for pid in ids:
                entry = full_assessment(rng, when, n, acute=n < 40)
                entry["temperature_c"] = min(entry["temperature_c"], 37.9)  # no grade >= 3 (no signature prompts)
                t0, c0 = time.perf_counter(), time.process_time()
                add_assessment(store, actor, pid, entry)
                elapsed = time.perf_counter() - t0
                cpu += time.process_time() - c0
                wall += elapsed
                buckets[_bucket(n + 1)].append(elapsed)
        return wall, cpu, buckets
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)


def bench_saves(workdir: Path, patients: int, per_patient: int, rounds: int = 3) -> None:
    print(f"\n[1] saves per second: {patients} patients x {per_patient} full assessments through "
          "add_assessment (validate, grade whole course, store grades, audit event, fsync'd commit), SQLite; "
          f"{rounds} rounds")
    configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)  # login cost is not measured
    print(f"    machine speed: a 10^6-step Python loop takes {machine_speed_ms():.0f} ms (lower is faster)")
    count = patients * per_patient
    results = [_save_round(workdir, patients, per_patient, seed) for seed in range(1, rounds + 1)]
    for n, (wall, cpu, _) in enumerate(results, start=1):
        print(f"    round {n}: {count} saves in {wall:.1f} s = {count / wall:.0f} saves/s "
              f"({count / cpu:.0f}/s of process CPU time)")
    rates = sorted(count / wall for wall, _, _ in results)
    print(f"    overall: median {statistics.median(rates):.0f} saves/s, best {rates[-1]:.0f}, worst {rates[0]:.0f} "
          "(target > 200/s)")
    for key in BUCKETS:
        per_round = [len(b[key]) / sum(b[key]) for _, _, b in results if b[key]]
        if per_round:
            median_ms = statistics.median(t for _, _, b in results for t in b[key]) * 1000
            print(f"    course length {key:>6} assessments: {statistics.median(per_round):6.0f} saves/s "
                  f"(median of rounds; median {median_ms:.1f} ms per save)")
    print(f"    machine speed after: {machine_speed_ms():.0f} ms per 10^6-step loop")


# ------------------------------------------------------------------------------------------------
# bulk database


class Chain:
    def __init__(self) -> None:
        self.seq = 0
        self.prev = GENESIS_HASH
        self.rows: list[tuple[Any, ...]] = []
        self.t = datetime(2024, 1, 1, 8, 0)

    def add(self, actor: str, action: str, detail: dict[str, Any], entity: str | None = None,
            entity_id: int | None = None, patient_id: int | None = None, record_hash: str | None = None) -> None:
        self.seq += 1
        self.t += timedelta(seconds=7)
        ts_utc = self.t.isoformat(timespec="microseconds") + "Z"
        ts_local = self.t.isoformat(timespec="microseconds") + "+01:00"
        text = canonical_json({k: v for k, v in detail.items() if v is not None})
        digest = sha256_hex(event_message(self.seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id,
                                          record_hash, text, self.prev))
        self.rows.append((self.seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, record_hash,
                          text, self.prev, digest))
        self.prev = digest


def _snap(entity: str, values: dict[str, Any]) -> tuple[str, str]:
    text = snapshot_text(entity, [values.get(column) for _, column, _ in SNAPSHOT_FIELDS[entity]])
    return text, sha256_hex(text)


def _public(text: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(text).items() if k not in PRIVATE_KEYS}


def build_bulk(path: Path, patients: int, events_target: int) -> None:
    print(f"    building {path.name}: {patients} patients, {events_target} events (bulk writer, once)...", flush=True)
    t0 = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    open_store(f"sqlite:///{path}").close()  # schema and triggers through the migrations
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=WAL")
    rng = random.Random(7)
    chain = Chain()
    stamp = "2024-01-01T08:00:00.000000Z"
    user = {"id": 1, "username": "ward", "display_name": "Ward Nurse", "role": "admin",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$bench$bench", "active": True, "failed_logins": 0,
            "created_at": stamp, "version": 1}
    conn.execute("BEGIN")
    conn.execute("INSERT INTO app_user (id, username, display_name, role, password_hash, active, failed_logins, "
                 "created_at, version) VALUES (1, 'ward', 'Ward Nurse', 'admin', ?, 1, 0, ?, 1)",
                 (user["password_hash"], stamp))
    text, digest = _snap("user", user)
    chain.add("ward", "create", {"record": _public(text)}, "user", 1, None, digest)
    per_patient_events = max(1, (events_target - 1) // patients)
    aid = lid = iid = 0
    batch: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("patient", "assessment", "grade", "lab",
                                                               "intervention", "course")}
    for p in range(1, patients + 1):
        infusion = date(2024, 1, 1) + timedelta(days=p % 700)
        prow = {"id": p, "mrn": f"B{p:06d}", "name": f"Patient {p}", "age_years": float(30 + p % 50),
                "weight_kg": 60.0 + p % 40, "ward": f"W{p % 12}", "bed": str(p % 20), "product": PRODUCTS[p % 7],
                "infusion_date": infusion.isoformat(), "status": "discharged" if p % 10 else "active",
                "created_at": stamp, "created_by": "ward", "version": 1,
                "baseline_labs": canonical_json({"anc_per_ul": 1500 + p % 900, "hemoglobin_g_dl": 10.5,
                                                 "platelets_per_ul": 120000, "crp_mg_dl": 1.1,
                                                 "ferritin_ng_ml": 700})}
        batch["patient"].append(tuple(prow.get(c) for c in (
            "id", "mrn", "name", "age_years", "weight_kg", "ward", "bed", "product", "infusion_date", "baseline_labs",
            "status", "created_at", "created_by", "version")))
        ptext, pdigest = _snap("patient", prow)
        chain.add("ward", "create", {"record": _public(ptext)}, "patient", p, p, pdigest)
        # 35 days: 4 assessments a day, a lab a day, 4 interventions -> with logins = per_patient_events
        records = per_patient_events - 1
        n_int = 4
        n_lab = 35
        n_login = max(0, records - 140 - n_lab - n_int)
        n_ass = min(140, records - n_lab - n_int)
        base = datetime.combine(infusion, datetime.min.time())
        assessments = [full_assessment(rng, base + timedelta(hours=2 + 6 * i), i + 1, acute=i < 40)
                       for i in range(n_ass)]
        labs = [{"date": (infusion + timedelta(days=d)).isoformat(), "anc_per_ul": rng.randint(100, 3000),
                 "hemoglobin_g_dl": round(8 + rng.random() * 4, 1)} for d in range(n_lab)]
        interventions = [{"time": (base + timedelta(days=2, hours=9 + 9 * k)).isoformat(timespec="minutes"),
                          "drug": ("tocilizumab", "dexamethasone", "g_csf", "antipyretic")[k],
                          **({"dose_mg": 640} if k == 0 else {"dose_mg": 10} if k == 1 else {})}
                         for k in range(n_int)]

        class _P:  # the patient as grading.patient_case_fields reads it
            pass

        pobj = _P()
        for key in ("age_years", "weight_kg", "product", "baseline_labs"):
            setattr(pobj, key, prow[key])
        pobj.infusion_date = infusion  # type: ignore[attr-defined]
        pobj.upper_limits = None  # type: ignore[attr-defined]
        pobj.death = None  # type: ignore[attr-defined]
        case = {**patient_case_fields(pobj), "assessments": assessments, "labs": labs,  # type: ignore[arg-type]
                "interventions": interventions}
        from cartox_desktop.clinical import parse_case

        output = grade(parse_case(case))
        logins_left = n_login
        for i, (entry, result) in enumerate(zip(assessments, output["assessments"], strict=True)):
            aid += 1
            t = entry["time"] + ":00"
            content = canonical_json(entry)
            result_text = canonical_json(result)
            summary = grade_summary(result) or {}
            row = {"id": aid, "patient_id": p, "case_id": entry["id"], "time": t, "content": content,
                   "voided": False, "created_at": stamp, "created_by": "ward", "version": 1,
                   "crs_astct": summary["crs_astct"], "crs_ctcae": summary["crs_ctcae"],
                   "icans_astct": summary["icans_astct"], "result": result_text, "rules_version": RULES_VERSION}
            batch["assessment"].append((aid, p, entry["id"], t, content, 0, stamp, "ward", 1))
            batch["grade"].append((aid, RULES_VERSION, summary["crs_astct"], summary["crs_ctcae"],
                                   summary["icans_astct"], result_text, stamp))
            text, digest = _snap("assessment", row)
            chain.add("ward", "create", {"record": _public(text), "mrn": prow["mrn"], "grades_before": None,
                                         "grades_after": {**summary}}, "assessment", aid, p, digest)
            if logins_left and i % 7 == 3:
                chain.add("ward", "login", {"record": _public(_snap("user", user)[0]), "workstation": "ward-pc-2"},
                          "user", 1, None, _snap("user", user)[1])
                logins_left -= 1
        for entry in labs:
            lid += 1
            t = entry["date"] + "T00:00:00"
            content = canonical_json(entry)
            row = {"id": lid, "patient_id": p, "time": t, "content": content, "voided": False, "created_at": stamp,
                   "created_by": "ward", "version": 1}
            batch["lab"].append((lid, p, t, content, 0, stamp, "ward", 1))
            text, digest = _snap("lab", row)
            chain.add("ward", "create", {"record": _public(text), "mrn": prow["mrn"]}, "lab", lid, p, digest)
        for entry in interventions:
            iid += 1
            t = entry["time"] + ":00"
            content = canonical_json(entry)
            row = {"id": iid, "patient_id": p, "time": t, "content": content, "voided": False, "created_at": stamp,
                   "created_by": "ward", "version": 1, "given_by": "Ward Nurse"}
            batch["intervention"].append((iid, p, t, content, 0, stamp, "ward", 1, "Ward Nurse"))
            text, digest = _snap("intervention", row)
            chain.add("ward", "create", {"record": _public(text), "mrn": prow["mrn"]}, "intervention", iid, p, digest)
        for _ in range(logins_left):
            chain.add("ward", "export", {"kind": "registry_csv", "sha256": "0" * 64, "inputs": {"patient": p}})
        course = output["course"]
        batch["course"].append((p, RULES_VERSION, course.get("crs_max_grade"), course.get("icans_max_grade"),
                                canonical_json(course), stamp))
        if p % 100 == 0 or p == patients:
            _flush(conn, batch, chain)
            if p % 1000 == 0:
                print(f"      {p} patients, {chain.seq} events ({time.perf_counter() - t0:.0f} s)", flush=True)
    while chain.seq < events_target:
        chain.add("ward", "login", {"record": _public(_snap("user", user)[0])}, "user", 1, None, _snap("user", user)[1])
    _flush(conn, batch, chain)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    print(f"    built in {time.perf_counter() - t0:.0f} s: {chain.seq} events, {aid} assessments, {lid} labs, "
          f"{iid} interventions; {path.stat().st_size / 1e9:.2f} GB", flush=True)


def _flush(conn: sqlite3.Connection, batch: dict[str, list[tuple[Any, ...]]], chain: Chain) -> None:
    conn.executemany("INSERT INTO patient (id, mrn, name, age_years, weight_kg, ward, bed, product, infusion_date, "
                     "baseline_labs, status, created_at, created_by, version) VALUES "
                     "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch["patient"])
    conn.executemany("INSERT INTO assessment (id, patient_id, case_id, time, content, voided, created_at, created_by,"
                     " version) VALUES (?,?,?,?,?,?,?,?,?)", batch["assessment"])
    conn.executemany("INSERT INTO assessment_grade (assessment_id, rules_version, crs_astct, crs_ctcae, icans_astct, "
                     "result, graded_at) VALUES (?,?,?,?,?,?,?)", batch["grade"])
    conn.executemany("INSERT INTO lab_result (id, patient_id, time, content, voided, created_at, created_by, version) "
                     "VALUES (?,?,?,?,?,?,?,?)", batch["lab"])
    conn.executemany("INSERT INTO intervention (id, patient_id, time, content, voided, created_at, created_by, "
                     "version, given_by) VALUES (?,?,?,?,?,?,?,?,?)", batch["intervention"])
    conn.executemany("INSERT INTO patient_course (patient_id, rules_version, crs_max_grade, icans_max_grade, result, "
                     "graded_at) VALUES (?,?,?,?,?,?)", batch["course"])
    conn.executemany("INSERT INTO audit_event (seq, ts_utc, ts_local, actor, action, entity, entity_id, patient_id, "
                     "record_hash, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", chain.rows)
    for rows in batch.values():
        rows.clear()
    chain.rows.clear()


def _cpu_with_workers() -> float:
    """CPU seconds of this process and of its finished children (verify's worker processes)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_bulk(workdir: Path, patients: int, events_target: int, rebuild: bool, verify_only: bool = False) -> None:
    path = workdir / f"bulk-{patients}-{events_target}.sqlite3"
    print(f"\n[2] audit verify and [3] timeline load on a database of {patients} patients and "
          f"{events_target} audit events")
    if rebuild or not path.exists():
        build_bulk(path, patients, events_target)
    store = open_store(f"sqlite:///{path}")
    try:
        cores = os.cpu_count() or 1
        verify(store, check_records=False)  # warm the page cache once, as a second run would be
        print(f"    machine: {cores} CPU(s), load average before the run {os.getloadavg()[0]:.2f} "
              "(other processes share these cores)")
        chain_only = verify(store, check_records=False)
        cpu0 = _cpu_with_workers()
        full = verify(store)
        full_cpu = _cpu_with_workers() - cpu0
        assert full.ok, full.problems[:3]
        cpu0 = _cpu_with_workers()
        single = verify(store, workers=1)
        single_cpu = _cpu_with_workers() - cpu0
        print(f"    audit verify, hash chain only : {chain_only.events} events in {chain_only.seconds:.2f} s "
              f"({chain_only.seconds / max(1, chain_only.events) * 1e6:.2f} us/event)")
        print(f"    audit verify, chain + records : {full.events} events and {full.records} records in "
              f"{full.seconds:.2f} s ({full_cpu:.2f} s CPU, workers included) with up to {min(cores, 4)} worker "
              "processes (target < 5 s)")
        print(f"    audit verify, one process     : {single.seconds:.2f} s ({single_cpu:.2f} s CPU)")
        if verify_only:
            return
        rng = random.Random(3)
        ids = [rng.randint(1, patients) for _ in range(30)]
        patient_timeline(store, ids[0])
        times = []
        sizes = []
        for pid in ids:
            t0 = time.perf_counter()
            timeline = patient_timeline(store, pid)
            times.append(time.perf_counter() - t0)
            sizes.append(len(timeline.assessments) + len(timeline.labs) + len(timeline.interventions))
        print(f"    patient_timeline (35 days, {statistics.median(sizes):.0f} records): median "
              f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms over {len(ids)} patients "
              "(target < 50 ms)")
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--saves-patients", type=int, default=10)
    parser.add_argument("--saves-per-patient", type=int, default=140)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (reuse the bulk database)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-saves", action="store_true")
    parser.add_argument("--skip-bulk", action="store_true")
    parser.add_argument("--verify-only", action="store_true",
                        help="only [2] audit verify (implies --skip-saves; reuse a --keep'd --dir database)")
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="cartox-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"CARTOX storage benchmark (rules {RULES_VERSION}; Python {sys.version.split()[0]}, "
          f"SQLite {sqlite3.sqlite_version}); work folder {workdir}")
    try:
        if not args.skip_saves and not args.verify_only:
            bench_saves(workdir, args.saves_patients, args.saves_per_patient)
        if not args.skip_bulk:
            bench_bulk(workdir, args.patients, args.events, args.rebuild, args.verify_only)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
