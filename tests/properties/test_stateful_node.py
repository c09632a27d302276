"""A Hypothesis state machine against a live node, checked against a model after every step.

Any node: ``STIGMEM_TARGET=URL STIGMEM_ADMIN_KEY=KEY python -m pytest tests/properties/test_stateful_node.py``;
without them one embedded reference node is started for the module (``python -m reference_node.cli``, never
imported). Five API keys with different permissions and scopes are created through ``POST /v1/auth/keys``. Each
example works on its own entities, so examples never see each other's facts. Steps assert, contradict, retract
(confidence 0.0), expire (a ``valid_until`` in the past), query with random filters and page sizes through every
key, read single facts, read unknown ids and post invalid bodies, resolve conflicts, and let time pass over facts
written to expire a fraction of a second later. After every step the model is compared with the node, every field
of every record returned (entity, relation, value, source, confidence, scope, valid_until as an instant, cid, hlc,
contradicted, and the timestamp stable across reads): no row lost or repeated across pages, no fact outside the
key's scopes, ``total`` as the model says (a default query keeps only each contradicted triple's resolution winners,
interpretation default_query), every CID recomputed with ``conformance.oracle.cid``, HLCs strictly increasing in
write order and decreasing down a page walk, error statuses with their error codes. A failure prints the shortest
reproducing sequence of steps (Hypothesis shrinks it). ``nox -s stateful`` runs the long lane.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conformance.oracle import cid as cid_oracle
from tests.properties.live import SCOPES, Slot

SOURCE = "stigmem://prop.test/agent/writer"
VALID_UNTIL = {"none": None, "past": "2001-01-01T00:00:00Z", "future": "2999-01-01T00:00:00Z", "soon": "soon"}
SOON_S = 0.6  # "soon": valid_until this far ahead of the write, so the fact expires while the example runs
MARGIN_S = 0.15  # no comparison runs this close to an expiry instant (the node's and the test's clocks differ)


def instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def soon() -> str:
    return (datetime.now(UTC) + timedelta(seconds=SOON_S)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
# name -> (permissions, allowed scopes); "admin" is the node's bootstrap key.
KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "admin": (("read", "write", "admin"), SCOPES),
    "local_rw": (("read", "write"), ("local",)),
    "team_company_rw": (("read", "write"), ("team", "company")),
    "reader_all": (("read",), SCOPES),
    "public_reader": (("read",), ("public",)),
}
WRITERS = tuple(name for name, (perms, _) in KEYS.items() if "write" in perms)


NODE = Slot(KEYS)
live_node = NODE.fixture()


@dataclass
class Fact:
    id: str
    entity: str
    relation: str
    value: str
    source: str
    confidence: float
    scope: str
    valid_until: str | None
    cid: str
    hlc: str
    timestamp: str = ""

    @property
    def expires_at(self) -> float | None:
        return None if self.valid_until is None else instant(self.valid_until)

    @property
    def expired(self) -> bool:
        """STG-EXP-001: expired iff now >= valid_until (the caller has settled, so now is not near the edge)."""
        return self.expires_at is not None and time.time() >= self.expires_at

    @property
    def live(self) -> bool:
        return self.confidence > 0 and not self.expired


@dataclass
class Conflict:
    id: str
    older: str
    newer: str
    resolved: bool = False


class NodeModel(RuleBasedStateMachine):
    # Node-made ids (UUIDs) are random, so every draw picks by write order, never by sorted id: the same choices
    # must replay the same steps, or Hypothesis cannot shrink (FlakyStrategyDefinition).

    def __init__(self) -> None:
        super().__init__()
        assert NODE.live is not None, "the live_node fixture must run first"
        self.node = NODE.live
        token = secrets.token_hex(4)
        self.entities = [f"stigmem://prop.test/user/e{i}-{token}" for i in range(2)]
        self.facts: dict[str, Fact] = {}
        self.conflicts: dict[str, Conflict] = {}
        self.last_hlc = ""

    # --- the model ---------------------------------------------------------------------------------------------

    def contradicted(self, fact_id: str) -> bool:
        return any(not c.resolved and fact_id in (c.older, c.newer) for c in self.conflicts.values())

    def visible(self, key: str, entity: str, relation: str | None, scope: str | None, min_confidence: float | None,
                include_contradicted: bool, include_expired: bool) -> set[str]:
        scopes = (scope,) if scope else KEYS[key][1]
        return {f.id for f in self.facts.values()
                if f.entity == entity and (relation is None or f.relation == relation) and f.scope in scopes
                and (min_confidence is None or f.confidence >= min_confidence)
                and (include_expired or not f.expired)
                and (include_contradicted or not self.outranked(f, include_expired))}

    def outranked(self, f: Fact, include_expired: bool) -> bool:
        """default_query = seed-resolution (architecture seed): a contradicted fact is left out of a default query
        when a visible contradicted sibling of its triple has a higher (confidence, hlc); ties all stay."""
        return self.contradicted(f.id) and any(
            g.id != f.id and (g.entity, g.relation, g.scope) == (f.entity, f.relation, f.scope)
            and self.contradicted(g.id) and (include_expired or not g.expired)
            and (g.confidence, g.hlc) > (f.confidence, f.hlc) for g in self.facts.values())

    def check_record(self, record: dict[str, Any]) -> None:
        body = {k: record[k] for k in cid_oracle.BODY_FIELDS}
        assert record["cid"] == cid_oracle.cid(body), f"CID not recomputable: {record}"

    def check_fields(self, record: dict[str, Any]) -> None:
        """Every field of a returned record against the model (the fact must be known to it)."""
        self.check_record(record)
        f = self.facts[record["id"]]
        got = (record["entity"], record["relation"], record["value"], record["source"], record["confidence"],
               record["scope"], record["cid"], record["hlc"])
        want = (f.entity, f.relation, {"type": "string", "v": f.value}, f.source, f.confidence, f.scope, f.cid,
                f.hlc)
        assert got == want, (got, want)
        until = record.get("valid_until")
        assert (until is None) == (f.valid_until is None) and (
            until is None or f.valid_until is None or instant(until) == instant(f.valid_until)), (until, f)
        if "contradicted" in record:
            assert record["contradicted"] == self.contradicted(f.id), (record, self.conflicts)
        assert isinstance(record.get("timestamp"), str), record
        if f.timestamp:
            assert record["timestamp"] == f.timestamp, f"timestamp changed: {f.timestamp} -> {record['timestamp']}"
        else:
            f.timestamp = record["timestamp"]

    def settle(self) -> None:
        """Wait until no fact is within MARGIN_S of its expiry, so the model and the node agree on 'expired'."""
        for _ in range(10):
            now = time.time()
            near = [at for f in self.facts.values() if (at := f.expires_at) is not None and abs(now - at) < MARGIN_S]
            if not near:
                return
            time.sleep(max(near) + MARGIN_S - now)

    def unresolved_conflicts_of(self, fact_id: str) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        cursor = None
        for _ in range(50):
            params = {"status": "unresolved", "limit": "500", **({"cursor": cursor} if cursor else {})}
            page = self.node.call("GET", "/v1/conflicts", "admin", params=params).json()
            for c in page["conflicts"]:
                pair = ((c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id"))
                if fact_id in pair:
                    found[c["conflict_id"]] = pair
            cursor = page.get("cursor")
            if not page.get("has_more") or not cursor:
                return found
        raise AssertionError("conflict listing did not end within 50 pages")

    def write(self, key: str, entity: str, relation: str, value: str, scope: str, confidence: float,
              valid_until: str | None) -> None:
        self.settle()
        if valid_until == "soon":
            valid_until = soon()
        body = {"entity": entity, "relation": relation, "value": {"type": "string", "v": value}, "source": SOURCE,
                "confidence": confidence, "scope": scope, "valid_until": valid_until}
        answer = self.node.call("POST", "/v1/facts", key, json=body)
        if scope not in KEYS[key][1]:
            assert answer.status_code == 403, answer.text
            assert answer.json()["error"] == "scope_forbidden"
            return
        record = answer.json()
        self.check_record(record)
        twin = next((f for f in self.facts.values() if f.cid == record["cid"] and f.valid_until == valid_until), None)
        if twin is not None:
            assert answer.status_code == 200 and record["id"] == twin.id, (answer.status_code, record, twin)
            return
        assert answer.status_code == 201, answer.text
        assert record["id"] not in self.facts
        assert record["hlc"] > self.last_hlc, (record["hlc"], self.last_hlc)
        self.last_hlc = record["hlc"]
        new = Fact(record["id"], entity, relation, value, SOURCE, confidence, scope, valid_until, record["cid"],
                   record["hlc"])
        expected = set()
        siblings = [f for f in self.facts.values()
                    if f.live and (f.entity, f.relation, f.scope) == (entity, relation, scope)]
        if new.live and siblings:
            # conflict_cardinality=winner: the new fact is paired with the triple's preferred live facts only
            # (highest confidence, then highest hlc, all tied on both), when their values differ.
            best = max((f.confidence, f.hlc) for f in siblings)
            expected = {f.id for f in siblings if (f.confidence, f.hlc) == best and f.value != value}
        self.facts[new.id] = new
        self.check_fields(record)
        found = self.unresolved_conflicts_of(new.id)
        assert {older for older, _ in found.values()} == expected, (found, expected)
        assert all(newer == new.id for _, newer in found.values()), found
        for conflict_id, (older, newer) in sorted(found.items(), key=lambda item: list(self.facts).index(item[1][0])):
            self.conflicts[conflict_id] = Conflict(conflict_id, older, newer)

    # --- steps -------------------------------------------------------------------------------------------------

    @rule(key=st.sampled_from(WRITERS), e=st.integers(0, 1), relation=st.sampled_from(["memory:role", "memory:x"]),
          value=st.sampled_from(["A", "B"]), scope=st.sampled_from(SCOPES),
          confidence=st.sampled_from([0.0, 0.5, 1.0]), expiry=st.sampled_from(sorted(VALID_UNTIL)))
    def assert_fact(self, key: str, e: int, relation: str, value: str, scope: str, confidence: float,
                    expiry: str) -> None:
        self.write(key, self.entities[e], relation, value, scope, confidence, VALID_UNTIL[expiry])

    @precondition(lambda self: any(f.source == SOURCE and f.confidence > 0 for f in self.facts.values()))
    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        candidates = [f.id for f in self.facts.values() if f.source == SOURCE and f.confidence > 0]
        f = self.facts[data.draw(st.sampled_from(candidates))]
        self.write("admin", f.entity, f.relation, f.value, f.scope, 0.0, None)

    @precondition(lambda self: any(f.confidence > 0 for f in self.facts.values()))
    @rule(data=st.data(), confidence=st.sampled_from([0.5, 1.0]))
    def contradict(self, data: st.DataObject, confidence: float) -> None:
        """Write another value on an asserted fact's triple: a contradiction while that fact is live, so default
        queries must resolve it. (The choice leaves expiry out: it depends on the wall clock, and Hypothesis needs the
        same draws when it replays a sequence.)"""
        f = self.facts[data.draw(st.sampled_from([f.id for f in self.facts.values() if f.confidence > 0]))]
        value = data.draw(st.sampled_from([v for v in ("A", "B", "C") if v != f.value]))
        self.write("admin", f.entity, f.relation, value, f.scope, confidence, None)

    @precondition(lambda self: any(f.source == SOURCE for f in self.facts.values()))
    @rule(data=st.data())
    def expire(self, data: st.DataObject) -> None:
        """Write the same body again with a valid_until in the past: a new, already expired fact."""
        candidates = [f.id for f in self.facts.values() if f.source == SOURCE]
        f = self.facts[data.draw(st.sampled_from(candidates))]
        self.write("admin", f.entity, f.relation, f.value, f.scope, f.confidence, VALID_UNTIL["past"])

    @rule(key=st.sampled_from(sorted(KEYS)), e=st.integers(0, 1),
          relation=st.sampled_from([None, "memory:role", "memory:x"]), scope=st.sampled_from([None, *SCOPES]),
          min_confidence=st.sampled_from([None, 0.5]), include_contradicted=st.booleans(),
          include_expired=st.booleans(), limit=st.sampled_from([1, 2, 3, 50]))
    def query(self, key: str, e: int, relation: str | None, scope: str | None, min_confidence: float | None,
              include_contradicted: bool, include_expired: bool, limit: int) -> None:
        params: dict[str, str] = {"entity": self.entities[e], "limit": str(limit),
                                  "include_contradicted": str(include_contradicted).lower(),
                                  "include_expired": str(include_expired).lower()}
        for name, wanted in (("relation", relation), ("scope", scope), ("min_confidence", min_confidence)):
            if wanted is not None:
                params[name] = str(wanted)
        if scope is not None and scope not in KEYS[key][1]:
            answer = self.node.call("GET", "/v1/facts", key, params=params)
            assert answer.status_code == 403, answer.text
            return
        self.settle()
        expected = self.visible(key, self.entities[e], relation, scope, min_confidence, include_contradicted,
                                include_expired)
        seen: list[str] = []
        hlcs: list[str] = []
        cursor = None
        for _ in range(200):
            page = self.node.call("GET", "/v1/facts", key, params={**params, **({"cursor": cursor} if cursor
                                                                                 else {})})
            assert page.status_code == 200, page.text
            body = page.json()
            assert body["total"] == len(expected), (body["total"], len(expected))
            assert len(body["facts"]) <= limit
            for record in body["facts"]:
                assert record["scope"] in KEYS[key][1], f"scope leak to {key}: {record}"
                assert "contradicted" in record, record
                self.check_fields(record)
                seen.append(record["id"])
                hlcs.append(record["hlc"])
            cursor = body["cursor"]
            if cursor is None:
                break
            assert body["facts"], "a non-final page is empty"
        assert len(seen) == len(set(seen)), f"rows repeated across pages: {seen}"
        assert set(seen) == expected, (sorted(set(seen) - expected), sorted(expected - set(seen)))
        assert hlcs == sorted(hlcs, reverse=True), f"not newest first: {hlcs}"

    @precondition(lambda self: bool(self.facts))
    @rule(key=st.sampled_from(sorted(KEYS)), data=st.data())
    def read_one(self, key: str, data: st.DataObject) -> None:
        f = self.facts[data.draw(st.sampled_from(list(self.facts)))]
        self.settle()
        answer = self.node.call("GET", f"/v1/facts/{f.id}", key)
        if f.scope not in KEYS[key][1]:
            assert answer.status_code == 404, answer.text
            return
        assert answer.status_code == 200, answer.text
        record = answer.json()
        assert "contradicted" in record, record
        self.check_fields(record)
        verdict = self.node.call("POST", f"/v1/facts/{f.id}/verify-cid", key).json()
        assert verdict["cid_valid"] is True and verdict["computed_cid"] == f.cid, verdict

    @precondition(lambda self: any(not c.resolved for c in self.conflicts.values()))
    @rule(data=st.data(), again=st.booleans())
    def resolve(self, data: st.DataObject, again: bool) -> None:
        conflict = self.conflicts[data.draw(st.sampled_from([c.id for c in self.conflicts.values()
                                                              if not c.resolved]))]
        winner = self.facts[data.draw(st.sampled_from([conflict.older, conflict.newer]))]
        path = f"/v1/conflicts/{conflict.id}/resolve"
        answer = self.node.call("POST", path, "admin", json={"winning_fact_id": winner.id})
        assert answer.status_code == 200, answer.text
        rid = answer.json()["resolution_fact_id"]
        conflict.resolved = True
        record = self.node.call("GET", f"/v1/facts/{rid}", "admin").json()
        self.check_record(record)
        assert (record["entity"], record["relation"], record["scope"], record["value"]["v"]) == (
            winner.entity, winner.relation, winner.scope, winner.value), record
        assert record["confidence"] == 1.0 and record["source"] == self.node.admin_entity, record
        assert record["hlc"] > self.last_hlc
        self.last_hlc = record["hlc"]
        self.facts[rid] = Fact(rid, winner.entity, winner.relation, winner.value, record["source"], 1.0,
                               winner.scope, None, record["cid"], record["hlc"])
        assert not self.unresolved_conflicts_of(rid), "the resolution fact started a conflict"
        if again:
            twice = self.node.call("POST", path, "admin", json={"winning_fact_id": winner.id})
            assert twice.status_code == 409, twice.text

    @rule(key=st.sampled_from(sorted(KEYS)))
    def read_unknown(self, key: str) -> None:
        """An id the node never issued answers 404 with the JSON error envelope."""
        answer = self.node.call("GET", f"/v1/facts/{secrets.token_hex(4)}-0000-4000-8000-{secrets.token_hex(6)}",
                                key)
        assert answer.status_code == 404, answer.text
        assert isinstance(answer.json().get("error"), str), answer.text

    @rule(key=st.sampled_from(WRITERS), bad=st.sampled_from(["confidence", "scope", "value", "relation"]))
    def post_invalid(self, key: str, bad: str) -> None:
        """An invalid body is refused (400 or 422, the error envelope) and stores nothing."""
        body: dict[str, Any] = {"entity": self.entities[0], "relation": "memory:role",
                                "value": {"type": "string", "v": "A"}, "source": SOURCE, "confidence": 0.5,
                                "scope": KEYS[key][1][0]}
        body[bad] = {"confidence": 1.5, "scope": "universe", "value": {"type": "bytes", "v": "AA"},
                     "relation": 7}[bad]
        answer = self.node.call("POST", "/v1/facts", key, json=body)
        assert answer.status_code in (400, 422), answer.text
        assert isinstance(answer.json().get("error"), str), answer.text

    @precondition(lambda self: any((at := f.expires_at) is not None and at > time.time()
                                   and at - time.time() < 2 * SOON_S for f in self.facts.values()))
    @rule()
    def time_passes(self) -> None:
        """Wait for the next short-lived fact to expire: it leaves default queries and its conflicts stay."""
        now = time.time()
        nearest = min(at for f in self.facts.values() if (at := f.expires_at) is not None and at > now)
        time.sleep(max(0.0, nearest - now) + MARGIN_S)
        for e in range(len(self.entities)):  # at once, while the expiry is fresh
            for include_contradicted in (False, True):
                self.query("admin", e, None, None, None, include_contradicted, False, 50)

    @invariant()
    def node_matches_model(self) -> None:
        self.settle()
        for entity in self.entities:
            answer = self.node.call("GET", "/v1/facts", "admin", params={
                "entity": entity, "limit": "500", "include_contradicted": "true", "include_expired": "true"})
            assert answer.status_code == 200, answer.text
            rows = {r["id"]: r for r in answer.json()["facts"]}
            assert set(rows) == {f.id for f in self.facts.values() if f.entity == entity}
            for row in rows.values():
                self.check_fields(row)


SHORT = settings(max_examples=40, stateful_step_count=25, deadline=None, print_blob=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
LONG = settings(max_examples=60, stateful_step_count=40, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.usefixtures("live_node")
class TestNodeModelShort(NodeModel.TestCase):  # type: ignore[misc,valid-type]
    """The fast lane: a short run on every test invocation."""

    settings = SHORT


@pytest.mark.slow
@pytest.mark.usefixtures("live_node")
class TestNodeModelLong(NodeModel.TestCase):  # type: ignore[misc,valid-type]
    """The slow lane: more and longer examples."""

    settings = LONG
