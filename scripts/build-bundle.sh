#!/usr/bin/env bash
# Builds the ward bundle dist/cartox/ (cartox-desktop + cartox, PyInstaller onedir, build.spec)
# and prints its figures: size (target < 200 MB), build time, and the time from launching
# dist/cartox/cartox-desktop to its first window being shown (target < 1.5 s), measured
# offscreen with the app's --measure-startup flag over several launches.
#
#   bash scripts/build-bundle.sh                 # = make bundle: bootstrap with PyInstaller, clean build
#   bash scripts/build-bundle.sh --runs 10       # more launches for the timing
#   bash scripts/build-bundle.sh --measure-only  # figures of an existing dist/cartox/, no build
#
# Options: --dist DIR (default dist/), --work DIR (default build/), --runs N (default 5),
# --no-bootstrap (skip scripts/bootstrap.sh), --no-clean (keep PyInstaller's cache; concurrent
# builds must not share --work), --measure-only.
# The last line is machine-readable (tests/bundle/test_bundle.py parses it):
#   bundle-figures dir=... bytes=... files=... build_s=... first_window_first_s=... first_window_median_s=... first_window_best_s=...
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="$ROOT/dist" WORK="$ROOT/build" RUNS=5 BOOTSTRAP=1 CLEAN=(--clean) BUILD=1
while (($#)); do
    case "$1" in
    --dist) DIST="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --work) WORK="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --no-bootstrap) BOOTSTRAP=0; shift ;;
    --no-clean) CLEAN=(); shift ;;
    --measure-only) BUILD=0; BOOTSTRAP=0; shift ;;
    *) echo "build-bundle: unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
done
say() { printf 'build-bundle: %s\n' "$*"; }
die() { printf 'build-bundle: ERROR: %s\n' "$*" >&2; exit 1; }

PY="$ROOT/.venv/bin/python"
if ((BOOTSTRAP)); then
    bash scripts/bootstrap.sh || die "bootstrap failed"
fi
[[ -x "$PY" ]] || die "$PY not found: run scripts/bootstrap.sh"
BUNDLE="$DIST/cartox"

# One build per work/dist folder at a time (make bundle twice, or CI and a colleague).
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$WORK"
    exec 8>"$WORK/.build-bundle.lock"
    flock -w 1800 8 || die "another build is using $WORK"
fi

BUILD_S=""
if ((BUILD)); then
    "$PY" -c 'import PyInstaller' 2>/dev/null ||
        die "PyInstaller is not installed in .venv: run scripts/bootstrap.sh (it installs the [bundle] extra)"
    say "pyinstaller ${CLEAN[*]} --noconfirm build.spec -> $BUNDLE ($(nproc 2>/dev/null || echo '?') cores)"
    LOG="$WORK/build-bundle.log"
    mkdir -p "$WORK"
    T0=$(date +%s.%N)
    if ! "$PY" -m PyInstaller "${CLEAN[@]}" --noconfirm --log-level WARN \
        --distpath "$DIST" --workpath "$WORK" build.spec >"$LOG" 2>&1; then
        tail -n 60 "$LOG" >&2
        die "PyInstaller failed (full log: $LOG)"
    fi
    BUILD_S=$("$PY" -c "print(round($(date +%s.%N) - $T0, 1))")
    grep -E '^build\.spec:' "$LOG" | sed 's/^/build-bundle: /' || true
fi
for exe in cartox cartox-desktop; do
    [[ -x "$BUNDLE/$exe" ]] || die "$BUNDLE/$exe is missing"
done

# Figures: size, then the first window over RUNS launches on a throwaway config and database.
"$PY" - "$BUNDLE" "$RUNS" "${BUILD_S:-}" <<'PY'
import os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

bundle, runs, build_s = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
size = files = 0
for path in bundle.rglob("*"):
    if path.is_file() and not path.is_symlink():
        size += path.stat().st_size
        files += 1
print(f"build-bundle: size {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB, {files} files) "
      f"[target < 200 MB: {'ok' if size < 200e6 else 'MISSED'}]")
if build_s:
    print(f"build-bundle: build time {float(build_s):.0f} s")

work = Path(tempfile.mkdtemp(prefix="cartox-bundle-start-"))
env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM") or "offscreen",
           CARTOX_CONFIG_DIR=str(work / "config"), CARTOX_DRAFT_DIR=str(work / "drafts"),
           CARTOX_DB_URL=f"sqlite:///{work / 'start.sqlite3'}", LANG=os.environ.get("LANG") or "C.UTF-8")
for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
    env.pop(var, None)
times = []
for _ in range(runs):
    t0 = time.time()
    proc = subprocess.run([str(bundle / "cartox-desktop"), "--measure-startup"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("first-window-shown")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"build-bundle: ERROR: cartox-desktop --measure-startup exited {proc.returncode}"
                 f" without a first window:\n{proc.stdout}{proc.stderr}")
    times.append(float(line.split()[1]) - t0)
median = statistics.median(times)
print(f"build-bundle: first window ({env['QT_QPA_PLATFORM']}): first launch {times[0]:.2f} s, median "
      f"{median:.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s over {len(times)} launches "
      f"[target < 1.5 s: {'ok' if median < 1.5 else 'MISSED'}]")
print(f"bundle-figures dir={bundle} bytes={size} files={files} build_s={build_s or 'none'} "
      f"first_window_first_s={times[0]:.3f} first_window_median_s={median:.3f} "
      f"first_window_best_s={min(times):.3f}")
PY
