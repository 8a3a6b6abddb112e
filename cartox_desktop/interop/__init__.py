"""Interoperability: laboratory CSV import, FHIR R4 export and the registry summary.

Everything in this package is pure (no database, no Qt, no file system writes): it turns bytes
into validated lab values and case dicts into export documents. Storing, auditing and reading
files are done by ``cartox_desktop.services.interop`` and the CLI verbs ``labs`` and ``export``.
"""
