"""Start-up: the window is shown first; the services, SQLAlchemy and Alembic are imported on the
worker thread right after (engineering notes §2.4), ReportLab only on the first print."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

T0 = time.perf_counter()


def run(argv: Sequence[str] | None = None) -> int:
    from cartox_desktop.resources import resource_path

    from .qt import QApplication, QFont, QGuiApplication, QIcon, Qt, QTimer

    args = list(sys.argv if argv is None else [sys.argv[0], *argv])
    measure = "--measure-startup" in args
    if measure:
        args.remove("--measure-startup")
    db_url = None
    if "--db" in args:
        i = args.index("--db")
        db_url = args[i + 1] if i + 1 < len(args) else None
        del args[i:i + 2]
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(args)
    app.setApplicationName("CARTOX Desktop")
    app.setOrganizationName("cartox")
    app.setApplicationDisplayName("CARTOX Desktop")
    app.setWindowIcon(QIcon(str(resource_path("icons", "cartox-256.png"))))
    QGuiApplication.setDesktopFileName("cartox-desktop")  # matches resources/cartox-desktop.desktop
    if os.environ.get("CARTOX_FONT_SCALE"):
        f = QFont(app.font())
        f.setPointSizeF(f.pointSizeF() * float(os.environ["CARTOX_FONT_SCALE"]))
        app.setFont(f)

    from .mainwindow import MainWindow
    from .session import AppContext
    from .settings import Settings

    settings = Settings.load()
    if db_url is not None:
        settings.db_url = db_url
    ctx = AppContext(settings)
    win = MainWindow(ctx)
    win.resize(1366, 768)
    win.show()
    if measure:
        app.processEvents()
        shown = time.perf_counter() - T0
        # the benchmark parses this line; wall-clock time lets it add the interpreter's own start-up
        print(f"first-window-shown {time.time():.6f} {shown:.6f}", flush=True)
        QTimer.singleShot(0, app.quit)
        return app.exec()
    QTimer.singleShot(0, win.start)
    code = app.exec()
    ctx.shutdown()
    return int(code)
