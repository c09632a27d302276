"""Two real federating nodes (docs/federation-api.md): ``stigmem-reference-node --federation`` twice, as
subprocesses on port 0 under node-a.test and node-b.test, registered with each other through the routes, pulled
with ``POST /v1/admin/federation/pull``, stopped by PID (SIGTERM, exit 0). A FakePeer (tests/fakes/fake_peer.py)
plays a misbehaving third node. Peer tokens "from A" are signed with A's key read from A's database (white box).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from reference_node.protocol import base64url, peer_tokens

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
from fake_peer import FakePeer

NODE = [sys.executable, "-m", "reference_node.cli"]


@dataclass
class RunningNode:
    name: str
    db: Path
    process: subprocess.Popen[str]
    url: str = ""
    admin: dict[str, str] = field(default_factory=dict)
    node_id: str = ""
    client: httpx.Client | None = None

    def http(self) -> httpx.Client:
        assert self.client is not None
        return self.client

    def get(self, path: str, **kw):
        return self.http().get(path, headers=kw.pop("headers", self.admin), **kw)

    def post(self, path: str, **kw):
        return self.http().post(path, headers=kw.pop("headers", self.admin), **kw)

    def pull(self) -> dict[str, dict]:
        answer = self.post("/v1/admin/federation/pull")
        assert answer.status_code == 200, answer.text
        return {entry["node_id"]: entry for entry in answer.json()["peers"]}

    def sql(self, statement: str, *params):
        with sqlite3.connect(self.db, timeout=10) as conn:
            return conn.execute(statement, params).fetchall()


def _first_line(process: subprocess.Popen[str], timeout: float = 20) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else ""),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    return line[0].strip() if line else ""


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            return -9
    return process.returncode


def _start(name: str, tmp: Path) -> RunningNode:
    db = tmp / f"{name}.db"
    process = subprocess.Popen(
        [*NODE, "--db", str(db), "--host", "127.0.0.1", "--port", "0", "--federation", "--pull-interval", "3600",
         "--node-authority", f"node-{name}.test"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    node = RunningNode(name, db, process)
    line = _first_line(process)
    if not line.startswith("listening on "):
        _stop(process)
        raise AssertionError(f"node {name} did not start: {line!r}")
    node.url = line.removeprefix("listening on ")
    bootstrap = subprocess.run([*NODE, "keys", "bootstrap", "--db", str(db)], capture_output=True, text=True,
                               timeout=30, check=False)
    assert bootstrap.returncode == 0, bootstrap.stderr
    node.admin = {"Authorization": f"Bearer {bootstrap.stdout.strip()}"}
    node.client = httpx.Client(base_url=node.url, trust_env=False, timeout=15)
    node.node_id = node.http().get("/.well-known/stigmem").json()["node_id"]
    return node


@pytest.fixture(scope="module")
def nodes(tmp_path_factory) -> Iterator[dict[str, RunningNode]]:
    tmp = tmp_path_factory.mktemp("federation")
    started: dict[str, RunningNode] = {}
    try:
        for name in ("a", "b"):
            started[name] = _start(name, tmp)
        yield started
    finally:
        codes = {}
        for node in started.values():
            if node.client is not None:
                node.client.close()
            codes[node.name] = _stop(node.process)
    assert codes == {name: 0 for name in started}, codes


@pytest.fixture(scope="module")
def federated(nodes) -> dict[str, RunningNode]:
    a, b = nodes["a"], nodes["b"]
    for declarer, registrar in ((a, b), (b, a)):
        declared = declarer.get("/v1/federation/declaration", params={"allowed_scopes": "public,company"})
        assert declared.status_code == 200, declared.text
        registered = registrar.post("/v1/federation/peers", json=declared.json())
        assert (registered.status_code, registered.json()["status"]) == (201, "active"), registered.text
    return nodes


def a_token(a: RunningNode, b: RunningNode, **claims) -> str:
    """A peer token from A to B, signed with A's federation key (read from A's database)."""
    seed = base64url.decode(a.sql("SELECT seed FROM federation_keys WHERE retired_at IS NULL")[0][0])
    now = time.time_ns() // 1_000_000
    body = {"iss": a.node_id, "sub": b.node_id, "iat": now, "exp": now + 60_000, "nonce": str(uuid.uuid4()),
            "scopes": ["public", "company"], **claims}
    return peer_tokens.sign(body, seed)


def write(node: RunningNode, entity: str, value: str, scope: str = "public") -> dict:
    answer = node.post("/v1/facts", json={"entity": entity, "relation": "test:value", "scope": scope,
                                          "value": {"type": "string", "v": value},
                                          "source": f"stigmem://node-{node.name}.test/agent/writer"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_discovery_and_mutual_registration(federated):
    a, b = federated["a"], federated["b"]
    for node, other in ((a, b), (b, a)):
        doc = node.http().get("/.well-known/stigmem").json()
        assert doc["federation"] == "enabled" and "core-federation" in doc["profiles"]
        assert doc["node_id"].startswith(f"stigmem://node-{node.name}.test/node/")
        peers = node.get("/v1/federation/peers").json()["peers"]
        assert [(p["node_id"], p["status"], p["node_url"]) for p in peers] == [(other.node_id, "active", other.url)]
    again = b.post("/v1/federation/peers",
                   json=a.get("/v1/federation/declaration", params={"allowed_scopes": "public"}).json())
    assert (again.status_code, again.json()["error"]) == (409, "peer_already_registered")


def test_replication_follows_the_allowed_scopes(federated):
    a, b = federated["a"], federated["b"]
    entity = f"stigmem://node-a.test/test/scopes-{uuid.uuid4().hex[:8]}"
    written = {scope: write(a, entity, f"v-{scope}", scope) for scope in ("public", "company", "team", "local")}
    started = time.perf_counter()
    report = b.pull()[a.node_id]
    elapsed = time.perf_counter() - started
    assert (report["accepted"], report["rejected"], report["error"]) == (2, 0, None)
    assert elapsed < 2.0
    for scope in ("public", "company"):
        held = b.get(f"/v1/facts/{written[scope]['id']}").json()
        assert {k: held[k] for k in written[scope]} == written[scope]  # id, hlc, timestamp, source, cid preserved
    for scope in ("team", "local"):
        assert b.get(f"/v1/facts/{written[scope]['id']}").status_code == 404
    # received_from is written on B, scope local, and B never serves the replicated facts (relaying none).
    meta = b.get("/v1/facts", params={"entity": f"stigmem:fact:{written['public']['id']}"}).json()["facts"]
    assert [(m["relation"], m["value"]["v"], m["scope"]) for m in meta] == [
        ("stigmem:received_from", a.node_id, "local")]
    served = b.http().get("/v1/federation/facts", params={"limit": "500"},
                          headers={"Authorization": f"Bearer {a_token(a, b)}"}).json()
    served_ids = {f["id"] for f in served["facts"]}
    assert not served_ids & {w["id"] for w in written.values()}
    assert not any(f["relation"].startswith("stigmem:") or f["scope"] in ("local", "team") for f in served["facts"])


def test_re_pull_is_idempotent(federated):
    a, b = federated["a"], federated["b"]
    fact = write(a, f"stigmem://node-a.test/test/idem-{uuid.uuid4().hex[:8]}", "once")
    assert b.pull()[a.node_id]["accepted"] == 1
    before = b.sql("SELECT COUNT(*) FROM facts")[0][0], b.sql("SELECT COUNT(*) FROM conflicts")[0][0]
    assert b.pull()[a.node_id]["pulled"] == 0  # the persisted cursor
    b.sql("UPDATE federation_cursors SET cursor = NULL")  # a lost cursor: the whole history again
    again = b.pull()[a.node_id]
    assert again["pulled"] > 0 and (again["accepted"], again["rejected"]) == (0, 0)
    after = b.sql("SELECT COUNT(*) FROM facts")[0][0], b.sql("SELECT COUNT(*) FROM conflicts")[0][0]
    assert after == before
    assert b.sql("SELECT COUNT(*) FROM facts WHERE id = ?", fact["id"]) == [(1,)]


def test_split_brain_contradiction_surfaces_on_both_sides(federated):
    a, b = federated["a"], federated["b"]
    entity = f"stigmem://node-a.test/test/entity-{uuid.uuid4().hex[:8]}"
    fa, fb = write(a, entity, "from-a"), write(b, entity, "from-b")
    a.pull()
    b.pull()
    for node in (a, b):
        both = node.get("/v1/facts", params={"entity": entity, "include_contradicted": "true"}).json()["facts"]
        assert {f["id"]: f["contradicted"] for f in both} == {fa["id"]: True, fb["id"]: True}
        # default_query = seed-resolution: both nodes return the same winner, the higher (confidence, origin hlc).
        winner = max((fa, fb), key=lambda f: (f["confidence"], f["hlc"]))
        shown = node.get("/v1/facts", params={"entity": entity}).json()["facts"]
        assert [(f["id"], f["contradicted"]) for f in shown] == [(winner["id"], True)]
        pair = {fa["id"], fb["id"]}
        conflicts = [c for c in node.get("/v1/conflicts", params={"status": "unresolved", "limit": "500"}).json()[
            "conflicts"] if {c["fact_a"]["id"], c["fact_b"]["id"]} == pair]
        assert len(conflicts) == 1
    b.sql("UPDATE federation_cursors SET cursor = NULL")
    b.pull()
    conflicts = b.get("/v1/conflicts", params={"limit": "500"}).json()["conflicts"]
    assert sum({c["fact_a"]["id"], c["fact_b"]["id"]} == {fa["id"], fb["id"]} for c in conflicts) == 1


def test_token_replay_is_refused_and_audited(federated):
    a, b = federated["a"], federated["b"]
    token = a_token(a, b)
    headers = {"Authorization": f"Bearer {token}"}
    assert b.http().get("/v1/federation/facts", params={"limit": "1"}, headers=headers).status_code == 200
    replay = b.http().get("/v1/federation/facts", params={"limit": "1"}, headers=headers)
    assert (replay.status_code, replay.json()["error"]) == (401, "nonce_already_seen")
    events = b.get("/v1/federation/audit", params={"event_type": "replay_attempt"}).json()["events"]
    assert events[0]["reason"] == "nonce_already_seen" and events[0]["peer_node_id"] == a.node_id
    team = b.http().get("/v1/federation/facts", params={"scope": "team"},
                        headers={"Authorization": f"Bearer {a_token(a, b)}"})
    assert (team.status_code, team.json()["error"]) == (403, "scope_forbidden")


def test_misbehaving_peer_is_rejected_and_audited(federated):
    a = federated["a"]
    with_peer = FakePeer("peer-p.test").start()
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        registered = a.post("/v1/federation/peers", json=with_peer.declaration(["public"], signed_at=now))
        assert registered.json()["status"] == "active", registered.text
        good = with_peer.fact("good")
        bad = {
            "scope_violation": with_peer.fact("company", scope="company"),
            "source_not_owned": with_peer.fact("forged", source="stigmem://node-a.test/agent/writer"),
            "cid_mismatch": with_peer.fact("bad cid", wrong_cid=True),
        }
        with_peer.serve(good, *bad.values())
        report = a.pull()[with_peer.node_id]
        assert (report["pulled"], report["accepted"], report["rejected"]) == (4, 1, 3)
        assert with_peer.authorizations and with_peer.authorizations[0].startswith("Bearer ")
        claims = peer_tokens.read_claims(with_peer.authorizations[0].removeprefix("Bearer "))
        assert (claims["iss"], claims["sub"], claims["scopes"]) == (a.node_id, with_peer.node_id, ["public"])
        events = a.get("/v1/federation/audit", params={"peer_id": registered.json()["peer_id"]}).json()["events"]
        found = {e["fact_id"]: (e["event_type"], e["reason"]) for e in events}
        assert found == {bad["scope_violation"]["id"]: ("scope_violation", "scope_violation"),
                         bad["source_not_owned"]["id"]: ("rejected_fact", "source_not_owned"),
                         bad["cid_mismatch"]["id"]: ("rejected_fact", "cid_mismatch")}
        assert a.get(f"/v1/facts/{good['id']}").status_code == 200
        for fact in bad.values():
            assert a.get(f"/v1/facts/{fact['id']}").status_code == 404
    finally:
        with_peer.stop()
