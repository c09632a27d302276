"""Entity URI normalization, the canonicalization steps of Spec-01 §Entity Naming Rules in order (A08 §2.5-§2.6).

Requirements: STG-URI-002..006, STG-URI-008 (deterministic and idempotent), STG-URI-009 (informal URIs),
STG-URI-010 (rejection code). Defaults follow vectors/interpretations.json: ``entity_percent_encoding=rfc3986``,
``entity_whitespace=ascii-all-segments``, ``entity_empty_segments=reject``, ``informal_uris=accept``; each has its
alternative as an option. Normalizing on write and on query (STG-URI-001, STG-URI-007) is the caller's job.

Steps 3 and 4 run as one left-to-right pass over each path segment, so a decoded unreserved letter is lowercased
too (three separate passes would turn ``al%49ce`` into ``alIce``, which a second run changes again, against
STG-URI-008).

>>> normalize(" stigmem://Company.Example/User/Alice ")
'stigmem://company.example/user/alice'
>>> normalize("user:Alice Smith")
'user:alice-smith'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from reference_node.protocol.errors import InvalidEntityUri
from reference_node.protocol.jcs import has_lone_surrogate

__all__ = ["DEFAULT_OPTIONS", "NormalizeOptions", "normalize"]

PercentEncoding = Literal["rfc3986", "none"]
Whitespace = Literal["ascii-all-segments", "unicode-id-only"]
EmptySegments = Literal["reject", "accept-as-informal"]
InformalUris = Literal["accept", "reject"]


@dataclass(frozen=True)
class NormalizeOptions:
    """The interpretation options that change normalization (vectors/interpretations.json)."""

    percent_encoding: PercentEncoding = "rfc3986"
    whitespace: Whitespace = "ascii-all-segments"
    empty_segments: EmptySegments = "reject"
    informal_uris: InformalUris = "accept"


DEFAULT_OPTIONS = NormalizeOptions()

_FORMAL_PREFIX = "stigmem://"
# Interpretation entity_whitespace=ascii-all-segments: whitespace is ASCII [\t\n\v\f\r ] only;
# unicode-id-only uses the regex class \s (Unicode whitespace).
_ASCII_WHITESPACE = "\t\n\v\f\r "
_RUN = {"ascii-all-segments": re.compile(r"[\t\n\v\f\r ]+"), "unicode-id-only": re.compile(r"\s+")}
# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# RFC 3986 §2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~".
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset("0123456789ABCDEFabcdef")


def _trim(text: str, whitespace: Whitespace) -> str:
    return text.strip(_ASCII_WHITESPACE) if whitespace == "ascii-all-segments" else text.strip()


def _collapse(text: str, whitespace: Whitespace) -> str:
    return _RUN[whitespace].sub("-", text)


def _percent(segment: str) -> str:
    """Step 4: decode escapes of unreserved characters, uppercase other escapes, encode everything else."""
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "%" and i + 2 < len(segment) and segment[i + 1] in _HEX and segment[i + 2] in _HEX:
            octet = chr(int(segment[i + 1 : i + 3], 16))
            out.append(octet.lower() if octet in _UNRESERVED else "%" + segment[i + 1 : i + 3].upper())
            i += 3
            continue
        lowered = ch.lower()
        for char in lowered:
            if char in _UNRESERVED or char == "/":
                out.append(char)
            else:
                out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        i += 1
    return "".join(out)


def _path_segment(segment: str, options: NormalizeOptions) -> str:
    if options.percent_encoding == "rfc3986":
        return _percent(segment)
    return segment.lower()


def _formal(text: str, options: NormalizeOptions) -> str | None:
    """Normalize ``stigmem://authority/type/id``; None sends a malformed one to the informal branch (upstream)."""
    authority, slash1, rest = text[len(_FORMAL_PREFIX) :].partition("/")
    type_, slash2, id_ = rest.partition("/")
    # STG-URI-002: step 1, each segment is trimmed as well (interpretation entity_whitespace).
    authority, type_, id_ = (_trim(part, options.whitespace) for part in (authority, type_, id_))
    # STG-URI-003: step 2, internal whitespace runs collapse to one '-' in the path segments.
    if options.whitespace == "ascii-all-segments":
        type_ = _collapse(type_, options.whitespace)
    id_ = _collapse(id_, options.whitespace)
    # STG-URI-006: a formal URI with an empty authority, type or id is rejected (the id may contain '/').
    if not (slash1 and slash2 and authority and type_ and id_):
        if options.empty_segments == "accept-as-informal":
            return None
        raise InvalidEntityUri(f"formal URI needs a non-empty authority, type and id: {text!r}", "STG-URI-006")
    # STG-URI-004: step 3, scheme, authority, type and id are lowercased.
    # STG-URI-005: step 4, percent-encoding of the path segments with the RFC 3986 unreserved set.
    type_ = _path_segment(type_, options)
    id_ = _path_segment(id_, options)
    return f"{_FORMAL_PREFIX}{authority.lower()}/{type_}/{id_}"


def _informal(text: str, options: NormalizeOptions) -> str:
    # STG-URI-009: informal URIs are a MAY (interpretation informal_uris).
    if options.informal_uris == "reject":
        raise InvalidEntityUri(f"only formal stigmem:// URIs are accepted: {text!r}", "STG-URI-009")
    scheme, colon, rest = text.partition(":")
    # STG-URI-010: a string with no scheme is not a URI.
    if not colon or not _SCHEME.fullmatch(scheme):
        raise InvalidEntityUri(f"entity URI has no scheme: {text!r}")
    if not _trim(rest, options.whitespace):
        raise InvalidEntityUri(f"entity URI has nothing after its scheme: {text!r}")
    # STG-URI-003, STG-URI-004: lowercase the whole string and collapse whitespace runs.
    return _collapse(text.lower(), options.whitespace)


def normalize(uri: object, options: NormalizeOptions = DEFAULT_OPTIONS) -> str:
    """The canonical form of an entity or source URI; raises InvalidEntityUri."""
    if not isinstance(uri, str):
        raise InvalidEntityUri("entity URI must be a string")
    if has_lone_surrogate(uri):
        raise InvalidEntityUri("entity URI holds an unpaired surrogate")
    # STG-URI-002: step 1, leading and trailing whitespace is trimmed.
    text = _trim(uri, options.whitespace)
    if not text:
        raise InvalidEntityUri("entity URI is empty")
    if text[: len(_FORMAL_PREFIX)].lower() == _FORMAL_PREFIX:
        formal = _formal(text, options)
        if formal is not None:
            return formal
    return _informal(text, options)
