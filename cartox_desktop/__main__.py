"""Desktop entry point: ``cartox-desktop`` and ``python -m cartox_desktop``.

Options: ``--db URL`` (otherwise the settings, ``$CARTOX_DB_URL`` or the embedded SQLite file),
``--measure-startup`` (print when the first window is visible, then quit; benchmarks).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # bundle: a spawned audit-verify worker runs here and exits
        import multiprocessing

        multiprocessing.freeze_support()
    from cartox_desktop.qt.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
