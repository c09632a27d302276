"""A Hypothesis state machine over two federated reference nodes, checked against a model after every pull.

Two nodes started from the shipped ``reference`` recipe (``python -m reference_node.cli``, never imported) register
each other for public and company. Steps write facts on the origin ``b`` in every scope, with and without a
``valid_until``, contradicting earlier ones or re-asserting them, some in a public Memory Garden; write facts on
``a`` that contradict ``b``'s; and pull at ``a``. After every pull the model says what ``a`` must hold of ``b``'s
facts (Spec-05, A08 §6.4, A10 §2.7): exactly those whose scope both sides granted (company and public, never local
or team) and that carry no garden (STG-FED-024/025/028), each with the origin's id, entity, relation, value,
source, timestamp, hlc, confidence, scope, valid_until and CID (STG-PROV-002, STG-FED-031, STG-HLC-005), each with
one ``stigmem:received_from`` meta-fact naming ``b`` (STG-PROV-004), none twice however often ``a`` pulls
(STG-FED-022). A failure prints the shortest sequence of steps that reproduces it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from conformance.federation.cluster import Cluster, ClusterNode
from conformance.federation.recipes import load
from conformance.federation.scenario_state import records

SCOPES = ("local", "team", "company", "public")
GRANTED = ("company", "public")
RELATIONS = ("test:colour", "test:size")
VALUES = ("red", "green", "blue")
FUTURE = "2999-01-01T00:00:00Z"
KEPT = ("id", "entity", "relation", "value", "source", "timestamp", "hlc", "confidence", "scope", "valid_until", "cid")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with Cluster(load("reference"), ["a", "b"], proxies=False) as started:
        started.federate(scopes=list(GRANTED))
        yield started


class Federated(RuleBasedStateMachine):
    """``b`` writes, ``a`` pulls; the model is every fact written on ``b``, by id."""

    nodes: Cluster | None = None

    def __init__(self) -> None:
        super().__init__()
        assert self.nodes is not None
        self.a, self.b = self.nodes["a"], self.nodes["b"]
        self.entity = f"stigmem://{self.b.authority}/item/e{secrets.token_hex(4)}"
        self.source = f"stigmem://{self.b.authority}/agent/writer"
        self.written: dict[str, dict[str, Any]] = {}  # id -> the record b answered, with "garden"
        self.garden: str | None = None
        self.pulls = 0

    def _write(self, node: ClusterNode, body: dict[str, Any]) -> dict[str, Any]:
        ex = node.target.request("POST", "/v1/facts", json_body=body)
        assert ex.status in (200, 201), ex.brief()
        assert isinstance(ex.json, dict)
        return ex.json

    @rule(scope=st.sampled_from(SCOPES), relation=st.sampled_from(RELATIONS), value=st.sampled_from(VALUES),
          confidence=st.sampled_from((1.0, 0.6, 0.0)), expires=st.booleans())
    def write_on_b(self, scope: str, relation: str, value: str, confidence: float, expires: bool) -> None:
        body = {"entity": self.entity, "relation": relation, "value": {"type": "string", "v": value},
                "source": self.source, "confidence": confidence, "scope": scope,
                "valid_until": FUTURE if expires else None}
        fact = self._write(self.b, body)
        self.written[fact["id"]] = {**fact, "garden": None}

    @rule(value=st.sampled_from(VALUES))
    def write_garden_fact_on_b(self, value: str) -> None:
        if self.garden is None:
            slug = f"fed-{secrets.token_hex(4)}"
            ex = self.b.target.request("POST", "/v1/gardens", json_body={"slug": slug, "name": "g", "scope": "public"})
            assert ex.status == 201, ex.brief()
            self.garden = str(ex.json["garden_id"])
        body = {"entity": self.entity, "relation": "test:colour", "value": {"type": "string", "v": value},
                "source": self.source, "scope": "public", "garden_id": self.garden}
        fact = self._write(self.b, body)
        self.written[fact["id"]] = {**fact, "garden": self.garden}

    @rule(value=st.sampled_from(VALUES))
    def contradict_on_a(self, value: str) -> None:
        """A local fact on a about the same triple: ingest must keep both (contradictions are recorded, Spec-15)."""
        self._write(self.a, {"entity": self.entity, "relation": "test:colour", "value": {"type": "string", "v": value},
                             "source": f"stigmem://{self.a.authority}/agent/writer", "scope": "public"})

    @precondition(lambda self: bool(self.written))
    @rule()
    def pull_at_a(self) -> None:
        ex = self.a.federator.trigger_pull()
        assert ex is not None and ex.status == 200, None if ex is None else ex.brief()
        self.pulls += 1
        self._compare()

    def _compare(self) -> None:
        held = {f["id"]: f for f in records(self.a.target, entity=self.entity, include_expired="true")
                if f.get("source") == self.source}
        want = {i: f for i, f in self.written.items() if f["scope"] in GRANTED and f["garden"] is None}
        assert set(held) == set(want), (f"a holds {sorted(set(held) - set(want))} it must not and lacks "
                                        f"{sorted(set(want) - set(held))} after {self.pulls} pulls")
        for fact_id, origin in want.items():
            changed = {k: (held[fact_id].get(k), origin.get(k)) for k in KEPT if held[fact_id].get(k) != origin.get(k)}
            assert not changed, f"{fact_id} changed on ingest: {changed}"
            assert "garden_id" not in held[fact_id], f"{fact_id} carries a garden_id at a"
            meta = records(self.a.target, entity=f"stigmem:fact:{fact_id}", relation="stigmem:received_from")
            assert [m["value"]["v"] for m in meta] == [self.b.federator.node_id], (fact_id, meta)


def test_federation_follows_the_model(cluster: Cluster) -> None:
    Federated.nodes = cluster
    case = Federated.TestCase
    case.settings = settings(max_examples=6, stateful_step_count=12, deadline=None,
                             suppress_health_check=list(HealthCheck))
    case().runTest()
