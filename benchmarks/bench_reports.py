"""Build time of the ward handover PDF (issue 5 target: 40 patients × 35 days of data in < 2 s).

Prints the median and best wall time (and CPU time) of ``build_handover_pdf`` for a ward of 40
made-up patients, each with 35 days of 4-hourly observations, daily labs and treatments, plus
the patient toxicity summary and the audit report for comparison.
Run: .venv/bin/python benchmarks/bench_reports.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

from cartox_desktop.reports import build_audit_report_pdf, build_handover_pdf, build_patient_report_pdf
from cartox_desktop.reports.sample import sample_audit_report, sample_handover, sample_patient_report

TARGET_S = 2.0


def timed(fn, repeats: int) -> tuple[list[float], list[float], bytes]:  # type: ignore[no-untyped-def]
    walls, cpus = [], []
    out = b""
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus, out


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    ward = sample_handover(40, 35, full_course=True)
    n_obs = sum(len(p.vitals) for p in ward.patients)
    build_handover_pdf(sample_handover(2))  # font registration and imports out of the measurement
    walls, cpus, pdf = timed(lambda: build_handover_pdf(ward), repeats)
    med = statistics.median(walls)
    print(f"handover, 40 patients × 35 days ({n_obs} observations): median {med:.3f} s, best {min(walls):.3f} s, "
          f"median CPU {statistics.median(cpus):.3f} s, {len(pdf) / 1024:.0f} KiB "
          f"(target < {TARGET_S:.0f} s: {'met' if med < TARGET_S else 'NOT met'})")
    report = sample_patient_report(day=35)
    walls, _, pdf = timed(lambda: build_patient_report_pdf(report), repeats)
    print(f"patient toxicity summary, {len(report.assessments)} assessments: median {statistics.median(walls):.3f} s, "
          f"{len(pdf) / 1024:.0f} KiB")
    audit = sample_audit_report(500)
    walls, _, pdf = timed(lambda: build_audit_report_pdf(audit), repeats)
    print(f"audit report, 500 events: median {statistics.median(walls):.3f} s, {len(pdf) / 1024:.0f} KiB")
    return 0 if med < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
