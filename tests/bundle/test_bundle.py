"""The ward bundle (issue 6): build ``build.spec`` with PyInstaller, then run the built programs,
never the source tree, on a fresh temporary database.

The build goes to a temporary folder (PyInstaller's cache too), so concurrent test runs and a
developer's own ``dist/cartox`` never meet. On Linux and macOS it goes through
``scripts/build-bundle.sh``, which also prints the size and first-window figures; elsewhere
PyInstaller is called directly. Skipped when PyInstaller is not installed; deselect locally with
``-m "not bundle"``. Takes about a minute or two on two cores (``cartox demo`` alone ~15 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.bundle

REPO = Path(__file__).resolve().parents[2]
WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if WINDOWS else ""
SHARED_CASES = REPO / ".." / "shared" / "cases" / "public.jsonl"
PUBLIC_CASES = SHARED_CASES if SHARED_CASES.is_file() else REPO / "tests" / "data" / "public.jsonl"
SIZE_TARGET = 200e6  # bytes (issue 6: "under 200 MB")
FIRST_WINDOW_TARGET = 1.5  # seconds
PASSWORD = "demo"  # `cartox demo` creates user demo / demo


@dataclass
class Bundle:
    root: Path
    build_output: str
    figures: dict[str, str]

    def exe(self, name: str) -> Path:
        return self.root / f"{name}{EXE_SUFFIX}"


def _figures(text: str) -> dict[str, str]:
    line = next((ln for ln in text.splitlines() if ln.startswith("bundle-figures ")), "")
    return dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.skip("PyInstaller is not installed in this Python: run scripts/bootstrap.sh (installs the "
                    "[bundle] extra) or pip install -e '.[bundle]'")
    base = tmp_path_factory.mktemp("bundle")
    dist, work = base / "dist", base / "work"
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(base / "pyinstaller-cache"))
    bash = shutil.which("bash")
    if bash and not WINDOWS:
        cmd = [bash, str(REPO / "scripts" / "build-bundle.sh"), "--no-bootstrap", "--no-clean",
               "--dist", str(dist), "--work", str(work), "--runs", "3"]
    else:
        cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(REPO / "build.spec")]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"bundle build failed ({' '.join(cmd)}):\n{output[-6000:]}"
    figures = _figures(proc.stdout)
    figures.setdefault("build_s", f"{time.perf_counter() - started:.1f}")
    return Bundle(dist / "cartox", output, figures)


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    """A fresh database, config and home folder; nothing from the venv or the source tree."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CARTOX_DB_URL", "CARTOX_USER",
                        "CARTOX_PASSWORD", "CARTOX_MIGRATIONS_DIR", "CARTOX_LAB_MAPPINGS")}
    env.update({
        "CARTOX_DB_URL": f"sqlite:///{(tmp_path / 'ward.sqlite3').as_posix()}",
        "CARTOX_CONFIG_DIR": str(tmp_path / "config"),
        "CARTOX_DRAFT_DIR": str(tmp_path / "drafts"),
        "HOME": str(home), "USERPROFILE": str(home),
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
        "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
    })
    return env


def run(bundle: Bundle, name: str, *args: str, env: dict[str, str], cwd: Path,
        stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle.exe(name)), *args], input=stdin, cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, check=False)


def _resolve(obj: Any, dotted: str) -> Any:
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", dotted):
        obj = obj[name] if name else obj[int(index)]
    return obj


def _head_revision() -> str:
    """The newest revision among db/versions/*.py (the one with no successor)."""
    revs, downs = set(), set()
    for script in (REPO / "db" / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::\s*str)?\s*=\s*['\"]([^'\"]+)", text, re.M)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)", text, re.M)
        if rev:
            revs.add(rev.group(1))
        if down:
            downs.add(down.group(1))
    heads = revs - downs
    assert len(heads) == 1, f"expected one head revision in db/versions, found {heads}"
    return heads.pop()


# ---------------------------------------------------------------------------------------------


