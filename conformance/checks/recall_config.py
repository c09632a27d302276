"""Recall's operator settings on a node of the suite's own (A20 §20.2; seed Architecture "Memory cards"; the
migration guide's STIGMEM_EMBED_DIMENSIONS and STIGMEM_CARD_MAX_AGE_S).

STG-REC-032/033. The settings are the node's environment, so only the suite's reference node (no --target) is
started with them: 64 dimensions, the floor, run and are advertised, 63 are refused at start; a card older than
STIGMEM_CARD_MAX_AGE_S is served card_stale true although no fact changed.
"""

from __future__ import annotations

import time
from typing import Any

from conformance.checks.registry import CheckFailed, Context, Skip, check, expect, expect_status
from conformance.harness.embedded_node import EmbeddedNode, NodeStartFailed
from conformance.harness.http_target import HttpTarget

FLOOR = 64  # A20 §20.2: embed_dimensions_below_floor below this
MAX_AGE_S = 0.25  # STIGMEM_CARD_MAX_AGE_S (seconds, a number) for the node started here
AGE_SLACK_S = 0.25


def _card(target: HttpTarget, entity: str) -> dict[str, Any] | None:
    ex = target.request("POST", "/v1/recall", key=None, json_body={"query": "card", "entity": entity,
                                                                   "scope": "public", "token_budget": 5000, "depth": 0})
    expect_status(ex, (200,))
    card = (ex.json or {}).get("memory_card") if isinstance(ex.json, dict) else None
    return card if isinstance(card, dict) else None


@check("http:recall_settings_edges", requirements=("STG-REC-032", "STG-REC-033"), profile="recall", isolated=True)
def recall_settings_edges(ctx: Context) -> None:
    """Started with STIGMEM_EMBED_DIMENSIONS=64 and STIGMEM_CARD_MAX_AGE_S=0.25 the node runs, advertises embedding
    dimensions 64, and serves a card no fact changed fresh at once (and asked again within 0.25 s) and card_stale
    true once older than that;
    started with 63 dimensions it refuses to run."""
    if not ctx.embedded:
        raise Skip("the settings are the node's environment: only the suite's own reference node is started with them")
    env = {"STIGMEM_EMBED_DIMENSIONS": str(FLOOR), "STIGMEM_CARD_MAX_AGE_S": str(MAX_AGE_S)}
    try:
        node = EmbeddedNode(auth="none", extra_args=EmbeddedNode.FAST_TIMEOUTS, env=env).start()
    except NodeStartFailed as exc:
        raise CheckFailed(f"a node with STIGMEM_EMBED_DIMENSIONS={FLOOR} (the floor) did not start: {exc}") from exc
    try:
        target = HttpTarget(node.url, timeout=10.0)
        try:
            found = target.request("GET", "/.well-known/stigmem", key=None)
            embedding = (found.json or {}).get("embedding") if isinstance(found.json, dict) else None
            expect(isinstance(embedding, dict) and embedding.get("dimensions") == FLOOR,
                   f"with STIGMEM_EMBED_DIMENSIONS={FLOOR} discovery's embedding is {embedding!r}")
            entity = ctx.unique("cardage")
            expect_status(target.request("POST", "/v1/facts", key=None,
                                         json_body=ctx.fact(entity, "aging note", scope="public")), (201,))
            asked = time.monotonic()
            first = _card(target, entity)
            built = time.monotonic()
            expect(first is not None and first.get("card_stale") is False,
                   f"a card just built is not served fresh: {first!r}")
            again = _card(target, entity)
            if time.monotonic() - asked < MAX_AGE_S:  # judged only when the card is surely younger than the age
                expect(again is not None and again.get("card_stale") is False,
                       f"a card younger than STIGMEM_CARD_MAX_AGE_S={MAX_AGE_S} s, asked again at once, is served "
                       f"card_stale {None if again is None else again.get('card_stale')!r} (seconds read as ms?)")
            time.sleep(max(0.0, built + MAX_AGE_S + AGE_SLACK_S - time.monotonic()))
            aged = _card(target, entity)
            expect(aged is not None and aged.get("card_stale") is True,
                   f"a card over STIGMEM_CARD_MAX_AGE_S={MAX_AGE_S} s old is served card_stale "
                   f"{None if aged is None else aged.get('card_stale')!r}")
        finally:
            target.close()
    finally:
        node.stop()
    try:
        below = EmbeddedNode(auth="none", env={"STIGMEM_EMBED_DIMENSIONS": str(FLOOR - 1)}, start_timeout=10.0).start()
    except NodeStartFailed:
        return
    below.stop()
    raise CheckFailed(f"a node with STIGMEM_EMBED_DIMENSIONS={FLOOR - 1}, below the floor, started")
