"""CARTOX Desktop: offline bedside grading of CAR-T cell therapy toxicities.

The package is layered (see README, "Layout"): ``clinical`` is the pure grading core,
``services`` records and audits, ``storage`` holds the SQLAlchemy models, ``reports`` builds
PDFs, and ``qt`` and ``cli`` are the two front ends that only call services.
"""

__version__ = "0.1.0"
