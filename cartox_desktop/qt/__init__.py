"""The desktop front end (PySide6). The only package that imports Qt, always through ``qt.qt``.

Modules: ``qt`` (the import shim), ``app`` (start-up), ``ops`` (database work off the UI thread),
``session`` (the signed-in user and the service calls), ``mainwindow``, ``board``, ``chart``,
``timeline``, ``assessment`` (form, ICE/CAPD guides, live grading panel), ``dialogs``, ``forms``
(compiled Designer files from ``ui/``), ``idle`` (idle lock), ``drafts`` (autosave).
"""