def test_bundle_layout_and_size(bundle: Bundle) -> None:
    for name in ("cartox", "cartox-desktop"):
        assert bundle.exe(name).is_file(), f"{bundle.exe(name)} missing"
    internal = bundle.root / "_internal"
    for rel in ("resources/protocol.toml", "resources/lab-mappings.toml", "resources/fonts/DejaVuSans.ttf",
                "resources/icons/cartox-256.png", "db/env.py"):
        assert (internal / rel).is_file(), f"{rel} is not in the bundle"
    shipped = sorted(p.name for p in (internal / "db" / "versions").glob("*.py"))
    assert shipped == sorted(p.name for p in (REPO / "db" / "versions").glob("*.py"))
    names = {p.name for p in internal.rglob("*")}
    unused = sorted(n for n in names if re.match(r"(lib)?Qt6(Qml|Quick|Network|Pdf|Svg)\w*\.(so|dll)", n))
    assert not unused, f"unused Qt libraries were bundled: {unused}"
    dangling = [p for p in bundle.root.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, f"dangling links: {dangling}"
    size = sum(p.stat().st_size for p in bundle.root.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < SIZE_TARGET, f"bundle is {size / 1e6:.0f} MB (target < 200 MB)"


def test_version(bundle: Bundle, run_env: dict[str, str], tmp_path: Path) -> None:
    from cartox_desktop import __version__

    proc = run(bundle, "cartox", "--version", env=run_env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"cartox {__version__}"


def test_grade_public_cases(bundle: Bundle, run_env: dict[str, str], tmp_path: Path) -> None:
    rows = [json.loads(line) for line in PUBLIC_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    valid = [r for r in rows if "expected" in r]
    case = tmp_path / "case.json"
    case.write_text(json.dumps(valid[0]["case"]), encoding="utf-8")
    proc = run(bundle, "cartox", "grade", str(case), env=run_env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for dotted, want in valid[0]["expected"].items():
        assert _resolve(out, dotted) == want, f"{valid[0]['id']}: {dotted}"
    # every valid public case as JSON Lines through the bundle's protocol file
    lines = "".join(json.dumps(r["case"]) + "\n" for r in valid)
    proc = run(bundle, "cartox", "grade", env=run_env, cwd=tmp_path, stdin=lines)
    assert proc.returncode == 0, proc.stderr
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(results) == len(valid)
    for row, got in zip(valid, results, strict=True):
        for dotted, want in row["expected"].items():
            if isinstance(want, int | str) and not isinstance(want, bool):
                assert _resolve(got, dotted) == want, f"{row['id']}: {dotted}"
    assert not (tmp_path / "ward.sqlite3").exists(), "cartox grade must store nothing"


def test_protocol_file_is_validated(bundle: Bundle, run_env: dict[str, str], tmp_path: Path) -> None:
    """docs/deploy.md: a hospital checks its edited protocol with `cartox grade --protocol FILE`."""
    case = tmp_path / "case.json"
    first = next(json.loads(line) for line in PUBLIC_CASES.read_text(encoding="utf-8").splitlines() if line.strip())
    case.write_text(json.dumps(first["case"]), encoding="utf-8")
    bundled = bundle.root / "_internal" / "resources" / "protocol.toml"
    ok = run(bundle, "cartox", "grade", "--protocol", str(bundled), str(case), env=run_env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    broken = tmp_path / "protocol.toml"
    broken.write_text(bundled.read_text(encoding="utf-8") + "\n[[[ not toml\n", encoding="utf-8")
    bad = run(bundle, "cartox", "grade", "--protocol", str(broken), str(case), env=run_env, cwd=tmp_path)
    assert bad.returncode == 2 and "protocol file" in bad.stderr, (bad.returncode, bad.stderr)


def test_demo_handover_and_audit_verify_on_a_fresh_database(bundle: Bundle, run_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    db = tmp_path / "ward.sqlite3"
    assert not db.exists()
    demo = run(bundle, "cartox", "demo", env=run_env, cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demonstration ward ready" in demo.stdout
    # the frozen Alembic found every revision in _internal/db and migrated the new file to head
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == _head_revision()

    pdf = tmp_path / "x.pdf"
    env = dict(run_env, CARTOX_PASSWORD=PASSWORD)
    handover = run(bundle, "cartox", "--user", "demo", "handover", "--out", str(pdf), env=env, cwd=tmp_path)
    assert handover.returncode == 0, handover.stdout + handover.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], "handover output is not a PDF"
    assert len(data) > 5000

    verify = run(bundle, "cartox", "audit", "verify", env=run_env, cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    m = re.search(r"verified (\d+) events", verify.stdout)
    assert m and int(m.group(1)) > 0, verify.stdout


def test_desktop_window_offscreen(bundle: Bundle, run_env: dict[str, str], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """cartox-desktop shows its window on the offscreen platform and quits cleanly (exit 0)."""
    times = []
    for _ in range(3):
        t0 = time.time()
        proc = run(bundle, "cartox-desktop", "--measure-startup", env=run_env, cwd=tmp_path, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("first-window-shown")), None)
        assert line is not None, proc.stdout + proc.stderr
        times.append(float(line.split()[1]) - t0)
    # the best of three: robust against a busy CI machine, still catches a slow bundle (onefile ~1.1 s)
    assert min(times) < FIRST_WINDOW_TARGET, f"first window after {min(times):.2f} s (target < 1.5 s)"
    size = sum(p.stat().st_size for p in bundle.root.rglob("*") if p.is_file() and not p.is_symlink())
    with capsys.disabled():
        print(f"\nbundle figures: {size / 1e6:.0f} MB, build {float(bundle.figures['build_s']):.0f} s, "
              f"first window {statistics.median(times):.2f} s median of {len(times)} "
              f"(build script: median {bundle.figures.get('first_window_median_s', '?')} s)")


def test_cartox_gui_starts_the_app_on_the_database(bundle: Bundle, run_env: dict[str, str], tmp_path: Path) -> None:
    """`cartox gui` (the command-line program, built without PyInstaller's Qt runtime hook) starts
    the real app; its worker thread imports the services and migrates the new database to head."""
    db = tmp_path / "ward.sqlite3"
    proc = subprocess.Popen([str(bundle.exe("cartox")), "gui"], cwd=tmp_path, env=run_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    revision, deadline = None, time.monotonic() + 90
    try:
        while revision != _head_revision() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                except sqlite3.Error:
                    pass
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert alive, f"cartox gui exited {proc.returncode}:\n{out}{err}"
    assert revision == _head_revision(), f"database not migrated by the app (revision {revision}):\n{err}"
    assert "Traceback" not in err, err


PG_ENV = "CARTOX_TEST_PG_URL"


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server (scripts/pg-test-server.sh)."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set (scripts/run-tests.sh starts a PostgreSQL test server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cartox_bundle_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_shared_postgresql_mode(bundle: Bundle, run_env: dict[str, str], tmp_path: Path, pg_database: str) -> None:
    """The bundled psycopg reaches a PostgreSQL server: migrate, add the first user, verify."""
    env = dict(run_env, CARTOX_DB_URL=pg_database, CARTOX_NEW_PASSWORD="ward-admin-pass-1")
    add = run(bundle, "cartox", "user", "add", "ada", "--role", "admin", env=env, cwd=tmp_path)
    assert add.returncode == 0, add.stdout + add.stderr
    verify = run(bundle, "cartox", "audit", "verify", env=env, cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert re.search(r"verified [1-9]\d* events", verify.stdout), verify.stdout
