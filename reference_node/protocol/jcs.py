"""RFC 8785 (JCS) canonical JSON: strict parsing of JSON text, then ``rfc8785`` serialization (A20 §25.2.1; A08 §6.1).

Requirements: STG-JCS-001..008. Parsing is strict I-JSON (RFC 7493): invalid UTF-8, duplicate member names, the
``NaN``/``Infinity`` tokens, unpaired surrogates and numbers that are not finite IEEE 754 doubles are rejected.
Every number is read as a double, as ECMAScript ``JSON.parse`` does, so ``9007199254740993`` becomes
``9007199254740992``. Key sorting and number formatting are ``rfc8785``'s; this module only pins the input side.

>>> canonicalize(b'{"b": 1.0, "a": [true, "\\\\u00e9"]}')
b'{"a":[true,"\\xc3\\xa9"],"b":1}'
"""

from __future__ import annotations

import json
import math
from typing import Any

import rfc8785

from reference_node.protocol.errors import (
    JcsDuplicateKey,
    JcsError,
    JcsInvalidJson,
    JcsInvalidUtf8,
    JcsLoneSurrogate,
    JcsNumberOutOfRange,
)

__all__ = ["canonical", "canonicalize", "has_lone_surrogate", "parse"]

# Largest magnitude RFC 8785 §3.2.2.3 serializes exactly as an integer; beyond it a number is a rounded double.
_SAFE_INTEGER = 2**53 - 1

# When one text has several faults, the reported one is the first in this order (syntax first).
_FAULT_ORDER = (JcsInvalidJson, JcsLoneSurrogate, JcsDuplicateKey, JcsNumberOutOfRange)


def has_lone_surrogate(text: str) -> bool:
    """True when ``text`` holds a UTF-16 surrogate code point, which no Unicode scalar value is."""
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def parse(data: bytes) -> Any:
    """Parse JSON text bytes strictly; numbers come back as floats (IEEE doubles)."""
    # STG-JCS-008: input is UTF-8; invalid UTF-8 is rejected. RFC 3629 §3 makes an encoded surrogate
    # (ED A0 80 ...) ill-formed UTF-8, so it is reported here, before any string exists.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JcsInvalidUtf8(f"invalid UTF-8 at byte {exc.start}") from exc
    faults: list[JcsError] = []

    def members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        # STG-JCS-005: I-JSON, an object with a duplicate member name is rejected.
        if len(set(names)) != len(names):
            faults.append(JcsDuplicateKey("object has a duplicate member name"))
        return dict(pairs)

    def number(token: str) -> float:
        value = float(token)
        # STG-JCS-007: a number that is not a finite IEEE 754 double is rejected.
        if not math.isfinite(value):
            faults.append(JcsNumberOutOfRange(f"number {token[:40]} is not a finite double"))
        return value

    def constant(token: str) -> None:
        faults.append(JcsInvalidJson(f"{token} is not a JSON token"))

    try:
        value = json.loads(
            text, object_pairs_hook=members, parse_float=number, parse_int=number, parse_constant=constant
        )
    except json.JSONDecodeError as exc:
        raise JcsInvalidJson(f"not JSON: {exc.msg} at {exc.pos}") from exc
    except RecursionError as exc:
        raise JcsInvalidJson("JSON nesting too deep") from exc
    # STG-JCS-006: an escaped unpaired surrogate in any string or member name is rejected.
    if _walk_has_surrogate(value):
        faults.append(JcsLoneSurrogate("a string or member name holds an unpaired surrogate"))
    if faults:
        raise min(faults, key=lambda fault: _FAULT_ORDER.index(type(fault)))
    return value


def _walk_has_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and has_lone_surrogate(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _as_ijson(value: object) -> Any:
    """Check a Python value is I-JSON and turn integers beyond 2**53 into the doubles they denote."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) <= _SAFE_INTEGER:
            return value
        try:
            return float(value)
        except OverflowError as exc:
            raise JcsNumberOutOfRange("integer is beyond the double range") from exc
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JcsNumberOutOfRange(f"{value} is not a finite double")
        return value
    if isinstance(value, str):
        if has_lone_surrogate(value):
            raise JcsLoneSurrogate("string holds an unpaired surrogate")
        return value
    if isinstance(value, list | tuple):
        return [_as_ijson(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise JcsInvalidJson("object member names must be strings")
        return {_as_ijson(key): _as_ijson(item) for key, item in value.items()}
    raise JcsInvalidJson(f"{type(value).__name__} is not a JSON value")


def canonical(value: object) -> bytes:
    """RFC 8785 bytes of a Python JSON value (dict, list, str, int, float, bool, None)."""
    try:
        return bytes(rfc8785.dumps(_as_ijson(value)))
    except RecursionError as exc:
        raise JcsInvalidJson("JSON nesting too deep") from exc


def canonicalize(data: bytes) -> bytes:
    """RFC 8785 canonical form of JSON text bytes (STG-JCS-001..004 are ``rfc8785``'s serialization)."""
    return canonical(parse(data))
