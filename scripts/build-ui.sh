#!/usr/bin/env bash
# Compiles the Qt Designer forms ui/*.ui into the committed cartox_desktop/qt/forms/ui_*.py
# (Picard's practice). The generated files import Qt through the project's single shim
# (cartox_desktop/qt/qt.py), never from PySide6 directly. Run after editing a .ui file:
#   bash scripts/build-ui.sh          # regenerate
#   bash scripts/build-ui.sh --check  # exit 1 if a committed form is out of date (CI)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UIC="${UIC:-$ROOT/.venv/bin/pyside6-uic}"
[[ -x "$UIC" ]] || { echo "build-ui: $UIC not found (run scripts/bootstrap.sh)" >&2; exit 1; }
OUT=cartox_desktop/qt/forms
mkdir -p "$OUT"
check=0
[[ "${1:-}" == "--check" ]] && check=1
stale=0
for src in ui/*.ui; do
    name="$(basename "$src" .ui)"
    dest="$OUT/ui_${name}.py"
    tmp="$(mktemp)"
    {
        echo "# Automatically generated from ui/${name}.ui by scripts/build-ui.sh - do not edit."
        "$UIC" --no-autoconnection -g python "$src" |
            sed -E 's/^from PySide6\.Qt(Core|Gui|Widgets) import/from cartox_desktop.qt.qt import/' |
            grep -v '^# -\*- coding' |
            sed -E '/^## Created by: Qt User Interface Compiler/d; /^## WARNING! All changes made in this file will be lost/d'
    } >"$tmp"
    if ((check)); then
        if ! cmp -s "$tmp" "$dest"; then echo "build-ui: $dest is out of date with $src"; stale=1; fi
        rm -f "$tmp"
    else
        mv "$tmp" "$dest"
        echo "build-ui: $src -> $dest"
    fi
done
if ((check && stale)); then exit 1; fi
if ! ((check)); then
    printf '"""Forms compiled from ui/*.ui by scripts/build-ui.sh (committed, as Picard does)."""\n' >"$OUT/__init__.py"
fi
