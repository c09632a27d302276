"""Every HTTP check fails (or errors) against at least one deliberately wrong node: none is unfailable."""

from __future__ import annotations

import sys
from pathlib import Path

from conformance.catalog.interpretations import resolve
from conformance.checks.registry import REGISTRY, Context
from conformance.harness.http_target import HttpTarget
from conformance.http_run import SCOPED_KEYS, run_checks

sys.path.insert(0, str(Path(__file__).parent / "fakes"))
from miniature_node import MiniatureNode


def outcomes(mode: str) -> dict[str, str]:
    with MiniatureNode(mode) as node:
        keys = {"admin": "k", **{name: "k" for name in SCOPED_KEYS}}
        target = HttpTarget(node.url, keys, timeout=5)
        ctx = Context(target, resolve(), target.request("GET", "/.well-known/stigmem", key=None).json or {},
                      open_target=HttpTarget(node.url, timeout=5))
        try:
            return {r.id: r.outcome for r in run_checks(ctx, list(REGISTRY.values()), resolve())}
        finally:
            target.close()


def test_every_check_is_caught_by_some_miniature():
    seen: dict[str, set[str]] = {}
    for mode in ("agreeable", "refusing", "crashing"):
        for check_id, outcome in outcomes(mode).items():
            seen.setdefault(check_id, set()).add(outcome)
    never_failed = sorted(c for c, got in seen.items() if not got & {"fail", "error"}
                          and REGISTRY[c].profile == "core-local")
    assert not never_failed, never_failed
