"""Per-principal quotas over HTTP with a frozen clock (api/quotas.py, storage/quotas.py; docs/http-api.md "Quotas")."""

from __future__ import annotations

import json

from reference_node.storage import audit_log

BOT = "stigmem://example.org/agent/bot"
OTHER = "stigmem://example.org/agent/other"
ADMIN = "stigmem://example.org/user/admin"


def _policy(node, admin, principal, **limits):
    return node.client.put("/v1/admin/quota-policy", headers=admin,
                           json={"principal": principal, "limits": {d: {"capacity": c, "rate": r}
                                                                    for d, (c, r) in limits.items()}})


def _breaches(node):
    with node.store.db.reading() as conn:
        return [e.public() for e in audit_log.page(conn, None, 100, ("quota_breach",))]


def test_capacity_2_rate_1_under_a_frozen_clock(make_node, clock, body):
    node = make_node()
    admin, bot = node.key(("admin",), entity=ADMIN), node.key(("read", "write"), entity=BOT)
    assert _policy(node, admin, BOT, fact_write=(2, 1)).status_code == 200
    assert [node.client.post("/v1/facts", headers=bot, json=body(f"v{n}")).status_code for n in range(2)] == [201, 201]
    refused = node.client.post("/v1/facts", headers=bot, json=body("v2"))
    assert refused.status_code == 429
    assert refused.json() == {"error": "quota_exceeded", "dimension": "fact_write", "principal": BOT,
                              "retry_after": 1.0}
    assert refused.headers["retry-after"] == "1"
    clock.advance(1_000_000)
    assert node.client.post("/v1/facts", headers=bot, json=body("v3")).status_code == 201
    [event] = _breaches(node)
    assert event["outcome"] == "denied" and event["actor_entity"] == BOT
    assert event["metadata"] == {"dimension": "fact_write", "principal": BOT, "retry_after": 1.0}


def test_fractional_retry_after_and_header(make_node, clock, body):
    node = make_node()
    admin, bot = node.key(("admin",), entity=ADMIN), node.key(("read", "write"), entity=BOT)
    _policy(node, admin, BOT, fact_read=(1, 0.33))
    assert node.client.get("/v1/facts", headers=bot).status_code == 200
    clock.advance(1_000_000)  # 0.33 token: wait 0.67 / 0.33 s
    refused = node.client.get("/v1/facts", headers=bot)
    assert refused.json()["retry_after"] == 67 / 33 and refused.headers["retry-after"] == "3"


def test_one_principal_exhausted_leaves_others_and_other_dimensions_alone(make_node, body):
    node = make_node()
    admin = node.key(("admin",), entity=ADMIN)
    bot, other = node.key(("read", "write"), entity=BOT), node.key(("read", "write"), entity=OTHER)
    _policy(node, admin, BOT, fact_write=(1, 0.01))
    _policy(node, admin, OTHER, fact_write=(1, 0.01))
    assert node.client.post("/v1/facts", headers=bot, json=body("a")).status_code == 201
    assert node.client.post("/v1/facts", headers=bot, json=body("b")).status_code == 429
    assert node.client.post("/v1/facts", headers=other, json=body("c")).status_code == 201
    assert node.client.get("/v1/facts", headers=bot).status_code == 200
    # A second key of the same entity shares its bucket (the principal is the entity URI).
    twin = node.key(("read", "write"), entity=BOT)
    assert node.client.post("/v1/facts", headers=twin, json=body("d")).status_code == 429


def test_policy_persists_across_a_restart_and_the_node_wide_one_applies_to_all(make_node):
    node = make_node()
    admin = node.key(("admin",), entity=ADMIN)
    assert _policy(node, admin, None, token_issue=(3, 0.5)).status_code == 200
    answer = _policy(node, admin, BOT, admin_action=(7, 2))
    assert answer.json()["overrides"] == {"admin_action": {"capacity": 7, "rate": 2.0}}
    node.restart()
    got = node.client.get("/v1/admin/quota-policy", headers=admin, params={"principal": BOT}).json()
    assert got["principal"] == BOT
    assert got["limits"]["admin_action"] == {"capacity": 7, "rate": 2.0}
    assert got["limits"]["token_issue"] == {"capacity": 3, "rate": 0.5}
    assert got["limits"]["fact_write"] == {"capacity": 100, "rate": 100 / 60}
    node_wide = node.client.get("/v1/admin/quota-policy", headers=admin).json()
    assert node_wide["principal"] is None and node_wide["overrides"] == {"token_issue": {"capacity": 3, "rate": 0.5}}


