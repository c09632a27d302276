"""RFC 8785 canonical bytes of a JSON text, via the ``rfc8785`` package (STG-JCS-001..008).

The strict parse in front of ``rfc8785`` rejects what I-JSON (RFC 7493) forbids: invalid UTF-8,
duplicate member names, unpaired surrogates, and numbers that are not finite IEEE 754 doubles.
Numbers are parsed as doubles, as RFC 8785 requires.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785


class JcsRejected(ValueError):
    """The input is not canonicalizable; ``code`` is the adapter-protocol error code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JcsRejected("jcs_duplicate_key", f"duplicate member name {key!r}")
        out[key] = value
    return out


def _no_constants(token: str) -> Any:
    raise JcsRejected("jcs_invalid_json", f"{token} is not JSON")


def _check_surrogates(value: Any) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise JcsRejected("jcs_lone_surrogate", "unpaired surrogate in a string") from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_surrogates(key)
            _check_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _check_surrogates(item)


def parse(data: bytes) -> Any:
    """Parse JSON text under I-JSON rules; raise ``JcsRejected`` with the protocol error code."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JcsRejected("jcs_invalid_utf8", str(exc)) from exc
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constants, parse_int=float)
    except json.JSONDecodeError as exc:
        raise JcsRejected("jcs_invalid_json", str(exc)) from exc
    _check_surrogates(value)
    return value


def canonicalize(data: bytes) -> bytes:
    """Canonical bytes of the JSON text ``data``."""
    value = parse(data)
    try:
        return bytes(rfc8785.dumps(value))
    except rfc8785.FloatDomainError as exc:
        raise JcsRejected("jcs_number_out_of_range", str(exc)) from exc


def dumps(value: Any) -> bytes:
    """Canonical bytes of an in-memory JSON value (ints must be within the safe range)."""
    return bytes(rfc8785.dumps(value))
