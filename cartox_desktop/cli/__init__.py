"""The ``cartox`` command line: one module per verb, each only calling services or the core."""
