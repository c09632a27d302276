"""Batch assert, ``POST /v1/facts:batch`` (Spec-14; ADR-006; interpretation batch_assert): size cap, idempotency."""

from __future__ import annotations

from typing import Any

from conformance.checks.registry import Context, check, expect, expect_status

MAX_BATCH = 50  # ADR-006: STIGMEM_BATCH_MAX_FACTS = 50, the largest batch allowed


def _facts(ctx: Context, entity: str, n: int, tag: str = "v") -> list[dict[str, Any]]:
    return [ctx.fact(entity, f"{tag}{i}", relation=f"memory:{tag}{i}") for i in range(n)]


def _total(ctx: Context, entity: str) -> int:
    ex = ctx.query(entity=entity, limit="1")
    expect_status(ex, (200,))
    return int((ex.json or {}).get("total") or 0)


def _written_ids(ex: Any) -> list[str]:
    return [str(f.get("id")) for f in ((ex.json or {}).get("facts") or []) if isinstance(f, dict)]


@check("http:batch_max_size", ("STG-BATCH-011",), profile="batch")
def batch_max_size(ctx: Context) -> None:
    """The cap's edge: a batch of exactly 50 facts is written whole; one of 51 is refused and writes nothing."""
    full, over = ctx.unique("batch50"), ctx.unique("batch51")
    ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": _facts(ctx, full, MAX_BATCH)})
    expect_status(ex, (200,))
    expect(_total(ctx, full) == MAX_BATCH, f"a batch of {MAX_BATCH} facts stored {_total(ctx, full)}")
    ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": _facts(ctx, over, MAX_BATCH + 1)})
    expect(400 <= ex.status < 500, f"a batch of {MAX_BATCH + 1} facts answered {ex.brief()}")
    expect(_total(ctx, over) == 0, f"a refused batch of {MAX_BATCH + 1} facts stored {_total(ctx, over)}")


@check("http:batch_key_reuse_rejected", ("STG-BATCH-007", "STG-BATCH-005", "STG-BATCH-006"), profile="batch")
def batch_key_reuse_rejected(ctx: Context) -> None:
    """One Idempotency-Key: the same body again replays the first answer and writes nothing; the near misses, a body
    differing in one value and the same facts with the other atomic flag, are refused (409 or 422) and write
    nothing."""
    entity = ctx.unique("idem")
    key = {"Idempotency-Key": ctx.unique("idem-key")}
    body = {"facts": _facts(ctx, entity, 2), "atomic": True}
    first = ctx.request("POST", "/v1/facts:batch", json_body=body, headers=key)
    expect_status(first, (200,))
    again = ctx.request("POST", "/v1/facts:batch", json_body=body, headers=key)
    expect_status(again, (200,))
    expect(_written_ids(again) == _written_ids(first), f"retry answered {again.brief()}, first {first.brief()}")
    changed = {"facts": [body["facts"][0], ctx.fact(entity, "other", relation="memory:v1")]}
    reused = ctx.request("POST", "/v1/facts:batch", json_body=changed, headers=key)
    expect_status(reused, (409, 422))
    flipped = ctx.request("POST", "/v1/facts:batch", json_body={**body, "atomic": False}, headers=key)
    expect(flipped.status in (409, 422), f"the same facts with atomic false under the key answered {flipped.brief()}: "
                                         "another body, so 409 or 422, not a replay of the atomic batch")
    expect(_total(ctx, entity) == 2, f"after a retry and a refused reuse the entity holds {_total(ctx, entity)} facts")


@check("http:batch_key_per_api_key", ("STG-BATCH-012",), profile="batch", needs=("writer_local",))
def batch_key_per_api_key(ctx: Context) -> None:
    """Idempotency keys belong to the API key that used them: another key sending the same Idempotency-Key with
    its own body gets its own answer (its facts written), never the first caller's replay or a reuse error."""
    ctx.need_key("writer_local")
    entity = ctx.unique("idem-owner")
    key = {"Idempotency-Key": ctx.unique("shared-key")}
    first = ctx.request("POST", "/v1/facts:batch", json_body={"facts": _facts(ctx, entity, 1, "admin")},
                        headers=key)
    expect_status(first, (200,))
    other = ctx.request("POST", "/v1/facts:batch", key="writer_local", headers=key,
                        json_body={"facts": _facts(ctx, entity, 2, "local")})
    expect_status(other, (200,))
    expect(len(_written_ids(other)) == 2 and not set(_written_ids(other)) & set(_written_ids(first)),
           f"another key's batch under the same Idempotency-Key answered {other.brief()}")
    expect(_total(ctx, entity) == 3, f"the entity holds {_total(ctx, entity)} facts, expected 1 + 2")


