"""A ward computer saving assessments in a loop (run as a separate process by the tests).

Usage: python writer_process.py URL USERNAME PASSWORD PATIENT_ID COUNT TAG
Prints ``saved <record id> <case id>`` after each save returned (flushed), then ``done``.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cartox_desktop.services import add_assessment, configure_hashing, login  # noqa: E402
from cartox_desktop.storage import open_store  # noqa: E402


def main() -> int:
    url, username, password, patient_id, count, tag = sys.argv[1:7]
    configure_hashing(time_cost=1, memory_cost_kib=1024, parallelism=1)
    store = open_store(url)
    actor = login(store, username, password)
    start = datetime(2026, 3, 2, 0, 0)
    for n in range(int(count)):
        when = start + timedelta(minutes=7 * n + (1 if tag == "b" else 0))
        entry = {"id": f"{tag}{n}", "time": when.isoformat(timespec="seconds"),
                 "temperature_c": 37.0 + (n % 15) / 10, "systolic_bp_mmhg": 115, "hypotension": False,
                 "o2_device": "room_air", "consciousness": "awake", "seizure": "none", "motor_weakness": "none",
                 "raised_icp": [], "labs": {"anc_per_ul": 400 + n}}
        saved = add_assessment(store, actor, int(patient_id), entry)
        print(f"saved {saved.record.id} {saved.record.case_id}", flush=True)
    store.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
