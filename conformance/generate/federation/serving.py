"""Serving vectors: ``vectors/federation/serve.json``, which stored facts a peer may pull (STG-FED-023..028,
STG-PROV-005, interpretation relaying)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conformance.generate.federation.support import B_ID, NOTES, SCOPES, uuid_of
from conformance.generate.writer import Case, VectorFile, valid
from conformance.oracle import federation as federation_oracle

# --- federation.serve ------------------------------------------------------------------------------------------

def stored(label: str, scope: str = "public", **changes: Any) -> dict[str, Any]:
    fact: dict[str, Any] = {"id": label, "entity": "stigmem://node-a.example/user/alice",
                            "relation": "memory:role", "scope": scope, "garden_id": None, "received_from": None}
    fact.update(changes)
    return fact


def _serve_file() -> VectorFile:
    vf = VectorFile("federation", "serve",
                    "Which stored facts a peer may pull: the scope is in the peer's declared allowed_scopes and in "
                    "the token's scopes and is neither local nor team, and the fact is not a conflict entity, a "
                    "stigmem: meta-fact, garden-tagged or received from a peer. served lists the ids in input order.",
                    notes=NOTES)

    def add(desc: str, reqs: tuple[str, ...], flags: tuple[str, ...], facts: list[dict[str, Any]],
            declared: Sequence[str], token: Sequence[str], served: list[str],
            tags: Mapping[str, str] | None = None) -> None:
        model = federation_oracle.served(facts, declared, token)
        if model != served:
            raise AssertionError(f"{desc}: model says {model}, vector says {served}")
        vf.add(Case(desc, reqs, {"facts": facts, "allowed_scopes": list(declared), "token_scopes": list(token)},
                    valid(served=served), flags, dict(tags) if tags else None))

    mixed = [stored("p1"), stored("c1", "company"), stored("t1", "team"), stored("l1", "local"), stored("p2"),
             stored("c2", "company")]
    inter = ("STG-FED-023",)
    for desc, declared, token, served, reqs in [
        ("both granted", ("public", "company"), ("public", "company"), ["p1", "c1", "p2", "c2"],
         ("STG-FED-023", "STG-FED-026", "STG-FED-027")),
        ("a token for public only", ("public", "company"), ("public",), ["p1", "p2"], inter),
        ("a token for company only", ("public", "company"), ("company",), ["c1", "c2"], inter),
        ("a declaration of company only", ("company",), ("public", "company"), ["c1", "c2"],
         ("STG-FED-023", "STG-FED-026")),
        ("a declaration of public only", ("public",), ("public", "company"), ["p1", "p2"], inter),
        ("every scope declared and in the token", SCOPES, SCOPES, ["p1", "c1", "p2", "c2"],
         ("STG-FED-023", "STG-FED-024", "STG-FED-025")),
        ("team declared and in the token", ("team",), ("team",), [], ("STG-FED-025",)),
        ("local declared and in the token", ("local",), ("local",), [], ("STG-FED-024",)),
        ("team and public declared, team and company in the token", ("team", "public"), ("team", "company"), [],
         ("STG-FED-023", "STG-FED-025")),
        ("nothing declared", (), SCOPES, [], inter),
        ("a token without scopes", SCOPES, (), [], inter),
        ("disjoint declaration and token", ("company",), ("public",), [], inter),
    ]:
        add(f"Mixed scopes with {desc}", reqs, ("Served",), mixed, declared, token, served)
    add("Facts are served in input order", ("STG-FED-023",), ("Served",),
        [stored("z"), stored("a", "company"), stored("m")], ("public", "company"), ("company", "public"),
        ["z", "a", "m"])
    both = ("public", "company")
    never: list[tuple[str, dict[str, Any], tuple[str, ...], Mapping[str, str] | None]] = [
        ("a conflict entity", {"entity": "stigmem:conflict:" + uuid_of("conflict 1"), "relation": "conflict:note"},
         ("STG-FED-023",), None),
        ("a stigmem:received_from meta-fact", {"relation": "stigmem:received_from"}, ("STG-PROV-005",), None),
        ("a stigmem:resolves meta-fact", {"relation": "stigmem:resolves"}, ("STG-PROV-005",), None),
        ("a stigmem:ttl meta-fact", {"relation": "stigmem:ttl"}, ("STG-PROV-005",), None),
        ("a STIGMEM:TTL meta-fact in upper case", {"relation": "STIGMEM:TTL"}, ("STG-PROV-005",), None),
        ("a Stigmem:Received_From meta-fact in mixed case", {"relation": "Stigmem:Received_From"}, ("STG-PROV-005",),
         None),
        ("a garden-tagged fact", {"garden_id": "stigmem://node-a.example/garden/team-a"}, ("STG-FED-028",), None),
        ("a fact received from another peer", {"received_from": B_ID}, ("STG-FED-045",), {"relaying": "none"}),
    ]
    for desc, change, reqs, tags in never:
        for scope in ("public", "company"):
            add(f"A {scope} {desc} is never served", reqs, ("NeverServed",),
                [stored("plain", scope), stored("never", scope, **change)], both, both, ["plain"], tags)
    for desc, change in [("relation stigmemx:note", {"relation": "stigmemx:note"}),
                         ("relation stigmem without a colon", {"relation": "stigmem"}),
                         ("a formal entity of type conflict", {"entity": "stigmem://node-a.example/conflict/1"}),
                         ("entity stigmem:conflicts:1", {"entity": "stigmem:conflicts:1"}),
                         ("relation memory:stigmem:x", {"relation": "memory:stigmem:x"})]:
        add(f"A fact with {desc} is served", ("STG-FED-027",), ("Served",),
            [stored("plain"), stored("other", **change)], both, both, ["plain", "other"])
    return vf


def files() -> list[VectorFile]:
    return [_serve_file()]
