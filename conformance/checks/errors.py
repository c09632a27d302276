"""Error bodies, bad input, reserved names and normalization over HTTP (Spec-03; Spec-01; Spec-16)."""

from __future__ import annotations

import random

from conformance.checks.registry import Context, check, expect, expect_error, expect_status, ids


@check("http:error_envelope", requirements=("STG-HTTP-002",))
def error_envelope(ctx: Context) -> None:
    """Every error answer carries a machine-readable code (in error, detail.code or detail)."""
    probes = [ctx.request("GET", "/v1/facts/00000000-0000-4000-8000-000000000000"),
              ctx.request("POST", "/v1/facts", json_body=ctx.fact(ctx.unique("e"), scope="universe")),
              ctx.request("GET", "/v1/facts/sha256:abc"), ctx.query(limit="0")]
    for ex in probes:
        expect(ex.status >= 400 and bool(ex.code()), f"no error code: {ex.brief()}")
        if ctx.interpretations.get("error_envelope") == "error-detail":  # {"error": code, "detail": message}
            body = ex.json if isinstance(ex.json, dict) else {}
            expect(isinstance(body.get("error"), str) and "detail" in body,
                   f"not the {{error, detail}} envelope (A08 §2.6.4): {ex.brief()}")


@check("http:oversized_text_413", requirements=("STG-VAL-004",))
def oversized_text_413(ctx: Context) -> None:
    """A 2 MiB text value is stored (201) or refused with 413, whichever limit refuses it (text or body): a node
    that rejects text above its limit answers 413 (Spec-01 §FactValue), never another 4xx."""
    body = ctx.fact(ctx.unique("big"), "x" * (2 * 1024 * 1024), vtype="text")
    ex = ctx.request("POST", "/v1/facts", json_body=body)
    expect(ex.status in (201, 413), f"a 2 MiB text value answered {ex.brief()}, not 201 or 413")


@check("http:malformed_json_rejected", requirements=("STG-HTTP-003",))
def malformed_json_rejected(ctx: Context) -> None:
    """A body that is not JSON is 400, and the node keeps serving."""
    for raw in (b"{", b"{'a': 1}", b'{"entity": }', b"\xff\xfe", b"null x"):
        ex = ctx.request("POST", "/v1/facts", content=raw, headers={"Content-Type": "application/json"})
        expect(ex.status in (400, 422), f"body {raw!r}: {ex.brief()}")
    expect_status(ctx.target.request("GET", "/healthz", key=None), (200,))


@check("http:validation_never_5xx", requirements=("STG-HTTP-003",))
def validation_never_5xx(ctx: Context) -> None:
    """Two hundred malformed asserts (seeded, bounded) all get a 4xx, and nothing is stored."""
    rng = random.Random(ctx.run_id)
    entity = ctx.unique("fuzz")
    junk = [None, True, 0, -1, 1e308, "", " ", "\u0000", "x" * 300, [], {}, {"type": None}, ["a"], "\ud7ff"]
    fields = ("entity", "relation", "value", "source", "confidence", "scope", "valid_until")
    for _ in range(200):
        body = ctx.fact(entity)
        body[rng.choice(fields)] = rng.choice(junk)
        if rng.random() < 0.3:
            body[rng.choice(fields)] = rng.choice(junk)
        ex = ctx.request("POST", "/v1/facts", json_body=body)
        expect(ex.status < 500, f"5xx on {body}: {ex.brief()}")
    for f in (ctx.query(entity=entity, limit="500").json or {}).get("facts", []):
        expect(f.get("value", {}).get("type") in ("string", "text", "number", "boolean", "datetime", "ref", "null"),
               f"a malformed fact was stored: {f}")


