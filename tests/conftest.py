"""Root test configuration: a deterministic, headless environment for every test.

Set before anything imports PySide6 or ReportLab: Qt renders offscreen (no display needed),
the locale is C.UTF-8 so dates and numbers format the same everywhere, and ReportLab writes
byte-identical PDFs (no timestamps or random ids) with ``RL_invariant``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANG"] = "C.UTF-8"
os.environ["LC_ALL"] = "C.UTF-8"
os.environ["RL_invariant"] = "1"  # noqa: SIM112 (ReportLab reads exactly this name)
# The per-user data folder (platformdirs: chain anchors, drafts, the default database) of a test
# run is its own, never the developer's: one fresh folder per run, shared by its subprocesses.
if "CARTOX_TEST_DATA_HOME" not in os.environ:
    import tempfile

    os.environ["CARTOX_TEST_DATA_HOME"] = tempfile.mkdtemp(prefix="cartox-test-data-")
os.environ["XDG_DATA_HOME"] = os.environ["CARTOX_TEST_DATA_HOME"]

_REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's top folder (holds pyproject.toml, resources/, db/)."""
    return _REPO_ROOT


@pytest.fixture(autouse=True)
def _bundled_protocol_after_each_test() -> Iterator[None]:
    """The services grade with one protocol per process (``services.protocols``), activated from
    a store's settings: put the bundled one back so no test inherits another test's protocol."""
    yield
    import sys

    protocols = sys.modules.get("cartox_desktop.services.protocols")
    if protocols is not None:
        protocols.activate("")
