"""What one adapter call carries and how it is answered short of a result (docs/adapter-protocol.md, version 1).

``Interpretations`` are the options in force for a request (``SUPPORTED`` lists what this node implements, the first
option being the default); ``Unsupported`` and ``Refused`` are the two answers that are not a ``ProtocolError``; the
readers (``text``, ``integer``, ``strings``, ``hex_bytes``, ``seed`` ...) turn an input member into a typed value or
raise, so the adapter answers the operation's own error code instead of crashing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_node.protocol import hlc, values
from reference_node.protocol.entity_uri import NormalizeOptions
from reference_node.protocol.errors import HlcMalformed, KeyMalformed
from reference_node.protocol.facts import FactOptions

__all__ = [
    "FACT_KEYS",
    "HLC_KEYS",
    "SUPPORTED",
    "URI_KEYS",
    "Interpretations",
    "Refused",
    "Unsupported",
    "count",
    "hex_bytes",
    "integer",
    "only_first",
    "optional_text",
    "seed",
    "strings",
    "text",
]

# The options this node implements per interpretation (vectors/interpretations.json); the first is the default.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "cid_preimage": ("jcs-6", "cidf-7", "upstream-0.9.0a12"),
    "hlc_counter_overflow": ("carry", "widen"),
    "hlc_receive": ("kulkarni", "local-increment"),
    "hlc_input": ("lenient", "strict"),
    "hlc_skew_bounds": ("ref-defaults",),
    "entity_percent_encoding": ("rfc3986", "none"),
    "entity_whitespace": ("ascii-all-segments", "unicode-id-only"),
    "entity_empty_segments": ("reject", "accept-as-informal"),
    "informal_uris": ("accept", "reject"),
    "value_typing": ("strict", "lenient"),
    "text_limit": ("65536-bytes",),
    "value_equality": ("canonical", "raw"),
    "contradiction_rule": ("s15", "upstream"),
    "winner_rule": ("s15",),
    "conflict_cardinality": ("winner", "pairwise"),
    "ed25519_policy": ("strict", "rfc8032"),
    "peer_declaration_fields": ("a08-jcs", "upstream-0.9.0a12"),
    "peer_token_format": ("jwt-ms",),
    "nonce_retention": ("until-expiry",),
    "replay_error_code": ("named",),
    "reserved_namespace": ("reject",),
    "source_ownership": ("authority",),
    "relaying": ("none",),
    "quota_arithmetic": ("exact",),
    "quota_defaults": ("seed-per-minute", "a20-table", "upstream"),
    "key_rotation_entry": ("a20-bound-key",),
    "capability_token_fields": ("union",),
    "capability_token_order": ("a20-merged-s06",),
    "capability_token_replay": ("bound-to-first-token",),
    "capability_token_window": ("future-only",),
    "capability_token_presentation": ("header-base64url-jcs",),
    "transparency_log_format": ("rfc9162-signed-note",),
    "manifest_rotation_event": ("s04-old-key",),
    "manifest_max_validity": ("365-days",),
    "manifest_error_codes": ("named",),
    "manifest_rotation_anchor": ("accepted-manifest",),
}


class Unsupported(Exception):
    """An operation or interpretation option this node does not implement."""


class Refused(Exception):
    """A federation rule's refusal: those rules return a reason code instead of raising a ProtocolError."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class Interpretations:
    """The options in force for one request; reading an unimplemented one raises Unsupported."""

    def __init__(self, raw: object) -> None:
        self._raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}

    def __getitem__(self, key: str) -> Any:
        option = self._raw.get(key, SUPPORTED[key][0])
        if option not in SUPPORTED[key]:
            raise Unsupported(f"interpretation {key}={option} is not implemented")
        return option

    def check(self, keys: tuple[str, ...]) -> None:
        """Answer unsupported when one of ``keys`` names an option this node does not implement."""
        for key in keys:
            self[key]

    def uri(self) -> NormalizeOptions:
        return NormalizeOptions(
            self["entity_percent_encoding"],
            self["entity_whitespace"],
            self["entity_empty_segments"],
            self["informal_uris"],
        )

    def fact(self, max_text_bytes: int = values.DEFAULT_MAX_TEXT_BYTES) -> FactOptions:
        return FactOptions(self.uri(), self["value_typing"], max_text_bytes)

    def clock(self, inp: Mapping[str, Any] | None = None) -> hlc.ClockRules:
        bounds = inp or {}
        future = count(bounds.get("max_future_skew_ms", hlc.DEFAULT_MAX_FUTURE_SKEW_MS))
        past = count(bounds.get("max_past_skew_ms", hlc.DEFAULT_MAX_PAST_SKEW_MS))
        strict = self["hlc_input"] == "strict"
        return hlc.ClockRules(self["hlc_counter_overflow"], self["hlc_receive"], strict, future, past)


def count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HlcMalformed(f"expected a non-negative integer, got {value!r}")
    return value


def hex_bytes(value: object) -> bytes:
    if not isinstance(value, str) or value != value.lower():
        raise ValueError("expected lowercase hex")
    return bytes.fromhex(value)


def seed(inp: Mapping[str, Any]) -> bytes:
    try:
        return hex_bytes(inp["seed_hex"])
    except ValueError as exc:
        raise KeyMalformed("seed_hex is not lowercase hex") from exc


def only_first(i: Interpretations, keys: tuple[str, ...]) -> None:
    """Answer unsupported unless each of ``keys`` is at its first option: the only one the federation rules take."""
    for key in keys:
        if i[key] != SUPPORTED[key][0]:
            raise Unsupported(f"interpretation {key}={i[key]} is not implemented by the federation rules")


def text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def optional_text(value: object) -> str | None:
    return None if value is None else text(value)


def integer(value: object, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        raise TypeError(f"expected an integer >= {minimum}, got {value!r}")
    return value


def strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return value


URI_KEYS = ("entity_percent_encoding", "entity_whitespace", "entity_empty_segments", "informal_uris")
FACT_KEYS = (*URI_KEYS, "value_typing", "text_limit")
HLC_KEYS = ("hlc_input",)
