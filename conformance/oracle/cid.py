"""CIDs of already-normalized fact bodies, under each ``cid_preimage`` interpretation (STG-CID-001/002).

The caller supplies entity and source in normalized form; this module does no normalization, so the
suite's CID expectations rest on the hand-written normalization table, ``rfc8785`` and ``hashlib``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from conformance.oracle import jcs

BODY_FIELDS = ("confidence", "entity", "relation", "scope", "source", "value")


def stored_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """The stored FactValue: exactly type and v (null stores v null)."""
    return {"type": value["type"], "v": value.get("v")}


def _encode_v(value: Mapping[str, Any]) -> str:
    v = value.get("v")
    if value["type"] == "null" or v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)  # Python str(): 42 -> "42", 42.0 -> "42.0" (upstream behaviour)


def preimage(body: Mapping[str, Any], option: str) -> bytes:
    """The bytes hashed for ``body`` under interpretation option ``option``."""
    if option == "jcs-6":
        canonical = {k: body[k] for k in BODY_FIELDS if k != "value"}
        canonical["value"] = stored_value(body["value"])
        return jcs.dumps(canonical)
    py_body: dict[str, Any] = {
        "confidence": float(body["confidence"]),
        "entity": body["entity"],
        "relation": body["relation"],
        "scope": body["scope"],
        "source": body["source"],
        "value_type": body["value"]["type"],
        "value_v": _encode_v(body["value"]),
    }
    if option == "upstream-0.9.0a12":
        py_body["interpret_as"] = body.get("value", {}).get("interpret_as") or body.get("interpret_as") or "content"
    elif option != "cidf-7":
        raise ValueError(f"unknown cid_preimage option {option!r}")
    return json.dumps(py_body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def cid(body: Mapping[str, Any], option: str = "jcs-6") -> str:
    return "sha256:" + hashlib.sha256(preimage(body, option)).hexdigest()
