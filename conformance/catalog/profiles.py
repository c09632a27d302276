"""Profiles: which ones a run checks, and whether the node's claims match its results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from conformance.catalog.requirements import catalogue
from conformance.outcomes import CaseResult

DEFAULT = ["core-local"]


def known() -> list[str]:
    return list(catalogue()["profiles"])


def claimed(discovery: Mapping[str, Any]) -> list[str]:
    value = discovery.get("profiles")
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def chosen(requested: Sequence[str], discovery: Mapping[str, Any]) -> list[str]:
    """--profile wins; else what the node claims; else core-local."""
    return list(requested) or claimed(discovery) or list(DEFAULT)


def verify_claims(claims: Iterable[str], profile_of: Mapping[str, str],
                  results: Iterable[CaseResult]) -> dict[str, str]:
    """Per profile run: 'claimed, passes' / 'claimed, FAILS' / 'not claimed, passes' / 'not claimed, fails'."""
    claims = set(claims)
    verdict: dict[str, list[str]] = {}
    for r in results:
        profile = profile_of.get(r.id)
        if profile and r.outcome != "not-applicable":
            verdict.setdefault(profile, []).append(r.outcome)
    out = {}
    for profile, outcomes in sorted(verdict.items()):
        fails = any(o in ("fail", "error", "unexpected-pass") for o in outcomes)
        ran = any(o in ("pass", "fail", "error") for o in outcomes)
        if profile in claims:
            out[profile] = "claimed, FAILS" if fails else "claimed, passes"
        elif ran:
            out[profile] = "not claimed, fails" if fails else "not claimed, but passes"
    return out
