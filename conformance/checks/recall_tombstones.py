"""Tombstones in recall and the graph, by scope and under legal hold (A20 §23.3; seed Architecture "Graph index and
recall pipeline").

STG-REC-021, STG-TOMB-011. A tombstone covers the scopes it names and no other; a legal hold keeps the data, not its
visibility: a normal recall never returns a fact of an entity under a legal-hold tombstone.
"""

from __future__ import annotations

import secrets
import time

from conformance.catalog.profiles import claimed
from conformance.checks.cards import TOMBSTONE_EFFECT_S
from conformance.checks.graph import _edge, _hops, neighbors
from conformance.checks.recall import _relation
from conformance.checks.recall_filters import found
from conformance.checks.registry import Context, Skip, check, expect
from conformance.checks.tombstones import issue


@check("http:recall_tombstone_scope_and_hold", requirements=("STG-REC-021", "STG-TOMB-011"), profile="recall")
def recall_tombstone_scope_and_hold(ctx: Context) -> None:
    """An entity tombstoned in team only stays a public neighbour and a public recall result, and leaves the team
    walk; an entity under a legal-hold tombstone is never recalled nor a neighbour."""
    if "tombstones" not in claimed(ctx.discovery):
        raise Skip("the node does not claim the tombstones profile")
    relation = _relation(ctx, "tscope")
    word = f"ts{secrets.token_hex(4)}"
    hub, teamed, held = (ctx.unique(n) for n in ("hub", "teamed", "held"))
    ids = {e: ctx.assert_fact(ctx.fact(e, f"{word} {n}", relation=relation, scope="public"))["id"]
           for n, e in enumerate((teamed, held))}
    for scope in ("public", "team"):
        _edge(ctx, hub, teamed, relation + ":link", "admin", scope=scope)
    _edge(ctx, hub, held, relation + ":link", "admin")
    expect(found(ctx, "admin", relation, word) == set(ids.values()), "before the tombstones recall does not find "
                                                                     "both facts (the check would be vacuous)")
    issue(ctx, teamed, ["team"])
    issue(ctx, held, "*", legal_hold=True)
    deadline = time.monotonic() + TOMBSTONE_EFFECT_S
    while teamed in _hops(neighbors(ctx, entity=hub, scope="team")) and time.monotonic() < deadline:
        time.sleep(0.5)
    expect(teamed not in _hops(neighbors(ctx, entity=hub, scope="team")),
           "the entity tombstoned in team is still a team neighbour")
    public = _hops(neighbors(ctx, entity=hub, scope="public"))
    expect(teamed in public, f"a team tombstone removed the entity from the public walk: {public}")
    expect(held not in public, "an entity under a legal-hold tombstone is a neighbour")
    got = found(ctx, "admin", relation, word, scope="public")
    expect(ids[teamed] in got, "a team tombstone removed the entity's public fact from recall")
    expect(ids[held] not in got, "recall returned a fact of an entity under a legal-hold tombstone")
