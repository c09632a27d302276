"""Expiry (valid_until), TTL meta-facts and the time-travel fail-closed rule (Spec-15 Expiry; Spec-X3)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

from conformance.checks.registry import Context, check, expect, expect_error, expect_status, ids


def _at(delta: timedelta, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return (datetime.now(UTC) + delta).strftime(fmt)


@check("http:expired_hidden", requirements=("STG-EXP-001",))
def expired_hidden(ctx: Context) -> None:
    """A fact whose valid_until has passed is left out of a default query."""
    entity = ctx.unique("expiry")
    gone = ctx.assert_fact(ctx.fact(entity, "old", valid_until=_at(-timedelta(seconds=1))))
    live = ctx.assert_fact(ctx.fact(entity, "new", relation="memory:other", valid_until=_at(timedelta(days=1))))
    got = ids(ctx.query(entity=entity))
    expect(gone["id"] not in got and live["id"] in got, f"default query returned {got}")


@check("http:include_expired", requirements=("STG-EXP-002",))
def include_expired(ctx: Context) -> None:
    """include_expired=true returns expired facts too."""
    entity = ctx.unique("expiry")
    gone = ctx.assert_fact(ctx.fact(entity, "old", valid_until="2001-01-01T00:00:00Z"))
    expect(gone["id"] in ids(ctx.query(entity=entity, include_expired=True)), "include_expired did not return it")


@check("http:expired_retained", requirements=("STG-EXP-003",))
def expired_retained(ctx: Context) -> None:
    """Expiry filters reads and never deletes: the fact stays readable by id."""
    gone = ctx.assert_fact(ctx.fact(ctx.unique("expiry"), "old", valid_until="2001-01-01T00:00:00Z"))
    expect_status(ctx.request("GET", f"/v1/facts/{gone['id']}"), (200,))


@check("http:expiry_boundary", requirements=("STG-EXP-004",), concurrent=True)
def expiry_boundary(ctx: Context) -> None:
    """A fact is visible while valid_until > now and hidden once now >= valid_until."""
    entity = ctx.unique("boundary")
    soon = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fact = ctx.assert_fact(ctx.fact(entity, "soon", valid_until=soon))
    expect(fact["id"] in ids(ctx.query(entity=entity)), "hidden before valid_until")
    deadline = datetime.fromisoformat(soon.replace("Z", "+00:00"))
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.05)
    expect(fact["id"] not in ids(ctx.query(entity=entity)), "visible after valid_until passed")


@check("http:expiry_instant_comparison", requirements=("STG-EXP-005",))
def expiry_instant_comparison(ctx: Context) -> None:
    """valid_until is compared as an instant: an offset or a fraction does not change the verdict."""
    entity = ctx.unique("instant")
    future_offset = (datetime.now(UTC) + timedelta(hours=3)).astimezone(timezone(timedelta(hours=-5)))
    past_offset = (datetime.now(UTC) - timedelta(hours=3)).astimezone(timezone(timedelta(hours=9)))
    future_text, past_text = future_offset.isoformat(timespec="seconds"), past_offset.isoformat(timespec="seconds")
    live = ctx.assert_fact(ctx.fact(entity, "a", valid_until=future_text))
    gone = ctx.assert_fact(ctx.fact(entity, "b", relation="memory:b", valid_until=past_text))
    got = ids(ctx.query(entity=entity))
    expect(live["id"] in got, f"future instant {future_text} treated as expired")
    expect(gone["id"] not in got, f"past instant {past_text} treated as live")


@check("http:expiry_confidence_orthogonal", requirements=("STG-EXP-006",))
def expiry_confidence_orthogonal(ctx: Context) -> None:
    """valid_until and confidence are independent: an expired certain fact stays certain."""
    gone = ctx.assert_fact(ctx.fact(ctx.unique("ortho"), "x", confidence=1.0, valid_until="2001-01-01T00:00:00Z"))
    read = ctx.request("GET", f"/v1/facts/{gone['id']}").json or {}
    expect(read.get("confidence") == 1.0, f"confidence changed to {read.get('confidence')!r}")


@check("http:valid_until_echoed", requirements=("STG-EXP-009",))
def valid_until_echoed(ctx: Context) -> None:
    """valid_until is echoed exactly as sent."""
    for text in ("2030-01-01T00:00:00Z", "2030-01-01T01:00:00.5+01:00"):
        record = ctx.assert_fact(ctx.fact(ctx.unique("echo"), valid_until=text))
        expect(record.get("valid_until") == text, f"sent {text!r}, got {record.get('valid_until')!r}")


@check("http:valid_until_validated", requirements=("STG-EXP-008",))
def valid_until_validated(ctx: Context) -> None:
    """A valid_until that is not an RFC 3339 instant is refused (400/422)."""
    for bad in ("tomorrow", "2030-01-01", 1893456000, "2030-13-01T00:00:00Z"):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(ctx.unique("bad"), valid_until=bad))
        expect_error(ex, (400, 422), None)


@check("http:ttl_meta_fact_accepted", requirements=("STG-EXP-007",))
def ttl_meta_fact_accepted(ctx: Context) -> None:
    """A stigmem:ttl meta-fact about a fact is accepted as a plain fact and hides nothing."""
    target = ctx.assert_fact(ctx.fact(ctx.unique("ttl")))
    ctx.assert_fact({"entity": f"stigmem://conformance.test/fact/{target['id']}", "relation": "stigmem:ttl",
                     "value": {"type": "datetime", "v": "2001-01-01T00:00:00Z"},
                     "source": "stigmem://conformance.test/agent/suite", "confidence": 1.0, "scope": "local"})
    expect(target["id"] in ids(ctx.query(entity=target["entity"])), "a TTL meta-fact hid its target")


@check("http:as_of_fail_closed", requirements=("STG-TT-001",))
def as_of_fail_closed(ctx: Context) -> None:
    """A default install answers as_of with 501 time_travel_plugin_not_loaded (or 403 when disabled)."""
    from conformance.checks.exchanges import default_install

    ctx = default_install(ctx)
    ex = ctx.query(entity=ctx.unique("asof"), as_of="2025-01-01T00:00:00Z")
    expect(ex.status in (501, 403), f"as_of was not refused: {ex.brief()}")
    expect(ex.code() in ("time_travel_plugin_not_loaded", "time_travel_plugin_disabled"), f"code {ex.code()!r}")
