"""Every HTTP check fails (or errors) against at least one deliberately wrong node: none is unfailable."""

from __future__ import annotations

import sys
from pathlib import Path

from conformance.catalog.interpretations import resolve
from conformance.checks.registry import REGISTRY, Context
from conformance.harness.http_target import HttpTarget
from conformance.http_run import run_checks
from conformance.session import SCOPED_KEYS

sys.path.insert(0, str(Path(__file__).parent / "fakes"))
from miniature_node import MiniatureNode


def outcomes(mode: str) -> dict[str, str]:
    with MiniatureNode(mode) as node:
        keys = {"admin": "k", **{name: "k" for name in SCOPED_KEYS}}
        target = HttpTarget(node.url, keys, timeout=5)
        ctx = Context(target, resolve(), target.request("GET", "/.well-known/stigmem", key=None).json or {},
                      open_target=HttpTarget(node.url, timeout=5), connection_bound_s=2, idle_connections=8)
        try:
            return {r.id: r.outcome for r in run_checks(ctx, list(REGISTRY.values()), resolve())}
        finally:
            target.close()


# Checks no miniature can reach, each with the mutant that shows it failing on a real node.
NEEDS_A_REAL_NODE = {
    "http:chunked_body_limited": "needs a node refusing a 4 MiB body by size; killed: b5-rob-chunked-body-unbounded",
    "http:body_limit_chunked_edge": "needs a node with a body limit to probe; killed: the node sweep's mutant "
                                    "b\"XXXX\".join(chunks) of reference_node/api/bodies.py",
}


def test_every_check_is_caught_by_some_miniature():
    seen: dict[str, set[str]] = {}
    for mode in ("agreeable", "refusing", "crashing"):
        for check_id, outcome in outcomes(mode).items():
            seen.setdefault(check_id, set()).add(outcome)
    never_failed = sorted(c for c, got in seen.items() if not got & {"fail", "error"}
                          and REGISTRY[c].profile == "core-local" and c not in NEEDS_A_REAL_NODE)
    assert not never_failed, never_failed


def test_every_single_node_federation_check_is_caught():
    """Against a miniature that advertises federation, every core-federation check that needs no launch recipe
    fails or errors. The recipe-driven ones (scenario:*, crash:*, cluster checks) skip here; they are shown to fail
    by the federation mutants and the upstream node (docs/report-data/power.md, REPORT.md)."""
    checks = [c for c in REGISTRY.values() if c.profile == "core-federation"]
    seen: dict[str, set[str]] = {}
    for mode in ("federating", "refusing"):
        with MiniatureNode(mode) as node:
            target = HttpTarget(node.url, {"admin": "k", **{name: "k" for name in SCOPED_KEYS}}, timeout=5)
            ctx = Context(target, resolve(), target.request("GET", "/.well-known/stigmem", key=None).json or {})
            try:
                for r in run_checks(ctx, checks, resolve()):
                    seen.setdefault(r.id, set()).add(r.outcome)
            finally:
                target.close()
    needs_recipe = {c for c, got in seen.items() if got == {"skip"}}  # cluster checks without a launch recipe
    never_failed = sorted(c for c, got in seen.items() if not got & {"fail", "error"} and c not in needs_recipe)
    assert not never_failed, never_failed
    assert len(needs_recipe) <= 10, sorted(needs_recipe)
