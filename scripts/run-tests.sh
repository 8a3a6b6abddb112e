#!/usr/bin/env bash
# The whole check, exactly as CI runs it (.ci/run): bootstrap, lint, types, import contracts,
# then pytest against the embedded SQLite database and a throwaway PostgreSQL server.
# Stops at the first failure. Arguments are passed to pytest, e.g.
#   bash scripts/run-tests.sh -x -k crs
# The tests marked "bundle" build the PyInstaller bundle and run it (skip them with -m "not bundle").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
T0=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nrun-tests: FAILED: %s (after %ss)\n' "$*" "$((SECONDS - T0))" >&2; exit 1; }

step "bootstrap"
bash scripts/bootstrap.sh || fail "bootstrap"

step "ruff check cartox_desktop tests benchmarks"
"$BIN/ruff" check cartox_desktop tests benchmarks || fail "ruff"

step "mypy cartox_desktop/clinical (strict)"
"$BIN/mypy" cartox_desktop/clinical || fail "mypy"

step "lint-imports (import-linter contracts in pyproject.toml)"
"$BIN/lint-imports" || fail "import contracts"

step "PostgreSQL test server"
export CARTOX_PG_INSTANCE="run-$$"
PYTEST_PID=""
cleanup() { bash "$ROOT/scripts/pg-test-server.sh" stop >/dev/null 2>&1 || true; }
# On INT (Ctrl-C reaches pytest too) or TERM (forwarded), let pytest finish before the server goes.
on_signal() {
    if [[ -n "$PYTEST_PID" ]]; then
        if [[ "$1" == TERM ]]; then kill -TERM "$PYTEST_PID" 2>/dev/null || true; fi
        wait "$PYTEST_PID" 2>/dev/null || true
    fi
    exit "$2"
}
trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
CARTOX_TEST_PG_URL="$(bash scripts/pg-test-server.sh start)" || fail "could not start PostgreSQL"
export CARTOX_TEST_PG_URL
echo "CARTOX_TEST_PG_URL=$CARTOX_TEST_PG_URL"

step "pytest $*"
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 LC_ALL=C.UTF-8 RL_invariant=1
rc=0
# In the background so that a TERM to this script reaches pytest at once (see on_signal).
# (Bash ignores Ctrl-C in background jobs; "trap - INT" gives pytest its KeyboardInterrupt back.)
(trap - INT; exec "$BIN/python" -m pytest "$@") <&0 &
PYTEST_PID=$!
wait "$PYTEST_PID" || rc=$?
PYTEST_PID=""
case $rc in
0) printf '\nrun-tests: all checks passed in %ss\n' "$((SECONDS - T0))" ;;
5) fail "pytest collected no tests (exit 5): nothing was tested" ;;
*) printf '\nrun-tests: FAILED: pytest exit status %s (after %ss)\n' "$rc" "$((SECONDS - T0))" >&2; exit "$rc" ;;
esac
