"""FactValue, the discriminated union of Spec-01 §FactValue: validation, stored form and equality (A08 §2.1).

Requirements: STG-VAL-001 (closed set of types), STG-VAL-002 (``v`` agrees with ``type``, interpretation
``value_typing``, strict by default), STG-VAL-003/004 (text limit, interpretation ``text_limit``), STG-VAL-005 (null
is stored as ``"v": null``), STG-VAL-006 (``interpret_as``). ``equal`` implements interpretation ``value_equality``
for contradiction detection (STG-CONF-001). Values are never coerced: the stored ``v`` is the one sent.

>>> validate({"type": "null"})
{'type': 'null', 'v': None}
>>> equal({"type": "number", "v": 1}, {"type": "number", "v": 1.0})
True
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from reference_node.protocol.entity_uri import DEFAULT_OPTIONS, NormalizeOptions, normalize
from reference_node.protocol.errors import InvalidEntityUri, ValueInvalid, ValueTooLarge
from reference_node.protocol.jcs import has_lone_surrogate

__all__ = ["DEFAULT_MAX_TEXT_BYTES", "INTERPRET_AS", "VALUE_TYPES", "equal", "is_rfc3339", "validate"]

ValueTyping = Literal["strict", "lenient"]
ValueEquality = Literal["canonical", "raw"]

# Spec-01 §FactValue: the seven variants.
VALUE_TYPES = frozenset({"string", "text", "number", "boolean", "datetime", "ref", "null"})
# Spec-13 §Interpretation Metadata: interpret_as is "content" (default) or "instruction".
INTERPRET_AS = frozenset({"content", "instruction"})
# Spec-01 §FactValue: inline text SHOULD be <= 64 KB; interpretation text_limit counts UTF-8 bytes.
DEFAULT_MAX_TEXT_BYTES = 65536

# RFC 3339 §5.6 date-time; "T" and "Z" may be lower case (§5.6 NOTE).
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))", re.ASCII
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# RFC 3986 §3.1: a URI starts with a scheme and ':'.
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_rfc3339(text: str) -> bool:
    """True for an RFC 3339 date-time with valid field ranges (second 60 is a leap second, §5.7)."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 60:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= days:
        return False
    offset_hour, offset_minute = match.group(7), match.group(8)
    return offset_hour is None or (int(offset_hour) <= 23 and int(offset_minute) <= 59)


def _is_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def _agrees(value_type: str, v: object) -> bool:
    """STG-VAL-002 under value_typing=strict: v has the JSON type its variant names."""
    if value_type in ("string", "text"):
        return isinstance(v, str)
    if value_type == "number":
        return _is_number(v)
    if value_type == "boolean":
        return isinstance(v, bool)
    if value_type == "datetime":
        return isinstance(v, str) and is_rfc3339(v)
    if value_type == "ref":
        return isinstance(v, str) and _HAS_SCHEME.match(v) is not None
    return v is None


def validate(
    value: object, *, typing: ValueTyping = "strict", max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
) -> dict[str, Any]:
    """The stored form ``{"type", "v"}`` (plus ``interpret_as`` when sent); raises ValueInvalid or ValueTooLarge."""
    if not isinstance(value, Mapping):
        raise ValueInvalid("a FactValue is a JSON object")
    value_type = value.get("type")
    # STG-VAL-001: the type is one of the seven variants.
    if not isinstance(value_type, str) or value_type not in VALUE_TYPES:
        raise ValueInvalid(f"unknown FactValue type {value_type!r}", "STG-VAL-001")
    unknown = set(value) - {"type", "v", "interpret_as"}
    if typing == "strict" and unknown:
        raise ValueInvalid(f"unknown FactValue members {sorted(unknown)}")
    # STG-VAL-005: null is {type: null} or carries v null; every other variant needs v.
    if typing == "strict" and value_type != "null" and "v" not in value:
        raise ValueInvalid(f"a {value_type} value needs v")
    v = value.get("v")
    # STG-VAL-002: v agrees with type (interpretation value_typing).
    if typing == "strict" and not _agrees(value_type, v):
        raise ValueInvalid(f"v does not agree with type {value_type}")
    if isinstance(v, str) and has_lone_surrogate(v):
        raise ValueInvalid("v holds an unpaired surrogate")
    # STG-VAL-004: text above the configured limit is answered 413 (limit on UTF-8 bytes).
    if value_type == "text" and isinstance(v, str) and len(v.encode("utf-8")) > max_text_bytes:
        raise ValueTooLarge(f"text value is over {max_text_bytes} UTF-8 bytes")
    stored: dict[str, Any] = {"type": value_type, "v": v}
    if "interpret_as" in value:
        # STG-VAL-006: interpret_as is "content" or "instruction".
        if not isinstance(value["interpret_as"], str) or value["interpret_as"] not in INTERPRET_AS:
            raise ValueInvalid("interpret_as is 'content' or 'instruction'", "STG-VAL-006")
        stored["interpret_as"] = value["interpret_as"]
    return stored


def _json(v: object) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _normalized_ref(v: str, uri_options: NormalizeOptions) -> str:
    try:
        return normalize(v, uri_options)
    except InvalidEntityUri:
        return v


def equal(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    *,
    equality: ValueEquality = "canonical",
    uri_options: NormalizeOptions = DEFAULT_OPTIONS,
) -> bool:
    """Interpretation value_equality: same type and the same canonical (or, for ``raw``, the same sent) v."""
    va: Any = a.get("v")
    vb: Any = b.get("v")
    if a.get("type") != b.get("type"):
        return False
    if equality == "raw":
        return json.dumps(va, ensure_ascii=False) == json.dumps(vb, ensure_ascii=False)  # as sent: order counts
    if a["type"] == "null":
        return True
    if a["type"] == "number" and _is_number(va) and _is_number(vb):
        return float(va) == float(vb)
    if a["type"] == "ref" and isinstance(va, str) and isinstance(vb, str):
        return _normalized_ref(va, uri_options) == _normalized_ref(vb, uri_options)
    return _json(va) == _json(vb)
