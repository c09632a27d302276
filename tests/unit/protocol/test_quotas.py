"""Token-bucket arithmetic (reference_node/protocol/quotas.py; A20 §22.4): refill, spend, retry_after, defaults."""

from __future__ import annotations

from fractions import Fraction

import pytest

from reference_node.protocol import quotas
from reference_node.protocol.quotas import Limit, QuotaPolicyInvalid, take

S = 1_000_000


def _run(capacity: int, rate: str, times: list[int]) -> list[Fraction | None]:
    limit, bucket, out = Limit(capacity, Fraction(rate)), None, []
    for t in times:
        decision = take(bucket, "p", "fact_write", limit, t)
        bucket = decision.bucket
        out.append(decision.retry_after)
    return out


def test_the_worked_example_capacity_2_rate_1():
    # Two pass, the third waits (1 - 0) / 1 = 1 s, and passes one second later.
    assert _run(2, "1", [0, 0, 0, S]) == [None, None, Fraction(1), None]


def test_refill_is_capped_at_capacity_after_a_long_idle():
    assert _run(2, "1", [0, 0, 86_400 * S, 86_400 * S, 86_400 * S]) == [None, None, None, None, Fraction(1)]


def test_a_refusal_spends_nothing_and_keeps_the_refill():
    # At 0.25 s the bucket holds 0.25: wait 0.75 s; asking again changes nothing; at 1 s one token is whole.
    assert _run(1, "1", [0, S // 4, S // 4, S]) == [None, Fraction(3, 4), Fraction(3, 4), None]


def test_a_rate_of_0_1_makes_a_whole_token_after_ten_steps():
    # In doubles, ten additions of 0.1 fall short of 1.0; exactly, the tenth second admits the request.
    assert _run(1, "0.1", [n * S for n in range(11)])[-1] is None


def test_the_clock_stepping_back_adds_no_tokens():
    limit = Limit(1, Fraction(1))
    first = take(None, "p", "d", limit, 10 * S)
    back = take(first.bucket, "p", "d", limit, 5 * S)
    assert not back.accepted and back.retry_after == 1 and back.bucket.last_refill == 10 * S


def test_header_is_the_exact_ceiling():
    assert quotas.retry_after_header(Fraction(3)) == 3
    assert quotas.retry_after_header(Fraction(3_000_001, 1_000_000)) == 4
    assert quotas.retry_after_header(Fraction(1, 10**9)) == 1


def test_seed_per_minute_defaults_refill_each_ceiling_over_a_minute():
    table = quotas.defaults("seed-per-minute")
    assert set(table) == set(quotas.DIMENSIONS)
    assert table["fact_write"] == Limit(100, Fraction(5, 3))
    assert table["admin_action"] == Limit(10, Fraction(1, 6))
    assert table["recall"] == Limit(500, Fraction(25, 3))


def test_a20_and_upstream_tables():
    assert quotas.defaults("a20-table")["fact_write"] == Limit(100, Fraction(10))
    assert quotas.defaults("a20-table")["token_issue"] == Limit(20, Fraction(33, 100))
    assert quotas.defaults("upstream")["fact_read"] == Limit(5000, Fraction(5000, 3600))
    assert quotas.defaults("upstream")["admin_action"] == Limit(10, Fraction(1, 6))


@pytest.mark.parametrize("raw", [
    {"capacity": 0, "rate": 1}, {"capacity": 1.5, "rate": 1}, {"capacity": True, "rate": 1},
    {"capacity": 1, "rate": 0}, {"capacity": 1, "rate": -1}, {"capacity": 1, "rate": "1"},
    {"capacity": 1, "rate": float("inf")}, {"capacity": 1}, {"capacity": 1, "rate": 1, "x": 1}, [1, 1]])
def test_invalid_limits_are_refused(raw):
    with pytest.raises(QuotaPolicyInvalid):
        quotas.parse_limit("fact_write", raw)


def test_unknown_dimension_is_refused_and_decimal_rates_are_exact():
    with pytest.raises(QuotaPolicyInvalid):
        quotas.parse_limit("fact_writes", {"capacity": 1, "rate": 1})
    assert quotas.parse_limit("admin_action", {"capacity": 10, "rate": 0.17}).rate == Fraction(17, 100)


@pytest.mark.parametrize(("method", "path", "dimension"), [
    ("POST", "/v1/facts", "fact_write"), ("POST", "/v1/facts:batch", "fact_write"), ("GET", "/v1/facts", "fact_read"),
    ("HEAD", "/v1/facts", "fact_read"), ("GET", "/v1/facts/abc", "fact_read"), ("GET", "/v1/recall", "fact_read"),
    ("POST", "/v1/auth/keys", "token_issue"), ("GET", "/v1/auth/keys", None),
    ("GET", "/v1/admin/status", "admin_action"),
    ("PUT", "/v1/admin/quota-policy", "admin_action"), ("GET", "/v1/admin/audit-log", "audit_export"),
    ("GET", "/v1/gardens", None), ("GET", "/.well-known/stigmem", None), ("GET", "/v1/federation/facts", None)])
def test_route_dimensions(method, path, dimension):
    assert quotas.dimension_for(method, path) == dimension
