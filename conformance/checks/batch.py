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
    """One Idempotency-Key: the same body again replays the first answer and writes nothing; the near miss, a body
    differing in one value, is refused (409 or 422) and writes nothing."""
    entity = ctx.unique("idem")
    key = {"Idempotency-Key": ctx.unique("idem-key")}
    body = {"facts": _facts(ctx, entity, 2)}
    first = ctx.request("POST", "/v1/facts:batch", json_body=body, headers=key)
    expect_status(first, (200,))
    again = ctx.request("POST", "/v1/facts:batch", json_body=body, headers=key)
    expect_status(again, (200,))
    expect(_written_ids(again) == _written_ids(first), f"retry answered {again.brief()}, first {first.brief()}")
    changed = {"facts": [body["facts"][0], ctx.fact(entity, "other", relation="memory:v1")]}
    reused = ctx.request("POST", "/v1/facts:batch", json_body=changed, headers=key)
    expect_status(reused, (409, 422))
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
