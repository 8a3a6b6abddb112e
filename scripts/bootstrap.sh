#!/usr/bin/env bash
# Installs what CARTOX Desktop needs on Debian 12 and keeps .venv current. Idempotent and fast
# when nothing changed (no apt, no pip). One output line per step.
#
#   bash scripts/bootstrap.sh            # system packages + .venv with the [test,bundle] extras
#
# The [bundle] extra (PyInstaller) is always installed: the test suite builds the bundle.
# Environment: CARTOX_SKIP_APT=1 (never touch system packages). BUNDLE=1 is accepted and changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.cartox-installed"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }
# Runs a noisy command quietly; shows its output only when it fails.
LOG="$(mktemp "${TMPDIR:-/tmp}/cartox-bootstrap.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
quiet() { "$@" >"$LOG" 2>&1 || { tail -n 40 "$LOG" >&2; return 1; }; }

# One bootstrap at a time per checkout (apt and pip do not like company).
LOCK="${TMPDIR:-/tmp}/cartox-bootstrap-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).lock"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK"
    flock -w 1800 9 || die "another bootstrap of $ROOT is still running (lock $LOCK)"
fi

# ---------------------------------------------------------------------------------------------
# Python >= 3.11: python3.11 first, then python3.
find_python() {
    local cand
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

# Does "$1 -m venv" work (Debian ships venv/ensurepip separately in python3-venv)?
venv_works() {
    local tmp rc=0
    tmp="$(mktemp -d)"
    "$1" -m venv "$tmp/v" >/dev/null 2>&1 || rc=1
    rm -rf "$tmp"
    return $rc
}

venv_ok() { [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------
# System packages (Debian/Ubuntu).
PKGS=(
    make binutils poppler-utils fonts-dejavu-core postgresql
    # Qt offscreen platform (engineering notes 2.1 a)
    libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
    # a real X server for xcb tests and screenshots (notes 2.1 b)
    xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1
    libxkbcommon-x11-0 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0
)

PY="$(find_python || true)"
if [[ -z "$PY" ]]; then
    PKGS+=(python3 python3-venv)      # Debian 12's python3 is 3.11
elif ! venv_ok && ! venv_works "$PY"; then
    PKGS+=(python3-venv)
fi
if [[ -n "$PY" ]]; then
    # PyInstaller needs the shared libpython; Debian's own python ships it separately (notes 2.1 c).
    pyver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    if [[ "$(readlink -f "$PY")" == /usr/bin/* ]]; then PKGS+=("libpython$pyver"); fi
fi

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for p in "${PKGS[@]}"; do
        [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" == ii* ]] || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        say "system packages: all ${#PKGS[@]} already installed, apt skipped"
    elif [[ "${CARTOX_SKIP_APT:-0}" == 1 ]]; then
        say "system packages: CARTOX_SKIP_APT=1, NOT installing missing: ${missing[*]}"
    else
        SUDO=()
        if [[ "$(id -u)" != 0 ]]; then
            command -v sudo >/dev/null 2>&1 ||
                die "not root and no sudo; install as root: apt-get install --no-install-recommends ${missing[*]}"
            SUDO=(sudo)
        fi
        say "system packages: apt-get update"
        quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get -o DPkg::Lock::Timeout=600 update || die "apt-get update failed"
        say "system packages: apt-get install ${missing[*]}"
        quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}" ||
            die "apt-get install failed: ${missing[*]}"
    fi
else
    say "system packages: no dpkg (not Debian); install the equivalents of: ${PKGS[*]}"
fi

# ---------------------------------------------------------------------------------------------
# The virtual environment.
if ! venv_ok; then
    [[ -n "$PY" ]] || PY="$(find_python || true)"
    [[ -n "$PY" ]] || die "need Python >= 3.11 (tried python3.11, python3); on Debian 12: apt-get install python3 python3-venv"
    if [[ -e "$VENV" ]]; then
        say "venv: $VENV is broken, recreating"
        rm -rf "$VENV"
    fi
    say "venv: creating .venv with $PY ($("$PY" -V 2>&1))"
    quiet "$PY" -m venv "$VENV" || die "'$PY -m venv' failed; on Debian: apt-get install python3-venv"
fi
"$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
    die ".venv has Python < 3.11; remove .venv and run again"

# ---------------------------------------------------------------------------------------------
# Python packages: skip pip while the install-relevant part of pyproject.toml ([build-system],
# [project], [tool.setuptools]; not the lint/test settings), the Python and the extras are unchanged.
extras="test,bundle"
want_hash="$("$VENV/bin/python" - <<'PY' | sha256sum | cut -d' ' -f1
import json, sys, tomllib
with open("pyproject.toml", "rb") as f:
    d = tomllib.load(f)
d["tool"] = {"setuptools": d.get("tool", {}).get("setuptools")}
print(json.dumps(d, sort_keys=True), sys.version)
PY
)" || die "pyproject.toml is not valid TOML"
have_hash="" have_extras=""
if [[ -f "$STAMP" ]]; then
    have_hash="$(sed -n 's/^sha256=//p' "$STAMP")"
    have_extras="$(sed -n 's/^extras=//p' "$STAMP")"
fi
extras_covered=1
for e in ${extras//,/ }; do
    [[ ",$have_extras," == *",$e,"* ]] || extras_covered=0
done
if [[ "$have_hash" == "$want_hash" && $extras_covered == 1 ]] && "$VENV/bin/python" -c 'import cartox_desktop' 2>/dev/null; then
    say "python packages: .venv is current ([${have_extras}]), pip skipped"
else
    # Keep extras installed earlier (e.g. bundle) so that switching does not reinstall each time.
    if [[ "$have_hash" == "$want_hash" && -n "$have_extras" ]]; then
        for e in ${have_extras//,/ }; do [[ ",$extras," == *",$e,"* ]] || extras="$extras,$e"; done
    fi
    say "python packages: pip install -e '.[$extras]' into .venv"
    quiet "$VENV/bin/python" -m pip install --disable-pip-version-check -e ".[$extras]" ||
        die "pip install -e '.[$extras]' failed"
    printf 'sha256=%s\nextras=%s\n' "$want_hash" "$extras" >"$STAMP"
fi
say "ready: $("$VENV/bin/python" -V 2>&1) in .venv"
