"""Federation routes in process (docs/federation-api.md): discovery, declarations, registration, approval, peer
tokens in their documented order, the persistent nonce cache, the pull page, ingest through the admin trigger, the
audit log, push 405, and every answer against schemas/openapi.json. The node runs on a frozen clock; the other side
is a FakePeer (tests/fakes/fake_peer.py) serving over loopback HTTP.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest

import reference_node.storage
from reference_node.protocol import base64url, signatures
from reference_node.protocol.replication import servable

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
from fake_peer import FakePeer

_spec = importlib.util.spec_from_file_location("openapi_checks", Path(__file__).with_name("test_http_openapi.py"))
assert _spec is not None and _spec.loader is not None
openapi_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(openapi_checks)

T0_MS = 1_777_593_600_000  # conftest T0_US in milliseconds


@pytest.fixture
def peers():
    started: list[FakePeer] = []

    def make(authority: str = "peer-p.test") -> FakePeer:
        peer = FakePeer(authority).start()
        started.append(peer)
        return peer

    yield make
    for peer in started:
        peer.stop()


@pytest.fixture
def fed(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    node.admin = node.key(("read", "write", "admin"))
    return node


def answers(*responses):
    for response in responses:
        openapi_checks.check(response)
    return responses


def node_id(node) -> str:
    return node.client.get("/.well-known/stigmem").json()["node_id"]


def register(node, peer: FakePeer, scopes=("public", "company")):
    answer = node.client.post("/v1/federation/peers", json=peer.declaration(list(scopes)), headers=node.admin)
    answers(answer)
    assert answer.status_code == 201, answer.text
    return answer.json()


def pull_page(node, peer: FakePeer, params=None, **token):
    headers = {"Authorization": f"Bearer {peer.token(node_id(node), ['public', 'company'], iat=T0_MS, **token)}"}
    return answers(node.client.get("/v1/federation/facts", params=params or {}, headers=headers))[0]


def sql(node, statement, *params):
    with sqlite3.connect(node.settings.db_path) as conn:
        return conn.execute(statement, params).fetchall()


def fact_body(value, scope="public", source="stigmem://node-a.test/agent/writer", **fields):
    return {"entity": "stigmem://node-a.test/test/e", "relation": "test:value",
            "value": {"type": "string", "v": value}, "source": source, "scope": scope, **fields}


def test_discovery_says_federation_enabled(fed, make_node):
    doc = answers(fed.client.get("/.well-known/stigmem"))[0].json()
    assert doc["federation"] == "enabled" and len(doc["federation_pubkey"]) == 43
    assert doc["federation_version"] == "0.9.0a" and "core-federation" in doc["profiles"]
    assert doc["federation_endpoints"] == {"peers": "/v1/federation/peers", "facts": "/v1/federation/facts",
                                           "push": None}
    assert doc["node_id"].startswith("stigmem://node-a.test/node/")
    fed.restart()  # the key is kept in the database
    assert fed.client.get("/.well-known/stigmem").json()["federation_pubkey"] == doc["federation_pubkey"]
    plain = make_node(auth="none")
    off = plain.client.get("/.well-known/stigmem").json()
    assert off["federation"] == "disabled" and "federation_pubkey" not in off
    assert "core-federation" not in off["profiles"]
    for method, path in (("GET", "/v1/federation/peers"), ("GET", "/v1/federation/facts"),
                         ("POST", "/v1/federation/facts/push"), ("POST", "/v1/admin/federation/pull")):
        refused = answers(plain.client.request(method, path))[0]
        assert (refused.status_code, refused.json()["error"]) == (404, "not_found")


def test_key_file(tmp_path, make_node):
    seed = bytes(range(32))
    (tmp_path / "key.b64").write_text(base64url.encode(seed) + "\n")
    (tmp_path / "key.hex").write_text(seed.hex())
    a = make_node(federation=True, federation_key_file=str(tmp_path / "key.b64"), auth="none")
    b = make_node(federation=True, federation_key_file=str(tmp_path / "key.hex"), auth="none")
    key_a = a.client.get("/.well-known/stigmem").json()["federation_pubkey"]
    assert key_a == b.client.get("/.well-known/stigmem").json()["federation_pubkey"]
    (tmp_path / "bad").write_text("nope")
    with pytest.raises(ValueError, match="not a PEM"):
        make_node(federation=True, federation_key_file=str(tmp_path / "bad"))


def test_own_declaration(fed):
    c = fed.client
    federate = fed.key(("federate",))
    got = answers(c.get("/v1/federation/declaration", params={"allowed_scopes": "public,company"},
                        headers=federate))[0].json()
    doc = c.get("/.well-known/stigmem").json()
    assert got["node_id"] == doc["node_id"] and got["federation_pubkey"] == doc["federation_pubkey"]
    assert got["allowed_scopes"] == ["company", "public"] and got["node_url"] == doc["node_url"]
    signatures.verify("peer_declaration", got, doc["federation_pubkey"])
    assert c.get("/v1/federation/declaration", headers=federate).json()["allowed_scopes"] == ["public"]
    for bad in ("local", "galaxy", ""):
        refused = answers(c.get("/v1/federation/declaration", params={"allowed_scopes": bad}, headers=federate))[0]
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_parameter")
    answers(c.get("/v1/federation/declaration"))
    forbidden = answers(c.get("/v1/federation/declaration", headers=fed.key(("read", "write"))))[0]
    assert forbidden.status_code == 403


def test_registration_verifies_against_discovery(fed, peers):
    c, admin = fed.client, fed.admin
    good = peers("peer-good.test")
    registered = register(fed, good)
    assert registered["status"] == "active" and registered["verified_at"]
    again = answers(c.post("/v1/federation/peers", json=good.declaration(["public"]), headers=admin))[0]
    assert (again.status_code, again.json()["error"]) == (409, "peer_already_registered")
    listed = answers(c.get("/v1/federation/peers", headers=fed.key(("federate",))))[0].json()["peers"]
    assert [(p["node_id"], p["status"], p["allowed_scopes"]) for p in listed] == [
        (good.node_id, "active", ["public", "company"])]

    other = FakePeer("peer-other.test")  # a key the discovery document does not publish
    impostor = peers("peer-impostor.test")
    wrong_key = signatures.sign("peer_declaration", {
        "node_url": impostor.url, "node_id": impostor.node_id, "federation_pubkey": other.pubkey,
        "allowed_scopes": ["public"], "signed_at": "2026-05-01T00:00:00Z"}, other.seed)
    tampered = {**peers("peer-tampered.test").declaration(["public"]), "allowed_scopes": ["public", "company"]}
    local = peers("peer-local.test").declaration(["local"])
    gone = peers("peer-gone.test")
    unreachable = gone.declaration(["public"])
    gone.stop()
    expected = {"pubkey_mismatch": wrong_key, "signature_invalid": tampered, "scope_invalid": local,
                "discovery_unreachable": unreachable}
    for reason, declaration in expected.items():
        answer = answers(c.post("/v1/federation/peers", json=declaration, headers=admin))[0]
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "rejected" and answer.json()["rejected_reason"] == reason
    listed = {p["node_id"]: p for p in c.get("/v1/federation/peers", headers=admin).json()["peers"]}
    assert listed[impostor.node_id]["status"] == "rejected" and listed[impostor.node_id]["rejected_at"]
    # A rejected peer may register again, and keeps its peer_id.
    retry = register(fed, impostor, ["public"])
    assert retry["status"] == "active" and retry["peer_id"] == listed[impostor.node_id]["peer_id"]

    me = c.get("/v1/federation/declaration", headers=admin).json()
    assert answers(c.post("/v1/federation/peers", json=me, headers=admin))[0].json()["rejected_reason"] == (
        "own_node_id")
    for bad in ({**good.declaration(["public"]), "extra": 1}, {"node_url": "x"}, [],
                {**good.declaration(["public"]), "node_id": "not formal"}):
        refused = answers(c.post("/v1/federation/peers", json=bad, headers=admin))[0]
        assert (refused.status_code, refused.json()["error"]) == (422, "invalid_declaration")
    assert answers(c.post("/v1/federation/peers", content=b"{", headers=admin))[0].status_code == 400
    assert answers(c.post("/v1/federation/peers", json={}, headers=fed.key(("read",))))[0].status_code == 403
    assert answers(c.get("/v1/federation/peers"))[0].status_code == 401


def test_peer_approval_gate(make_node, peers):
    node = make_node(federation=True, peer_approval=True)
    node.admin = node.key(("read", "write", "admin"))
    peer = peers()
    registered = register(node, peer)
    assert registered["status"] == "pending_approval"
    refused = pull_page(node, peer)
    assert (refused.status_code, refused.json()["error"]) == (401, "unknown_peer")
    path = f"/v1/federation/peers/{registered['peer_id']}/approve"
    assert answers(node.client.post(path, headers=node.key(("federate",))))[0].status_code == 403
    approved = answers(node.client.post(path, json={"pubkey_fingerprint": "ignored"}, headers=node.admin))[0]
    assert approved.json() == {"peer_id": registered["peer_id"], "status": "active"}
    again = answers(node.client.post(path, headers=node.admin))[0]
    assert (again.status_code, again.json()["error"]) == (409, "peer_not_pending")
    missing = answers(node.client.post("/v1/federation/peers/nope/approve", headers=node.admin))[0]
    assert (missing.status_code, missing.json()["error"]) == (404, "peer_not_found")
    assert pull_page(node, peer).status_code == 200


def test_token_checks_in_order_and_audited(fed, peers):
    peer, stranger = peers(), peers("peer-stranger.test")
    register(fed, peer)
    me = node_id(fed)
    c = fed.client

    def present(token):
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return answers(c.get("/v1/federation/facts", headers=headers))[0]

    nonce = str(uuid.uuid4())
    cases = [
        (None, "token_malformed"),
        (fed.admin["Authorization"].removeprefix("Bearer "), "token_malformed"),
        ("a.b.c", "token_malformed"),
        (stranger.token(me, ["public"], iat=T0_MS), "unknown_peer"),
        (peer.token(me, ["public"], iat=T0_MS, seed=stranger.seed), "signature_invalid"),
        (peer.token("stigmem://elsewhere.test/node/x", ["public"], iat=T0_MS), "token_wrong_audience"),
        (peer.token(me, ["public"], iat=T0_MS, lifetime_ms=3_600_001), "token_lifetime_exceeded"),
        (peer.token(me, ["public"], iat=T0_MS + 30_001), "token_not_yet_valid"),
        (peer.token(me, ["public"], iat=T0_MS - 60_001, lifetime_ms=60_000), "token_expired"),
        (peer.token(me, ["public"], iat=T0_MS + 30_000, nonce=nonce), None),
        (peer.token(me, ["public"], iat=T0_MS - 60_000, lifetime_ms=60_000), None),
        (peer.token(me, ["public"], iat=T0_MS - 1, nonce=nonce), "nonce_already_seen"),
    ]
    for token, code in cases:
        answer = present(token)
        if code is None:
            assert answer.status_code == 200, answer.text
        else:
            assert (answer.status_code, answer.json()["error"]) == (401, code), code
            assert answer.headers["www-authenticate"] == "Bearer"
    fresh = peer.token(me, ["public"], iat=T0_MS)
    assert present(fresh).status_code == 200
    replay = present(fresh)
    assert (replay.status_code, replay.json()["error"]) == (401, "nonce_already_seen")
    events = answers(c.get("/v1/federation/audit", headers=fed.admin))[0].json()["events"]
    # The two identical replays (frozen clock: within the repeat window) share one row counting both.
    assert [e["reason"] for e in events for _ in range(e["count"])][::-1] == [
        code for _, code in cases if code] + ["nonce_already_seen"]
    replays = [e for e in events if e["event_type"] == "replay_attempt"]
    assert [e["count"] for e in replays] == [2] and replays[0]["peer_node_id"] == peer.node_id
    assert replays[0]["peer_id"] and replays[0]["at"] == replays[0]["last_at"]
    unknown = next(e for e in events if e["reason"] == "unknown_peer")
    assert unknown["peer_id"] is None and unknown["peer_node_id"] == stranger.node_id


def test_nonce_cache_keeps_until_max_of_exp_and_window_and_survives_restart(fed, peers):
    peer = peers()
    register(fed, peer)
    me = node_id(fed)

    def present(**claims):
        token = peer.token(me, ["public"], iat=fed.clock.now_us() // 1000, **claims)
        return fed.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {token}"})

    short, long = str(uuid.uuid4()), str(uuid.uuid4())
    assert present(nonce=short, lifetime_ms=10_000).status_code == 200
    long_token = peer.token(me, ["public"], iat=T0_MS, lifetime_ms=3_600_000, nonce=long)
    ok = fed.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {long_token}"})
    assert ok.status_code == 200
    fed.restart()
    again = fed.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {long_token}"})
    assert (again.status_code, again.json()["error"]) == (401, "nonce_already_seen")
    fed.clock.advance(299_000_000)  # past the short token's exp, inside accepted_at + 300 s
    assert present(nonce=short).json()["error"] == "nonce_already_seen"
    fed.clock.advance(2_000_000)  # past accepted_at + 300 s: the short nonce is forgotten
    assert present(nonce=short).status_code == 200
    assert present(nonce=long).json()["error"] == "nonce_already_seen"  # still before the long token's exp
    fed.clock.advance(3_400_000_000)
    assert present(nonce=long).status_code == 200
    stored = {row[0] for row in sql(fed, "SELECT nonce FROM federation_nonces")}
    assert stored == {long}  # pruned lazily: only the entry still retained is left


def test_pull_page_serves_only_what_the_peer_may_see(fed, peers):
    c, admin = fed.client, fed.admin
    peer = peers()
    register(fed, peer, ["public", "company"])
    written = {}
    for scope in ("public", "company", "team", "local"):
        written[scope] = c.post("/v1/facts", json=fact_body(f"v-{scope}", scope), headers=admin).json()
    conflict_pair = c.post("/v1/facts", json=fact_body("other"), headers=admin).json()
    ttl = {**fact_body("ttl"), "relation": "stigmem:ttl", "value": {"type": "number", "v": 5}}
    assert c.post("/v1/facts", json=ttl, headers=admin).status_code == 201
    page = pull_page(fed, peer, {"limit": "500"})
    served = page.json()
    ids = [f["id"] for f in served["facts"]]
    assert ids == [written["public"]["id"], written["company"]["id"], conflict_pair["id"]]
    assert all(servable(f["entity"], f["relation"], None, None) for f in served["facts"])
    assert set(served["facts"][0]) == {"id", "entity", "relation", "value", "source", "timestamp", "hlc",
                                       "confidence", "scope", "valid_until", "cid", "attested"}
    assert served["facts"][0]["attested"] is None  # interpretation source_attestation: the node does not attest
    assert served["has_more"] is False and served["cursor"]
    # Paging: limit 1 walks the same facts exactly once; the same cursor gives the same page.
    cursor, walked = None, []
    for _ in range(5):
        step = pull_page(fed, peer, {"limit": "1", **({"cursor": cursor} if cursor else {})}).json()
        walked += [f["id"] for f in step["facts"]]
        if not step["has_more"]:
            break
        assert pull_page(fed, peer, {"limit": "1", "cursor": step["cursor"]}).json() == pull_page(
            fed, peer, {"limit": "1", "cursor": step["cursor"]}).json()
        cursor = step["cursor"]
    assert walked == ids
    end = pull_page(fed, peer, {"cursor": served["cursor"]}).json()
    assert end == {"facts": [], "cursor": served["cursor"], "has_more": False}
    assert [f["scope"] for f in pull_page(fed, peer, {"scope": "company"}).json()["facts"]] == ["company"]
    for params, status, code in (({"scope": "team"}, 403, "scope_forbidden"), ({"scope": "x"}, 400,
                                 "invalid_parameter"), ({"cursor": "zzz"}, 400, "invalid_cursor"),
                                 ({"limit": "501"}, 400, "invalid_parameter")):
        refused = pull_page(fed, peer, params)
        assert (refused.status_code, refused.json()["error"]) == (status, code)
    violations = c.get("/v1/federation/audit", params={"event_type": "scope_violation"}, headers=admin).json()
    assert [e["reason"] for e in violations["events"]] == ["scope_forbidden"]


def test_pull_page_respects_the_token_scopes(fed, peers):
    peer = peers()
    register(fed, peer, ["public", "company"])
    fed.client.post("/v1/facts", json=fact_body("c", "company"), headers=fed.admin)
    token = peer.token(node_id(fed), ["public"], iat=T0_MS)
    page = fed.client.get("/v1/federation/facts", headers={"Authorization": f"Bearer {token}"}).json()
    assert page["facts"] == []
    token = peer.token(node_id(fed), ["public"], iat=T0_MS)
    refused = fed.client.get("/v1/federation/facts", params={"scope": "company"},
                             headers={"Authorization": f"Bearer {token}"})
    assert (refused.status_code, refused.json()["error"]) == (403, "scope_forbidden")


def test_ingest_through_the_trigger(fed, peers):
    c, admin = fed.client, fed.admin
    peer = peers()
    registered = register(fed, peer, ["public"])
    good = peer.fact("good", at_ms=T0_MS - 1000)
    ahead = peer.fact("ahead", at_ms=T0_MS, hlc_offset_ms=120_000)
    gardened = {**peer.fact("gardened", at_ms=T0_MS), "garden_id": "g:secret"}
    rejected = {
        "scope_violation": peer.fact("company", scope="company", at_ms=T0_MS),
        "source_not_owned": peer.fact("forged", source="stigmem://node-a.test/agent/admin", at_ms=T0_MS),
        "cid_mismatch": peer.fact("bad cid", wrong_cid=True, at_ms=T0_MS),
        "hlc_skew": peer.fact("future", at_ms=T0_MS, hlc_offset_ms=300_001),
        "invalid_fact": {**peer.fact("bad hlc", at_ms=T0_MS), "hlc": "17462304000000.000"},
    }
    past = peer.fact("past", at_ms=T0_MS - 2_592_000_001)
    peer.serve(good, *rejected.values(), past, ahead, gardened, {**good})  # the last one again: held by id
    report = answers(c.post("/v1/admin/federation/pull", json={}, headers=admin))[0].json()
    assert report == {"peers": [{"peer_id": registered["peer_id"], "node_id": peer.node_id, "pulled": 10,
                                 "accepted": 3, "rejected": 6, "error": None}]}
    assert fed.store.hlc.last is not None
    # The accepted fact 120 s ahead moved the clock past it; the rejected ones (301 s ahead) did not.
    assert fed.store.hlc.last.wall_ms == T0_MS + 120_000
    stored = c.get(f"/v1/facts/{good['id']}", headers=admin).json()
    assert {k: stored[k] for k in good} == good  # origin id, hlc, timestamp, source and cid preserved
    assert c.get(f"/v1/facts/{gardened['id']}", headers=admin).status_code == 200
    assert sql(fed, "SELECT garden_id, received_from FROM facts WHERE id = ?", gardened["id"]) == [
        (None, peer.node_id)]
    meta = c.get("/v1/facts", params={"entity": f"stigmem:fact:{good['id']}"}, headers=admin).json()["facts"]
    assert [(m["relation"], m["value"], m["source"], m["scope"]) for m in meta] == [
        ("stigmem:received_from", {"type": "ref", "v": peer.node_id}, "system:stigmem", "local")]
    events = c.get("/v1/federation/audit", params={"peer_id": registered["peer_id"]}, headers=admin).json()
    reasons = {e["fact_id"]: (e["event_type"], e["reason"]) for e in events["events"]}
    for reason, fact in rejected.items():
        event = "scope_violation" if reason == "scope_violation" else "rejected_fact"
        assert reasons[fact["id"]] == (event, reason)
    assert reasons[past["id"]] == ("rejected_fact", "hlc_skew")
    # Received facts are never served on (relaying none), and a re-pull is a no-op.
    served = pull_page(fed, peer).json()["facts"]
    assert not {good["id"], ahead["id"], gardened["id"]} & {f["id"] for f in served}
    again = c.post("/v1/admin/federation/pull", headers=admin).json()["peers"][0]
    assert (again["pulled"], again["accepted"], again["rejected"]) == (0, 0, 0)
    sql(fed, "UPDATE federation_cursors SET cursor = NULL")
    replayed = c.post("/v1/admin/federation/pull", headers=admin).json()["peers"][0]
    assert (replayed["pulled"], replayed["accepted"]) == (10, 0) and replayed["rejected"] == 6
    assert sql(fed, "SELECT COUNT(*) FROM facts WHERE id = ?", good["id"]) == [(1,)]


def test_pull_errors_back_off_and_leave_the_cursor(fed, peers):
    peer = peers()
    register(fed, peer, ["public"])
    peer.serve(peer.fact("one", at_ms=T0_MS))
    peer.fail_with = [503]
    failed = fed.client.post("/v1/admin/federation/pull", headers=fed.admin).json()["peers"][0]
    assert failed["error"].startswith("http 503") and failed["pulled"] == 0
    puller = fed.app.state.federation.puller
    assert puller._schedule[failed["peer_id"]].failures == 0  # a triggered pull leaves the schedule alone
    delays = [puller.backoff_s(n) for n in range(1, 12)]
    assert all(30 <= d <= 300 for d in delays) and max(delays) > 150 and delays[0] <= 60
    assert puller.backoff_s(1, retry_after=200) >= 200 and puller.backoff_s(1, retry_after=9999) <= 300
    ok = fed.client.post("/v1/admin/federation/pull", headers=fed.admin).json()["peers"][0]
    assert (ok["error"], ok["accepted"]) == (None, 1)
    peer.stop()
    down = fed.client.post("/v1/admin/federation/pull", headers=fed.admin).json()["peers"][0]
    assert down["error"].startswith("network:")
    assert answers(fed.client.post("/v1/admin/federation/pull", headers=fed.key(("federate",))))[0].status_code == 403


def test_push_is_not_supported(fed):
    refused = answers(fed.client.post("/v1/federation/facts/push", json={"facts": []}))[0]
    assert (refused.status_code, refused.json()["error"]) == (405, "method_not_allowed")


def test_audit_route_filters_and_pages(fed):
    c, admin = fed.client, fed.admin
    for _ in range(3):
        c.get("/v1/federation/facts")
        fed.clock.advance(61_000_000)  # past the repeat window: three rows
    first = answers(c.get("/v1/federation/audit", params={"limit": "2"}, headers=fed.key(("federate",))))[0].json()
    assert len(first["events"]) == 2 and first["cursor"]
    rest = c.get("/v1/federation/audit", params={"limit": "2", "cursor": first["cursor"]}, headers=admin).json()
    assert len(rest["events"]) == 1 and rest["cursor"] is None
    assert {e["id"] for e in first["events"]}.isdisjoint(e["id"] for e in rest["events"])
    assert c.get("/v1/federation/audit", params={"event_type": "replay_attempt"}, headers=admin).json() == {
        "events": [], "cursor": None}
    for params, code in (({"event_type": "x"}, "invalid_parameter"), ({"cursor": "a"}, "invalid_cursor"),
                         ({"limit": "0"}, "invalid_parameter")):
        refused = answers(c.get("/v1/federation/audit", params=params, headers=admin))[0]
        assert (refused.status_code, refused.json()["error"]) == (400, code)
    assert answers(c.get("/v1/federation/audit", headers=fed.key(("read",))))[0].status_code == 403


def test_federate_permission_on_keys(fed):
    created = answers(fed.client.post("/v1/auth/keys", json={"entity_uri": "user:op", "permissions": ["federate"]},
                                      headers=fed.admin))[0]
    assert created.status_code == 201 and created.json()["permissions"] == ["federate"]
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    assert fed.client.get("/v1/federation/peers", headers=headers).status_code == 200
    assert fed.client.get("/v1/facts", headers=headers).status_code == 403


def test_background_loop_pulls_and_stops_with_the_lifespan(make_node, peers):
    node = make_node(federation=True, pull_interval_s=0.1, pull_backoff_max_s=0.4)
    node.admin = node.key(("read", "write", "admin"))
    peer = peers()
    peer.serve(peer.fact("by the loop", at_ms=T0_MS))
    peer.fail_with = [503, 429]  # two failed pulls first: the loop backs off and retries
    with TestClient(node.app) as client:
        assert client.post("/v1/federation/peers", json=peer.declaration(["public"]),
                           headers=node.admin).json()["status"] == "active"
        deadline = time.monotonic() + 10
        held: list = []
        puller = node.app.state.federation.puller
        for _ in range(200):  # bounded: 200 polls and 10 s; the pull ends (and resets failures) after its commit
            held = sql(node, "SELECT COUNT(*) FROM facts WHERE received_from = ?", peer.node_id)
            done = [entry.failures for entry in puller._schedule.values()] == [0]
            if (held == [(1,)] and done) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert held == [(1,)]
        assert len(peer.authorizations) >= 3 and not peer.fail_with
        assert [entry.failures for entry in puller._schedule.values()] == [0]
        assert 0.1 <= puller.backoff_s(1) <= 0.2 and 0.2 <= puller.backoff_s(5) <= 0.4
        task = node.app.state.federation._task
        assert task is not None and not task.done()
    assert task.done() and node.app.state.federation._task is None


def test_cli_refuses_bad_federation_settings(tmp_path, capsys):
    from reference_node.cli import main

    db = str(tmp_path / "x.db")
    assert main(["--db", db, "--port", "0", "--federation", "--pull-interval", "0"]) == 1
    assert "pull-interval" in capsys.readouterr().err
    assert main(["--db", db, "--port", "0", "--federation", "--federation-key-file", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.startswith("error:")


def test_migration_stamps_existing_rows_and_keeps_facts_append_only(tmp_path, make_node, body):
    from importlib import resources

    from reference_node.clock import ManualClock
    from reference_node.storage import Store

    db = tmp_path / "old.db"
    initial = resources.files("reference_node.storage").joinpath("migrations", "0001_initial.sql").read_text()
    with sqlite3.connect(db) as conn:  # a database written before federation existed
        conn.executescript(initial + "\nCREATE TABLE schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT "
                           "NULL, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES ('0001', "
                           "'0001_initial.sql', 'x'); INSERT INTO node_state VALUES ('node_id', "
                           "'stigmem://old.test/node/1');")
        conn.execute("INSERT INTO facts (id, entity, relation, value_type, value_v, source, timestamp, "
                     "timestamp_us, hlc, confidence, scope, cid) VALUES ('f1', 'user:a', 'memory:x', 'string', "
                     "'\"v\"', 'agent:b', '2026-05-01T00:00:00.000000Z', 0, '1777593600000.000', 1.0, 'public', "
                     "NULL)")
    store = Store.open(str(db), ManualClock(T0_MS * 1000))
    try:
        assert [m["version"] for m in store.db.migrations()] == SHIPPED
        with store.db.reading() as conn:
            assert conn.execute("SELECT local_hlc, received_from FROM facts").fetchall() == [
                ("1777593600000.000", None)]
    finally:
        store.close()
    node = make_node(auth="none")
    node.client.post("/v1/facts", json=body())
    for column in ("local_hlc", "received_from", "origin_node_id"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            sql(node, f"UPDATE facts SET {column} = 'x'")


# Every migration the node ships, by version (an upgraded database ends with all of them applied).
SHIPPED = sorted(p.name[:4] for p in (Path(reference_node.storage.__file__).parent / "migrations").glob("*.sql"))


def test_pull_trigger_skips_the_named_node_ids(fed, peers):
    first, second = peers("peer-p.test"), peers("peer-q.test")
    for peer in (first, second):
        register(fed, peer, ["public"])
        peer.serve(peer.fact(f"from {peer.node_id}", at_ms=T0_MS))
    c, admin = fed.client, fed.admin
    report = answers(c.post("/v1/admin/federation/pull", json={"skip_node_ids": [first.node_id]}, headers=admin))
    assert [p["node_id"] for p in report[0].json()["peers"]] == [second.node_id]
    both = answers(c.post("/v1/admin/federation/pull", json={"skip_node_ids": []}, headers=admin))[0].json()
    assert {p["node_id"]: p["accepted"] for p in both["peers"]} == {first.node_id: 1, second.node_id: 0}
    for body in ({"skip_node_ids": "x"}, {"skip_node_ids": [1]}, {"peer_ids": []},
                 {"skip_node_ids": ["x"] * 10_001}):
        refused = answers(c.post("/v1/admin/federation/pull", json=body, headers=admin))[0]
        assert (refused.status_code, refused.json()["error"]) == (422, "invalid_body"), body
