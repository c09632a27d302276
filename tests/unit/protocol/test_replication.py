"""reference_node.protocol.replication, peering and replay: the pure federation rules (docs/federation-api.md)."""

from __future__ import annotations

import hashlib

import pytest

from reference_node.protocol import cid, peering, replay, replication
from reference_node.protocol.errors import ProtocolError
from reference_node.protocol.facts import body
from reference_node.protocol.hlc import Hlc

NODE = "stigmem://node-a.test/node/1"
NOW = 1_777_593_600_000


def fact(**fields):
    raw = {"id": "f-1", "entity": "stigmem://node-a.test/item/x", "relation": "test:value",
           "value": {"type": "string", "v": "x"}, "source": NODE, "scope": "public", "confidence": 1,
           "timestamp": "2026-05-01T00:00:00.000000Z", "hlc": f"{NOW:013d}.000", "valid_until": None, **fields}
    if "cid" not in fields:
        try:
            raw["cid"] = "sha256:" + hashlib.sha256(cid.preimage(body(raw))).hexdigest()
        except ProtocolError:
            raw["cid"] = None  # an invalid body has no CID; read_inbound refuses it before comparing
    return raw


@pytest.mark.parametrize(("source", "owned"), [
    (NODE, True),
    ("stigmem://node-a.test/agent/writer", True),
    ("stigmem://node-a.test.evil/agent/writer", False),
    ("stigmem://node-b.test/agent/writer", False),
    ("agent:writer", False),
    ("node-a.test:agent", False),
])
def test_source_ownership_by_authority(source, owned):
    assert replication.owns_source(NODE, source) is owned


def test_servable_rules():
    assert replication.servable_scopes(["local", "team", "company", "public"], ["local", "team", "public"]) == (
        "public",)
    assert replication.servable("user:a", "memory:x", None, None)
    for args in (("stigmem:conflict:1", "stigmem:conflict:status", None, None),
                 ("user:a", "stigmem:ttl", None, None), ("user:a", "Stigmem:x", None, None),
                 ("user:a", "memory:x", "g:1", None), ("user:a", "memory:x", None, NODE)):
        assert not replication.servable(*args)


def test_read_inbound_normalizes_and_checks_the_cid():
    good = replication.read_inbound(fact())
    assert isinstance(good, replication.Inbound) and good.hlc == Hlc(NOW, 0)
    shouting = fact(entity="stigmem://NODE-A.test/Item/X")
    shouting["cid"] = fact()["cid"]  # the origin hashed the normalized form
    assert isinstance(replication.read_inbound(shouting), replication.Inbound)
    for raw, reason in ((fact(cid="sha256:" + "0" * 64), "cid_mismatch"), (fact(cid=None), "cid_mismatch"),
                        (fact(hlc="abc"), "invalid_fact"), (fact(id="a:b"), "invalid_fact"),
                        (fact(id=7), "invalid_fact"), ("nope", "invalid_fact"),
                        (fact(timestamp="yesterday"), "invalid_fact"), (fact(valid_until=5), "invalid_fact"),
                        (fact(relation="stigmem:received_from"), "invalid_fact"),
                        (fact(scope="galaxy"), "invalid_fact"),
                        (fact(value={"type": "number", "v": "1"}), "invalid_fact")):
        rejected = replication.read_inbound(raw)
        assert isinstance(rejected, replication.Rejection), raw
        assert (rejected.event_type, rejected.reason) == ("rejected_fact", reason)


def test_admit_checks_scope_then_source_then_skew():
    inbound = replication.read_inbound(fact())
    assert isinstance(inbound, replication.Inbound)
    assert replication.admit(inbound, NODE, ["public"], NOW) is None
    assert replication.admit(inbound, NODE, ["public"], NOW - 300_000) is None  # exactly the bound
    assert replication.admit(inbound, NODE, ["public"], NOW - 300_001).reason == "hlc_skew"
    assert replication.admit(inbound, NODE, ["public"], NOW + 2_592_000_001).reason == "hlc_skew"
    over = replication.admit(inbound, NODE, ["company"], NOW)
    assert (over.event_type, over.reason) == ("scope_violation", "scope_violation")
    team = replication.read_inbound(fact(scope="team"))
    assert replication.admit(team, NODE, ["team", "public"], NOW).reason == "scope_violation"
    assert replication.admit(inbound, "stigmem://node-b.test/node/2", ["public"], NOW).reason == "source_not_owned"


def test_declarations_and_replay_rules():
    seed = bytes(range(32))
    doc = peering.declaration("http://127.0.0.1:1", NODE, ["public"], "2026-05-01T00:00:00Z", seed)
    assert peering.shape_problem(doc) is None
    discovered = {"node_id": NODE, "federation_pubkey": peering.public_key(seed)}
    assert peering.verification_failure(doc, discovered) is None
    assert peering.verification_failure({**doc, "signed_at": "2026-05-01T00:00:01Z"}, discovered) == (
        "signature_invalid")
    assert peering.verification_failure(doc, {**discovered, "node_id": "x"}) == "node_id_mismatch"
    assert peering.verification_failure(doc, None) == "discovery_invalid"
    assert peering.shape_problem({**doc, "rate_limit": {"facts_per_second": 0, "burst": 1}})
    assert peering.shape_problem({**doc, "allowed_scopes": ["public", "public"]})
    assert peering.authority(NODE) == "node-a.test" and peering.authority("user:a") is None
    assert replay.retain_until(exp_ms=NOW + 3_600_000, accepted_at_ms=NOW) == NOW + 3_600_000
    claims = replay.claims(NODE, "stigmem://b/node/2", NOW, "n", ["public"])
    assert claims["exp"] - claims["iat"] == replay.ISSUED_LIFETIME_MS