@check("http:reserved_namespace_rejected", requirements=("STG-NS-002",))
def reserved_namespace_rejected(ctx: Context) -> None:
    """Client writes to system relations are 403 reserved_namespace; stigmem:ttl is allowed."""
    if ctx.interpretations.get("reserved_namespace", "reject") != "reject":
        return
    entity = ctx.unique("reserved")
    for relation in ("stigmem:conflict:status", "stigmem:conflict:between", "stigmem:resolves",
                     "stigmem:received_from", "garden:member"):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, relation=relation))
        expect_error(ex, (403,), "reserved_namespace")
    expect(not ids(ctx.query(entity=entity, include_contradicted=True)), "a refused reserved write was stored")


@check("http:system_source_rejected", requirements=("STG-NS-003",))
def system_source_rejected(ctx: Context) -> None:
    """A client cannot write as system:stigmem, nor as the node's named system sources under it (the memory-card
    generator, system:stigmem:card-generator; migrations, system:stigmem:migration)."""
    for source in ("system:stigmem", "system:stigmem:card-generator", "system:stigmem:migration"):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(ctx.unique("sys"), source=source))
        expect(ex.status in (400, 403, 422), f"{source} accepted as a client source: {ex.brief()}")


@check("http:normalized_on_write", requirements=("STG-URI-001",))
def normalized_on_write(ctx: Context) -> None:
    """Entity and source are stored normalized: the response and later reads carry the canonical form."""
    token = ctx.unique("norm").rsplit("/", 1)[1]
    raw = f"  STIGMEM://Conformance.Test/User/{token.upper()}  "
    record = ctx.assert_fact(ctx.fact(raw, source=" STIGMEM://Conformance.Test/Agent/Suite "))
    want = f"stigmem://conformance.test/user/{token}"
    expect(record.get("entity") == want, f"entity stored as {record.get('entity')!r}, expected {want!r}")
    expect(record.get("source") == "stigmem://conformance.test/agent/suite", f"source {record.get('source')!r}")


@check("http:normalized_on_query", requirements=("STG-URI-007",))
def normalized_on_query(ctx: Context) -> None:
    """entity and source query parameters are normalized before matching."""
    entity = ctx.unique("normq")
    made = ctx.assert_fact(ctx.fact(entity))
    variant = "  " + entity.replace("stigmem://conformance.test", "STIGMEM://CONFORMANCE.TEST").upper() + " "
    expect(ids(ctx.query(entity=variant)) == [made["id"]], f"query by {variant!r} missed the fact")
    src = " STIGMEM://Conformance.Test/Agent/SUITE "
    expect(made["id"] in ids(ctx.query(entity=entity, source=src)), "source parameter not normalized")


@check("http:invalid_entity_uri", requirements=("STG-URI-010",))
def invalid_entity_uri(ctx: Context) -> None:
    """A URI that fails normalization is 400 invalid_entity_uri."""
    for bad in ("   ", "stigmem://conformance.test/user/", "stigmem://conformance.test//x"):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(bad))
        expect_error(ex, (400,), "invalid_entity_uri")


@check("http:reification_accepted", requirements=("STG-NS-005",))
def reification_accepted(ctx: Context) -> None:
    """n-ary relationships via stigmem:rel:<uuid> with rel:subject/object/type are plain facts."""
    rel = "stigmem:rel:" + ctx.run_id + "-r1"
    for relation, value in (("rel:subject", {"type": "ref", "v": "stigmem://conformance.test/user/a"}),
                            ("rel:object", {"type": "ref", "v": "stigmem://conformance.test/user/b"}),
                            ("rel:type", {"type": "string", "v": "mentors"})):
        body = ctx.fact(rel, relation=relation)
        body["value"] = value
        ctx.assert_fact(body)
    expect(len(ids(ctx.query(entity=rel))) == 3, "reification facts not all readable")


@check("http:x_prefix_accepted", requirements=("STG-NS-007",))
def x_prefix_accepted(ctx: Context) -> None:
    """Relations in an experimental x- namespace are accepted."""
    ctx.assert_fact(ctx.fact(ctx.unique("xprefix"), relation="x-acme:likes"))
