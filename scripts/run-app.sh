#!/usr/bin/env bash
# Installs what is needed (scripts/bootstrap.sh) and starts CARTOX Desktop on the embedded
# SQLite database (the platform's user data folder, unless --db or CARTOX_DB_URL says otherwise).
# Arguments are passed to the app.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
exec "$ROOT/.venv/bin/cartox-desktop" "$@"
