"""Hypothesis properties of the suite's own oracles and of the reference core reached through the adapter protocol.

The reference core is never imported: it runs as ``python -m reference_node.adapter`` and is driven with the same
JSON lines the vector runner sends, so these are differential properties (oracle vs. implementation) as much as
algebraic ones. Bounded: small examples, a fixed example budget, no deadline (the machine is noisy).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import shlex
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.harness.stdio_adapter import StdioAdapter
from conformance.oracle import cid as cid_oracle
from conformance.oracle import contradictions as conf_oracle
from conformance.oracle import hlc as hlc_oracle
from conformance.oracle import jcs as jcs_oracle

BUDGET = settings(max_examples=60, deadline=None, print_blob=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ADAPTER = f"{shlex.quote(sys.executable)} -m reference_node.adapter"


@pytest.fixture(scope="module")
def core() -> Iterator[StdioAdapter]:
    with StdioAdapter(ADAPTER, timeout=30) as adapter:
        adapter.start()
        yield adapter


def call(core: StdioAdapter, op: str, payload: dict[str, Any]) -> Any:
    answer = core.call(op, payload, {})
    return answer.result if answer.kind == "result" else ("error", answer.code)


# --- strategies -------------------------------------------------------------------------------------------------

# Text without unpaired surrogates (I-JSON), including non-BMP characters that sort differently in UTF-16.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
FINITE = st.floats(allow_nan=False, allow_infinity=False)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | FINITE | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
SEGMENT = st.text(st.sampled_from("aZ09-._~ %/\tÉé€😀"), min_size=1, max_size=10)
URI = st.one_of(
    st.builds(lambda a, t, i: f"stigmem://{a}/{t}/{i}", st.sampled_from(["Example.ORG", "a.b", "x"]), SEGMENT,
              SEGMENT),
    st.builds(lambda s, r: f"{s}:{r}", st.sampled_from(["user", "Agent", "urn", "x-y"]), SEGMENT),
    st.builds(lambda pad, u: pad + u + pad, st.sampled_from(["", " ", "\t"]), st.just("stigmem://A/B/C D")),
)
VALUE = st.one_of(
    st.builds(lambda v: {"type": "string", "v": v}, TEXT),
    st.builds(lambda v: {"type": "number", "v": v}, st.integers(-1000, 1000) | FINITE),
    st.builds(lambda v: {"type": "boolean", "v": v}, st.booleans()),
    st.just({"type": "null", "v": None}),
)
BODY = st.fixed_dictionaries({
    "entity": st.sampled_from(["stigmem://example.org/user/alice", "user:bob"]),
    "relation": st.sampled_from(["memory:role", "memory:prefers"]),
    "value": VALUE,
    "source": st.just("agent:example"),
    "confidence": st.sampled_from([0.0, 0.25, 0.5, 1.0, 1, 0.1]),
    "scope": st.sampled_from(["local", "team", "company", "public"]),
})
HLC_STATE = st.tuples(st.integers(0, 10**13 - 1), st.integers(0, 999))


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's members in another order."""
    if isinstance(value, dict):
        items = [(k, _shuffled(v, rng)) for k, v in value.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def _same_json(a: Any, b: Any) -> bool:
    """JSON equality where 1 == 1.0 (JCS writes both as 1) but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# --- JCS ---------------------------------------------------------------------------------------------------------

@BUDGET
@given(JSON)
def test_jcs_oracle_idempotent_and_round_trips(value):
    once = jcs_oracle.dumps(value)
    assert jcs_oracle.canonicalize(once) == once
    assert _same_json(json.loads(once, parse_int=float), value)  # I-JSON: every number is a double


@BUDGET
@given(JSON, st.randoms(use_true_random=False))
def test_jcs_core_matches_oracle_whatever_the_input_spelling(core, value, rng):
    spelled = json.dumps(_shuffled(value, rng), ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1]))
    got = call(core, "jcs.canonicalize", {"input_hex": spelled.encode("utf-8").hex()})
    want = jcs_oracle.dumps(value)
    assert got == {"output_hex": want.hex()}
    again = call(core, "jcs.canonicalize", {"input_hex": want.hex()})
    assert again == {"output_hex": want.hex()}


# --- CIDs --------------------------------------------------------------------------------------------------------

@BUDGET
@given(BODY, st.randoms(use_true_random=False))
def test_cid_invariant_under_member_order_and_core_agrees(core, body, rng):
    want = cid_oracle.cid({**body, "entity": call(core, "entity_uri.normalize", {"uri": body["entity"]})["uri"]})
    assert cid_oracle.cid(_shuffled(body, rng) | {"entity": body["entity"]}) == cid_oracle.cid(body)
    for _ in range(2):
        assert call(core, "cid.compute", {"fact": _shuffled(body, rng)}) == {"cid": want}


# --- HLC ---------------------------------------------------------------------------------------------------------

@BUDGET
@given(HLC_STATE, HLC_STATE)
def test_hlc_string_order_is_numeric_order(core, a, b):
    sa, sb = hlc_oracle.fmt(a), hlc_oracle.fmt(b)
    numeric = (a > b) - (a < b)
    assert ((sa > sb) - (sa < sb)) == numeric
    assert call(core, "hlc.compare", {"a": sa, "b": sb}) == {"order": numeric}
    assert hlc_oracle.parse(sa) == a


@BUDGET
@given(st.integers(1_700_000_000_000, 1_800_000_000_000),
       st.lists(st.integers(-5_000, 5_000), min_size=1, max_size=40))
def test_hlc_ticks_strictly_increase_even_when_the_clock_goes_back(core, start, steps):
    now, events = start, []
    for step in steps:
        now += step
        events.append({"kind": "tick", "now_ms": now})
    outputs = call(core, "hlc.run", {"start": None, "events": events})["outputs"]
    hlcs = [o["hlc"] for o in outputs]
    assert all(a < b for a, b in itertools.pairwise(hlcs)), hlcs
    state = None
    for event, got in zip(events, hlcs, strict=True):
        state = hlc_oracle.tick(state, event["now_ms"])
        assert hlc_oracle.fmt(state) == got


# --- entity normalization ----------------------------------------------------------------------------------------

@BUDGET
@given(URI)
def test_normalization_is_idempotent(core, uri):
    first = call(core, "entity_uri.normalize", {"uri": uri})
    if isinstance(first, tuple):  # refused: refusing is deterministic too
        assert call(core, "entity_uri.normalize", {"uri": uri}) == first
        return
    assert call(core, "entity_uri.normalize", {"uri": first["uri"]}) == first


# --- contradiction preference ------------------------------------------------------------------------------------

FACT = st.builds(
    lambda i, v, c, ms, n: {"id": f"f{i}", "entity": "stigmem://example.org/user/alice", "relation": "memory:role",
                            "value": {"type": "string", "v": v}, "confidence": c, "scope": "company",
                            "hlc": hlc_oracle.fmt((1746230400000 + ms, n))},
    st.integers(0, 10**6), st.sampled_from(["CEO", "CTO"]), st.sampled_from([0.0, 0.5, 0.8, 1.0]),
    st.integers(0, 3), st.integers(0, 2))


def _key(fact: dict[str, Any]) -> tuple[float, tuple[int, int]]:
    return fact["confidence"], hlc_oracle.parse(fact["hlc"])


@BUDGET
@given(st.lists(FACT, min_size=1, max_size=7, unique_by=lambda f: f["id"]), st.randoms(use_true_random=False))
def test_preference_is_a_total_order_and_core_agrees(core, facts, rng):
    result = conf_oracle.evaluate(facts, {})
    [winner] = result["winners"]
    pool = [f for f in facts if f["id"] in result["contradicted"]] or facts
    keys = [_key(f) for f in pool] if result["contradicted"] else [(0, hlc_oracle.parse(f["hlc"])) for f in pool]
    best = max(keys)
    # Totality: every pair of candidates is comparable, and the winners are exactly the maximal ones.
    assert all((a <= b) or (b <= a) for a in keys for b in keys)
    assert winner["ids"] == sorted(f["id"] for f, k in zip(pool, keys, strict=True) if k == best)
    # Under pairwise conflicts the preferred facts do not depend on the order the facts were written in (under the
    # default conflict_cardinality=winner they may: which facts are contradicted depends on the winner of the time).
    permuted = facts[:]
    rng.shuffle(permuted)
    assert (conf_oracle.evaluate(permuted, {}, cardinality="pairwise")["winners"]
            == conf_oracle.evaluate(facts, {}, cardinality="pairwise")["winners"])
    assert call(core, "contradictions.evaluate", {"facts": facts}) == result
