"""Desktop timings (issue 4 targets), printed:

1. first window visible after launch: ``python -m cartox_desktop --measure-startup`` in a fresh
   process, from the moment the process is spawned to the first window shown (target < 1 s);
2. ward board of 40 patients: loading through the services and filling the table, first load and
   refresh (target: refresh < 200 ms);
3. live grading per keystroke in the assessment form on a long course (target < 20 ms).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py [--runs N]
(under Xvfb with QT_QPA_PLATFORM=xcb for a real X server). The 40-patient database is built once
through the services into the temp folder and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def first_window(runs: int) -> list[float]:
    env = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="cartox-bench-start-"))
    env["CARTOX_CONFIG_DIR"] = str(work / "config")
    env["CARTOX_DRAFT_DIR"] = str(work / "drafts")
    out = []
    for _ in range(runs):
        t0 = time.time()
        proc = subprocess.run([sys.executable, "-m", "cartox_desktop", "--measure-startup"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=False)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("first-window-shown")), None)
        if line is None:
            raise SystemExit(f"no start-up line; stderr:\n{proc.stderr}")
        out.append(float(line.split()[1]) - t0)
    return out


def _case(rng: random.Random, infusion: date, days: int, child: bool) -> dict[str, Any]:
    assessments = []
    labs = []
    interventions = []
    peak = rng.randint(1, 6)
    for d in range(days + 1):
        for h in (2, 8, 14, 20):
            t = datetime.combine(infusion + timedelta(days=d), datetime.min.time()) + timedelta(hours=h)
            if t > datetime.now() - timedelta(hours=1):
                continue
            sick = abs(d - peak) <= 1
            a: dict[str, Any] = {
                "id": f"a{len(assessments) + 1}", "time": t.isoformat(timespec="minutes"),
                "temperature_c": round(rng.uniform(38.2, 39.5) if sick else rng.uniform(36.4, 37.6), 1),
                "systolic_bp_mmhg": rng.randint(92, 130), "hypotension": False, "o2_device": "room_air",
                "consciousness": "awake", "seizure": "none", "motor_weakness": "none", "raised_icp": [],
            }
            if child:
                a["capd_score"] = rng.randint(0, 6)
            else:
                a["ice_score"] = rng.randint(7, 10) if sick else 10
            assessments.append(a)
        if d % 2 == 0:
            labs.append({"date": (infusion + timedelta(days=d)).isoformat(), "anc_per_ul": rng.randint(100, 2500),
                         "crp_mg_dl": round(rng.uniform(0.5, 12), 1), "ldh_u_l": rng.randint(180, 500),
                         "creatinine_mg_dl": 0.9, "platelets_per_ul": rng.randint(40000, 200000)})
    if days > peak:
        t = datetime.combine(infusion + timedelta(days=peak), datetime.min.time()) + timedelta(hours=10)
        interventions.append({"time": t.isoformat(timespec="minutes"), "drug": "tocilizumab", "dose_mg": 640})
    return {"patient": {"age_years": 8 if child else rng.randint(25, 75), "weight_kg": 26 if child else 80},
            "product": rng.choice(["axi-cel", "tisa-cel", "liso-cel", "cilta-cel"]),
            "infusion_date": infusion.isoformat(), "assessments": assessments, "labs": labs,
            "interventions": interventions,
            "baseline_labs": {"anc_per_ul": 1800, "hemoglobin_g_dl": 10.5, "platelets_per_ul": 150000,
                              "crp_mg_dl": 1.0, "ferritin_ng_ml": 500}}


def ward_db(n: int) -> str:
    from cartox_desktop import services
    from cartox_desktop.storage import open_store

    path = Path(tempfile.gettempdir()) / f"cartox-bench-ward-{n}-{date.today():%Y%m%d}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    services.configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{tmp}")
    try:
        services.add_user(store, None, "bench", "bench-pass", "admin", "Bench")
        actor = services.login(store, "bench", "bench-pass")
        rng = random.Random(4)
        sig = services.Signature("bench-pass", "recorded")
        for i in range(n):
            days = rng.randint(1, 12)
            case = _case(rng, date.today() - timedelta(days=days), days, child=(i % 10 == 9))
            services.record_case(store, actor, case, mrn=f"B-{i:04d}", name=f"Patient {i:02d}", ward="7B",
                                 bed=str(i + 1), signature=sig)
    finally:
        store.close()
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(tmp) + suffix)
        if src.exists():
            src.replace(Path(str(path) + suffix))
    return url


def board(url: str, refreshes: int) -> dict[str, Any]:
    from cartox_desktop import services
    from cartox_desktop.qt.board import BoardPage
    from cartox_desktop.qt.data import BoardSource
    from cartox_desktop.qt.qt import QApplication

    app = QApplication.instance() or QApplication([])
    store = services.open_store(url)  # as the app opens it (ward-board summaries backfilled once)
    page = BoardPage()
    page.resize(1366, 700)
    page.show()
    source = BoardSource(services)

    def once() -> tuple[float, float]:
        """(services + board rows on the worker, table model + paint on the UI thread) in ms."""
        t0 = time.perf_counter()
        rows = source.load(store, "7B")
        t1 = time.perf_counter()
        page.set_rows(rows)
        app.processEvents()  # paint
        t2 = time.perf_counter()
        return (t1 - t0) * 1000, (t2 - t1) * 1000

    first = once()
    rows = len(page.model.rows)
    warm = [once() for _ in range(refreshes)]
    # one patient changed since the last refresh (a new assessment saved elsewhere)
    actor = services.login(store, "bench", "bench-pass")
    pid = page.model.rows[0].patient_id
    changed = []
    for k in range(3):
        services.add_assessment(store, actor, pid, {"time": (datetime.now() - timedelta(minutes=50 - k)).isoformat(
            timespec="minutes"), "temperature_c": 37.0, "o2_device": "room_air"})
        changed.append(once())
    store.close()
    page.close()
    return {"rows": rows, "first": first, "warm": warm, "changed": changed}


def live_grading(url: str) -> list[float]:
    from cartox_desktop import services
    from cartox_desktop.qt.assessment.form import AssessmentPage, FormContext
    from cartox_desktop.qt.data import case_from_timeline
    from cartox_desktop.qt.qt import QApplication, QEvent, QKeyEvent, Qt
    from cartox_desktop.resources import default_protocol
    from cartox_desktop.storage import open_store

    app = QApplication.instance() or QApplication([])
    store = open_store(url)
    rows = services.ward_board(store, ward="7B")
    longest = max((services.patient_timeline(store, r.patient.id) for r in rows[:10]),
                  key=lambda tl: len(tl.assessments))
    store.close()
    p = longest.patient
    ctx = FormContext(p.name, p.mrn, p.age_years, p.weight_kg, p.infusion_date, case_from_timeline(longest),
                      default_protocol(), patient_id=p.id)
    page = AssessmentPage(ctx)
    page.resize(1366, 700)
    page.show()
    app.processEvents()
    times: list[float] = []
    for field, text in (("temperature_c", "39.4"), ("systolic_bp_mmhg", "86"), ("spo2_percent", "93"),
                        ("labs.crp_mg_dl", "12.5"), ("labs.ferritin_ng_ml", "2400")):
        edit = page.form.temp.edit if field == "temperature_c" else page.form.fields[field].edit
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
            times.append(page.last_ms)
    print(f"  (course of {len(longest.assessments)} assessments, {len(longest.labs)} lab entries)")
    page.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--patients", type=int, default=40)
    args = ap.parse_args()
    print(f"platform: QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}, {os.cpu_count()} cores")

    starts = first_window(args.runs)
    print(f"first window visible: median {statistics.median(starts):.3f} s, best {min(starts):.3f} s, "
          f"worst {max(starts):.3f} s over {len(starts)} launches (target < 1 s)")

    t = time.perf_counter()
    url = ward_db(args.patients)
    print(f"ward database of {args.patients} patients ready in {time.perf_counter() - t:.1f} s")
    b = board(url, args.runs)
    load, fill = b["first"]
    print(f"board first load: {load:.0f} ms services + {fill:.0f} ms table ({b['rows']} patients)")
    warm = [a + c for a, c in b["warm"]]
    print(f"board refresh, nothing changed: median {statistics.median(warm):.1f} ms, worst {max(warm):.1f} ms "
          f"(target < 200 ms)")
    changed = [a + c for a, c in b["changed"]]
    print(f"board refresh, one patient changed: median {statistics.median(changed):.1f} ms, worst "
          f"{max(changed):.1f} ms (target < 200 ms)")

    times = live_grading(url)
    print(f"live grading per keystroke: median {statistics.median(times):.2f} ms, worst {max(times):.2f} ms over "
          f"{len(times)} keystrokes (target < 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
