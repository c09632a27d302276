"""The state one failure-mode scenario builds up as its steps run, and the reads every step kind shares.

``ScenarioState`` holds the cluster, the scripted peers, the history and the bookkeeping of what was written,
registered and accepted; ``ClusterSteps`` (conformance.federation.cluster_steps) and ``PeerSteps``
(conformance.federation.peer_steps) add the step handlers, and ``ScenarioRun`` (conformance.federation.scenarios)
drives them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from conformance.catalog.vectors import Vector
from conformance.errors import ConformanceError
from conformance.federation.cluster import Cluster, ClusterNode
from conformance.federation.history import History
from conformance.federation.identity import Crafted
from conformance.federation.peer import ScriptedPeer
from conformance.federation.recipes import Recipe
from conformance.harness.http_target import Exchange, HttpTarget
from conformance.outcomes import CheckFailed

__all__ = ["BATCH", "COMPARED", "GROUP", "MAX_PAGES", "PAGE", "WRITERS", "ScenarioError", "ScenarioState", "plain",
           "records"]

BATCH = 50
GROUP = 250  # write_many facts per relation: at most one page of 500 per relation
WRITERS = 4
PAGE = 500
MAX_PAGES = 12
COMPARED = ("entity", "relation", "value", "source", "scope", "cid")


def plain(value: Any) -> Any:
    """A FactValue without ``interpret_as: content``, the default made explicit by some nodes."""
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if not (k == "interpret_as" and v == "content")}


class ScenarioError(ConformanceError):
    """The harness could not set the scenario up as written (not a verdict on the node)."""


def records(target: HttpTarget, **params: str) -> list[dict[str, Any]]:
    """Every record a query returns, following cursors (bounded), contradicted facts included.

    A record repeated on a later page is a pagination fault, not a stored duplicate (core-local checks
    pagination): it is dropped, and a page bringing nothing new ends the walk."""
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    cursor = None
    for _ in range(MAX_PAGES):
        query = {**params, "include_contradicted": "true", "limit": str(PAGE), **({"cursor": cursor} if cursor else {})}
        ex = target.request("GET", "/v1/facts", params=query)
        if ex.status != 200 or not isinstance(ex.json, dict):
            raise CheckFailed(f"query {params} failed: {ex.brief()}")
        facts = [f for f in ex.json.get("facts", []) if isinstance(f, dict)]
        fresh = [f for f in facts if f.get("id") not in seen]
        found += fresh
        seen |= {f.get("id") for f in facts}
        cursor = ex.json.get("cursor")
        if not cursor or not fresh or len(facts) < PAGE:
            break
    return found


class ScenarioState:
    """One vector's cluster, scripted peers, history and bookkeeping; the step mixins share it."""

    def __init__(self, vector: Vector, recipe: Recipe, interpretations: Mapping[str, str]) -> None:
        self.vector = vector
        self.recipe = recipe
        self.interp = dict(interpretations)
        self.token = "u" + secrets.token_hex(4)
        self.history = History()
        self.cluster = Cluster(recipe, list(vector.input["nodes"]), proxies=vector.input.get("proxies", True))
        self.peers: dict[str, ScriptedPeer] = {}
        self.registrations: dict[tuple[str, str], list[str]] = {}  # (x, y): x registered at y with these scopes
        self.accepted: dict[str, set[str]] = {}  # node -> peer fact labels it accepted
        self.groups: dict[str, list[str]] = {}  # write_many label -> its labels
        self.at_kill: dict[str, int] = {}
        self.tokens: dict[str, Crafted] = {}
        self.step = 0

    def _tails(self) -> str:
        return "; ".join(f"{n.name} log: {n.log_tail(5)}" for n in self.cluster.nodes.values())

    def _node(self, name: str) -> ClusterNode:
        return self.cluster[name]

    def _fill(self, text: str) -> str:
        return text.replace("{u}", self.token)

    def _eligible(self, label: str, node: str) -> bool:
        origin, _, record = self.history.writes[label]
        if origin == node:
            return True
        if origin in self.peers:
            return label in self.accepted.get(node, set())
        scope = record.get("scope")
        served = self.registrations.get((node, origin), [])  # what origin serves node
        pulled = self.registrations.get((origin, node), [])  # origin active at node, so node pulls from it
        return scope in served and bool(pulled) and scope not in ("local", "team")

    def _source(self, node: ClusterNode) -> str:
        if self.interp.get("source_ownership") == "exact":
            return node.federator.node_id
        return f"stigmem://{node.authority}/agent/scenario"

    def _assert(self, node: ClusterNode, body: dict[str, Any]) -> Exchange:
        return node.target.request("POST", "/v1/facts", key="admin", json_body=body)

    def _snapshot(self, node: ClusterNode) -> list[dict[str, Any]]:
        relations = sorted({rec["relation"] for _, _, rec in self.history.writes.values()})
        found: list[dict[str, Any]] = []
        for relation in relations:
            found += records(node.target, relation=relation)
        return found

    def _fetch(self, node: ClusterNode, fact_id: str) -> dict[str, Any] | None:
        ex = node.target.request("GET", f"/v1/facts/{fact_id}")
        return ex.json if ex.status == 200 and isinstance(ex.json, dict) else None
