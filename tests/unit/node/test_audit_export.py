"""The node-wide audit log over HTTP: events of each action, GET /v1/admin/audit-log, retention, key ages."""

from __future__ import annotations

import pytest

from reference_node.protocol.audit_events import SHAPES, problems
from reference_node.protocol.key_ages import key_age
from reference_node.settings import Settings
from reference_node.storage import audit_log

ADMIN = ("read", "write", "admin")
DAY_US = 86_400 * 1_000_000


def _export(node, headers, **params):
    response = node.client.get("/v1/admin/audit-log", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _events(node, headers, **params):
    return _export(node, headers, limit=5000, **params)["events"]


def test_each_action_leaves_its_event_with_its_fields(make_node, body):
    node = make_node()
    admin = node.key(ADMIN)
    fact = node.client.post("/v1/facts", json=body(), headers=admin).json()
    node.client.post("/v1/facts", json=body(confidence=0.0), headers=admin)
    node.client.post("/v1/facts:batch", json={"facts": [body("A"), body("B")]}, headers=admin)
    node.client.get(f"/v1/facts/{fact['id']}", headers=admin)
    node.client.get("/v1/facts", params={"entity": "stigmem://example.org/user/nobody"}, headers=admin)
    made = node.client.post("/v1/auth/keys", json={"entity_uri": "stigmem://example.org/agent/x",
                                                   "permissions": ["read"]}, headers=admin).json()
    node.client.delete(f"/v1/auth/keys/{made['id']}", headers=admin)
    node.client.post("/v1/gardens", json={"slug": "g1", "name": "G", "scope": "team"}, headers=admin)
    events = _events(node, admin)
    writes = [e["metadata"]["action"] for e in events if e["event_type"] == "fact_write"]
    assert writes == ["assert", "retract", "batch", "batch"]
    reads = [e for e in events if e["event_type"] == "fact_read"]
    assert [(e["metadata"]["route"], e["fact_id"]) for e in reads] == [("get", fact["id"])]  # the empty query: none
    actions = [e["metadata"]["action"] for e in events if e["event_type"] == "admin_action"]
    assert actions == ["audit_retention_set", "key_create", "key_revoke", "garden_create"]
    assert made["key"] not in str(events)
    for event in events:
        columns = {name: event[name] for name in ("actor_entity", "scope", "fact_id")}
        assert problems(event["event_type"], event["outcome"], columns, event["metadata"]) == []


def test_a_refused_write_leaves_no_event_and_a_failed_event_refuses_the_write(make_node, body, monkeypatch):
    node = make_node()
    admin = node.key(ADMIN)
    refused = node.client.post("/v1/facts", json=body(garden_id="no-such-garden"), headers=admin)
    assert refused.status_code == 404
    assert [e for e in _events(node, admin) if e["event_type"] == "fact_write"] == []

    def broken(*args, **kwargs):
        raise RuntimeError("audit sink unwritable")

    # STG-AUDIT-013: the write fails closed when its event cannot be written.
    monkeypatch.setattr(audit_log, "append", broken)
    node.client.raise_server_exceptions = False
    assert node.client.post("/v1/facts", json=body("lost"), headers=admin).status_code == 500
    monkeypatch.undo()
    facts = node.client.get("/v1/facts", params={"entity": "stigmem://example.org/user/alice"}, headers=admin)
    assert facts.json()["facts"] == []


def test_export_pages_filters_and_bounds(make_node, body, clock):
    node = make_node()
    admin = node.key(ADMIN)
    stamps = []
    for i in range(5):
        clock.advance(1_000)
        stamps.append(node.client.post("/v1/facts", json=body(f"v{i}"), headers=admin).json()["timestamp"])
    writes = _events(node, admin, event_type="fact_write")
    assert [e["timestamp"] for e in writes] == stamps
    seqs = [e["seq"] for e in writes]
    walked, cursor = [], None
    for _ in range(10):
        page = _export(node, admin, limit=2, event_type="fact_write", **({"cursor": cursor} if cursor else {}))
        walked += [e["seq"] for e in page["events"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert walked == seqs and cursor is None
    # after and before are exclusive.
    inside = _events(node, admin, event_type="fact_write", after=stamps[1], before=stamps[3])
    assert [e["timestamp"] for e in inside] == [stamps[2]]
    for bad in ({"limit": "0"}, {"limit": "5001"}, {"after": "soon"}, {"event_type": "Bad-Type"},
                {"cursor": "not-ours"}):
        response = node.client.get("/v1/admin/audit-log", headers=admin, params=bad)
        assert response.status_code == 400, bad
    assert node.client.get("/v1/admin/audit-log", headers=admin, params={"limit": "5000"}).status_code == 200


def test_export_is_admin_only_and_scope_bounded(make_node, body):
    node = make_node()
    admin = node.key(ADMIN)
    local_admin = node.key(("read", "write", "admin"), ["local"])
    assert node.client.get("/v1/admin/audit-log").status_code == 401
    assert node.client.get("/v1/admin/audit-log", headers=node.key(("read", "write"))).status_code == 403
    team = node.client.post("/v1/facts", json=body(scope="team"), headers=admin).json()
    local = node.client.post("/v1/facts", json=body(scope="local"), headers=admin).json()
    seen = {e["fact_id"] for e in _events(node, local_admin, event_type="fact_write")}
    assert local["id"] in seen and team["id"] not in seen


def test_seq_survives_a_restart(make_node, body):
    node = make_node()
    admin = node.key(ADMIN)
    node.client.post("/v1/facts", json=body("a"), headers=admin)
    first = max(e["seq"] for e in _events(node, admin))
    node.restart()
    node.client.post("/v1/facts", json=body("b"), headers=admin)
    after = [e["seq"] for e in _events(node, admin, event_type="fact_write")]
    assert after[-1] > first and after == sorted(after)


def test_retention_under_90_days_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 90"):
        Settings(db_path=str(tmp_path / "n.db"), audit_retention_days=89)
    assert Settings(db_path=str(tmp_path / "n.db"), audit_retention_days=90).audit_retention_days == 90


def test_rows_beyond_retention_are_pruned_at_start(make_node, body, clock):
    node = make_node(audit_retention_days=90)
    admin = node.key(ADMIN)
    node.client.post("/v1/facts", json=body("old"), headers=admin)
    clock.advance(91 * DAY_US)
    node.client.post("/v1/facts", json=body("new"), headers=admin)
    node.restart()
    writes = _events(node, admin, event_type="fact_write")
    assert [e["timestamp"] for e in writes] == [writes[-1]["timestamp"]]
    with node.store.db.reading() as conn:
        assert audit_log.retention(conn) == 90 * 86_400


def test_status_reports_key_ages_and_rotation(make_node, clock):
    node = make_node(federation=True)
    admin = node.key(ADMIN)
    clock.advance(3 * DAY_US)
    status = node.client.get("/v1/admin/status", headers=admin).json()
    assert [(k["kind"], k["age_days"]) for k in status["api_key_ages"]] == [("admin", 3)]
    [signing] = status["signing_keys"]
    assert (signing["rotation_days"], signing["rotation_due"], signing["age_days"]) == (365, False, 3)
    assert status["audit_log"] == {"retention_days": 365}


def test_key_age_rule():
    assert key_age("node_signing", 0, 365 * DAY_US - 1)["rotation_due"] is False
    assert key_age("node_signing", 0, 365 * DAY_US)["rotation_due"] is True
    assert key_age("capability_issuer", 0, 90 * DAY_US)["rotation_due"] is True
    assert key_age("api_key", 0, 10 * DAY_US) == {"role": "api_key", "age_days": 10, "rotation_days": None,
                                                   "rotate_by_us": None, "rotation_due": False}


def test_event_shapes_refuse_missing_fields():
    assert problems("fact_write", "success", {"actor_entity": "a", "scope": "local"}, {"action": "assert"}) == [
        "fact_write needs fact_id", "fact_write needs metadata.created"]
    assert problems("instruction_audit", "denied", {}, {}) == []  # a type without an entry: the common shape only
    assert problems("quota_breach", "denied", {}, {}) != []  # the breach names its principal, dimension, retry_after
    assert problems("Fact-Write", "ok", {}, {}) != []
    assert set(SHAPES) >= {"fact_write", "fact_read", "admin_action", "federation_connect", "replay_rejected"}


def test_federation_and_quarantine_events(make_node):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fakes"))
    from fake_peer import FakePeer

    from tests.unit.node.conftest import T0_US

    node = make_node(federation=True, node_authority="node-a.test", trust_mode="strict")
    admin = node.key(ADMIN, entity="stigmem://example.org/agent/root")
    peer = FakePeer("peer-p.test").start()
    try:
        refused = peer.fact("refused", at_ms=T0_US // 1000)  # no quarantine garden yet: rejected, audited
        assert node.client.post("/v1/federation/peers", json=peer.declaration(["public"]),
                                headers=admin).status_code == 201
        peer.serve(refused)
        node.client.post("/v1/admin/federation/pull", json={}, headers=admin)
        node.client.post("/v1/gardens", headers=admin,
                         json={"slug": "held", "name": "Held", "scope": "public", "quarantine": True})
        held, dropped = peer.fact("one", at_ms=T0_US // 1000), peer.fact("two", at_ms=T0_US // 1000)
        peer.serve(held, dropped)
        node.client.post("/v1/admin/federation/pull", json={}, headers=admin)
        node.client.post("/v1/gardens/held/promote", headers=admin, json={"fact_id": held["id"]})
        node.client.post("/v1/gardens/held/reject", headers=admin, json={"fact_id": dropped["id"], "reason": "no"})
    finally:
        peer.stop()
    events = _events(node, admin)
    connect = [e["metadata"]["decision"] for e in events if e["event_type"] == "federation_connect"]
    assert connect == ["active"]
    mirrored = [e for e in events if e["event_type"] == "rejected_fact"]
    assert [(e["fact_id"], e["metadata"]["reason"]) for e in mirrored] == [(refused["id"], "trust_below_threshold")]
    quarantine = [(e["event_type"], e["fact_id"]) for e in events if e["event_type"].startswith("quarantine_")]
    assert quarantine == [("quarantine_admit", held["id"]), ("quarantine_admit", dropped["id"]),
                          ("quarantine_promote", held["id"]), ("quarantine_reject", dropped["id"])]
    for event in events:
        columns = {name: event[name] for name in ("actor_entity", "scope", "fact_id")}
        assert problems(event["event_type"], event["outcome"], columns, event["metadata"]) == []