@check("http:batch_failed_envelope", ("STG-BATCH-002", "STG-BATCH-001"), profile="batch")
def batch_failed_envelope(ctx: Context) -> None:
    """An atomic batch with one invalid item answers 422 batch_failed naming that item exactly, at the first, a
    middle and the last position (failed_at_index counts from 0), with facts_written 0; nothing is stored."""
    for position in (0, 2, 4):
        entity = ctx.unique(f"batchfail{position}")
        facts = _facts(ctx, entity, 5)
        facts[position] = {**facts[position], "confidence": 1.5}
        ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": facts, "atomic": True})
        body = ex.json if isinstance(ex.json, dict) else {}
        expect(ex.status == 422 and body.get("error") == "batch_failed",
               f"a batch with item {position} invalid answered {ex.brief()}")
        expect(body.get("failed_at_index") == position,
               f"item {position} was invalid; failed_at_index is {body.get('failed_at_index')!r}")
        expect(body.get("facts_written") == 0, f"facts_written {body.get('facts_written')!r} on a failed batch")
        expect(_total(ctx, entity) == 0, f"a failed atomic batch stored {_total(ctx, entity)} facts")


@check("http:batch_response_shape", ("STG-BATCH-010", "STG-BATCH-004"), profile="batch")
def batch_response_shape(ctx: Context) -> None:
    """A successful batch answers one record per item in request order, each the single-assert record (its id
    readable, its entity normalized, its CID the one a single assert of the same body gets)."""
    entity = ctx.unique("batchshape")
    facts = _facts(ctx, entity, 3)
    facts[1] = {**facts[1], "entity": entity.replace("stigmem://conformance.test", "stigmem://Conformance.TEST")}
    ex = ctx.request("POST", "/v1/facts:batch", json_body={"facts": facts})
    expect_status(ex, (200,))
    records = [f for f in ((ex.json or {}).get("facts") or []) if isinstance(f, dict)]
    expect(len(records) == 3, f"a batch of 3 answered {len(records)} records")
    for sent, got in zip(facts, records, strict=False):
        expect(got.get("relation") == sent["relation"] and got.get("value") == sent["value"],
               f"records out of request order: sent {sent['relation']}, got {got.get('relation')}")
        expect(got.get("entity") == entity, f"batch item entity {got.get('entity')!r}, want normalized {entity!r}")
        again = ctx.request("POST", "/v1/facts", json_body=sent)
        expect(again.status == 200 and (again.json or {}).get("cid") == got.get("cid"),
               f"a single assert of batch item {sent['relation']} gave {again.brief()}")


@check("http:batch_idempotent_retry", ("STG-BATCH-005", "STG-BATCH-006"), profile="batch")
def batch_idempotent_retry(ctx: Context) -> None:
    """The same batch under the same idempotency key twice: the same ids, and the facts stored once."""
    entity = ctx.unique("batchretry")
    body = {"facts": _facts(ctx, entity, 3), "idempotency_key": f"retry-{ctx.run_id}-{entity[-6:]}"}
    first = ctx.request("POST", "/v1/facts:batch", json_body=body)
    second = ctx.request("POST", "/v1/facts:batch", json_body=body)
    expect_status(first, (200,))
    expect_status(second, (200,))
    expect(_written_ids(first) == _written_ids(second) and len(_written_ids(first)) == 3,
           f"a retried batch answered {_written_ids(second)}, first {_written_ids(first)}")
    expect(_total(ctx, entity) == 3, f"a batch retried under its key stored {_total(ctx, entity)} facts, not 3")
