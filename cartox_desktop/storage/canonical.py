"""Canonical JSON and SHA-256 helpers shared by the audit chain and record snapshots.

Canonical JSON (sorted keys, compact separators, ``ensure_ascii=False``, UTF-8) makes a hash
reproducible by any independent verifier (ALCOA+ "enduring" and "available": an auditor can
re-derive every hash from the exported text with a few lines of code).
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring  # C implementation, identical to json.dumps for str
from typing import Any

__all__ = ["GENESIS_HASH", "canonical_json", "encode_basestring", "json_int", "json_str", "sha256_hex"]

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, no NaN, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of ``text``, as 64 lowercase hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_str(value: str | None) -> str:
    """A JSON string literal (or ``null``) exactly as ``canonical_json`` writes it, but faster."""
    return "null" if value is None else encode_basestring(value)


def json_int(value: int | None) -> str:
    return "null" if value is None else str(int(value))