def test_invalid_policies_store_nothing(make_node):
    node = make_node()
    admin = node.key(("admin",), entity=ADMIN)
    for limits in ({"fact_write": {"capacity": 0, "rate": 1}}, {"fact_write": {"capacity": 1, "rate": 0}},
                   {"nope": {"capacity": 1, "rate": 1}},
                   {"fact_read": {"capacity": 5, "rate": 1}, "fact_write": {"capacity": 2.5, "rate": 1}}):
        answer = node.client.put("/v1/admin/quota-policy", headers=admin, json={"principal": BOT, "limits": limits})
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_quota_policy", limits
    got = node.client.get("/v1/admin/quota-policy", headers=admin, params={"principal": BOT}).json()
    assert got["overrides"] == {}


def test_non_admin_cannot_read_or_change_the_policy(make_node):
    node = make_node()
    bot = node.key(("read", "write"), entity=BOT)
    assert _policy(node, bot, BOT, fact_write=(1000, 1000)).status_code == 403
    assert node.client.get("/v1/admin/quota-policy", headers=bot).status_code == 403


def test_defaults_apply_without_a_policy(make_node, clock, body):
    # seed-per-minute: admin_action holds 10 tokens; the eleventh admin call at one instant waits 1 / (10/60) = 6 s.
    node = make_node()
    admin = node.key(("admin",), entity=ADMIN)
    codes = [node.client.get("/v1/admin/status", headers=admin).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    last = node.client.get("/v1/admin/status", headers=admin)
    assert last.headers["retry-after"] == "6" and last.json()["retry_after"] == 6.0
    assert len(_breaches(node)) == 2


def test_operator_flags_replace_defaults_and_can_turn_quotas_off(make_node, body):
    node = make_node(quota_limits=(("all", 1, 0.001),))
    bot = node.key(("read", "write"), entity=BOT)
    assert [node.client.get("/v1/facts", headers=bot).status_code for _ in range(2)] == [200, 429]
    off = make_node(quotas=False, quota_limits=(("all", 1, 0.001),))
    bot = off.key(("read", "write"), entity=BOT)
    assert [off.client.get("/v1/facts", headers=bot).status_code for _ in range(3)] == [200, 200, 200]


def test_bucket_state_is_stored_exactly_and_survives_a_restart(make_node, clock):
    """One worker keeps its buckets in memory and writes them at stop; the restarted node goes on from that level."""
    node = make_node()
    admin, bot = node.key(("admin",), entity=ADMIN), node.key(("read",), entity=BOT)
    _policy(node, admin, BOT, fact_read=(2, 0.1))
    node.client.get("/v1/facts", headers=bot)
    clock.advance(300_000)
    node.client.get("/v1/facts", headers=bot)
    assert node.app.state.quotas.buckets.backend == "memory"
    node.restart()
    with node.store.db.reading() as conn:
        row = conn.execute("SELECT current FROM quota_buckets WHERE principal = ? AND dimension = 'fact_read'",
                           (BOT,)).fetchone()
    assert row[0] == "3/100"  # 2 - 1 + 0.03 - 1
    assert json.loads(json.dumps(row[0])) == "3/100"
    refused = node.client.get("/v1/facts", headers=bot)  # 0.03 token: (1 - 0.03) / 0.1 = 9.7 s to wait
    assert refused.status_code == 429 and refused.json()["retry_after"] == 9.7


def test_own_override_beats_the_node_wide_one_which_beats_the_default(make_node, body):
    """The charge applies the principal's override first, then the node-wide one (one SELECT with the bucket)."""
    node = make_node()
    admin = node.key(("admin",), entity=ADMIN)
    bot, other = node.key(("read", "write"), entity=BOT), node.key(("read", "write"), entity=OTHER)
    assert _policy(node, admin, None, fact_write=(3, 0.01)).status_code == 200
    assert _policy(node, admin, BOT, fact_write=(1, 0.01)).status_code == 200
    bots = [node.client.post("/v1/facts", headers=bot, json=body(f"b{n}")).status_code for n in range(3)]
    others = [node.client.post("/v1/facts", headers=other, json=body(f"o{n}")).status_code for n in range(5)]
    assert bots == [201, 429, 429] and others == [201, 201, 201, 429, 429]
