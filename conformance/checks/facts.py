"""Assert, read, query and retract facts (Spec-03; Spec-01 Atomic Fact Shape; A08 §5.1-§5.5)."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.registry import Context, check, expect, expect_error, expect_status, ids

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HLC = re.compile(r"^\d{13}\.\d{3}$")
AUTHOR = "stigmem://conformance.test/agent/original-author"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _valid_record(record: dict[str, object]) -> None:
    errors = list(validator(schemas_dir() / "wire" / "fact.json").iter_errors(record))
    expect(not errors, f"fact record does not match wire/fact.json: {errors[0].message if errors else ''}")


@check("http:assert_201", requirements=("STG-QRY-001",))
def assert_201(ctx: Context) -> None:
    """POST /v1/facts answers 201 with the full record."""
    record = ctx.assert_fact(ctx.fact(ctx.unique("assert")))
    _valid_record(record)


@check("http:assert_stamps", requirements=("STG-HLC-001", "STG-HLC-012", "STG-FACT-004", "STG-FACT-005", "STG-HLC-006"))
def assert_stamps(ctx: Context) -> None:
    """The node stamps a fresh id, a UTC timestamp and a padded, strictly increasing HLC on every fact."""
    before = datetime.now(UTC) - timedelta(minutes=5)
    entity = ctx.unique("stamps")
    records = [ctx.assert_fact(ctx.fact(entity, f"v{i}", relation=f"memory:n{i}",
                                        id="client-id", timestamp="2000-01-01T00:00:00Z", hlc="0000000000001.000"))
               for i in range(12)]
    seen_ids = {r["id"] for r in records}
    expect(len(seen_ids) == 12 and "client-id" not in seen_ids, f"ids not fresh and node-stamped: {seen_ids}")
    for r in records:
        expect(bool(HLC.match(str(r.get("hlc")))), f"hlc {r.get('hlc')!r} is not 13.3 digits")
        stamp = str(r.get("timestamp"))
        expect(bool(RFC3339.match(stamp)), f"timestamp {stamp!r} is not RFC 3339")
        when = _instant(stamp)
        expect(when.utcoffset() == timedelta(0), f"timestamp {stamp!r} is not UTC")
        expect(when > before, f"timestamp {stamp!r} is the client's or far in the past")
    hlcs = [str(r["hlc"]) for r in records]
    expect(all(a < b for a, b in itertools.pairwise(hlcs)), f"HLCs not strictly increasing: {hlcs}")


@check("http:assert_roundtrip", requirements=("STG-QRY-002",))
def assert_roundtrip(ctx: Context) -> None:
    """GET by id returns what was asserted: relation, value, confidence, scope, valid_until."""
    body = ctx.fact(ctx.unique("roundtrip"), 42.5, vtype="number", confidence=0.75, scope="team",
                    valid_until="2999-01-01T00:00:00Z")
    record = ctx.assert_fact(body)
    got = ctx.request("GET", f"/v1/facts/{record['id']}")
    expect_status(got, (200,))
    fact = got.json or {}
    for key in ("relation", "confidence", "scope", "valid_until", "entity", "source"):
        expect(fact.get(key) == body[key], f"{key}: sent {body[key]!r}, read back {fact.get(key)!r}")
    value = dict(fact.get("value") or {})
    if value.get("interpret_as") == "content":  # the extension's default may be made explicit
        del value["interpret_as"]
    expect(value == {"type": "number", "v": 42.5}, f"value read back as {fact.get('value')!r}")


@check("http:assert_required_fields", requirements=("STG-FACT-007",))
def assert_required_fields(ctx: Context) -> None:
    """Each of entity, relation, value, source and scope is required (400/422); confidence defaults to 1.0."""
    entity = ctx.unique("required")
    for missing in ("entity", "relation", "value", "source", "scope"):
        body = ctx.fact(entity)
        del body[missing]
        expect_error(ctx.request("POST", "/v1/facts", json_body=body), (400, 422), None)
    body = ctx.fact(entity)
    del body["confidence"]
    record = ctx.assert_fact(body)
    expect(record.get("confidence") == 1.0, f"default confidence is {record.get('confidence')!r}")


@check("http:assert_rejects_bad_confidence", requirements=("STG-FACT-001",))
def assert_rejects_bad_confidence(ctx: Context) -> None:
    """confidence outside [0, 1] or not a number is refused (400/422); 0.0 and 1.0 are accepted."""
    entity = ctx.unique("confidence")
    for bad in (1.5, -0.1, "0.5", True, None):
        expect_error(ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, confidence=bad)), (400, 422), None)
    for good in (0.0, 1.0):
        ctx.assert_fact(ctx.fact(entity, f"c{good}", confidence=good))
    expect(len(ids(ctx.query(entity=entity))) == 2, "a refused write was stored")


@check("http:assert_rejects_bad_scope", requirements=("STG-FACT-002",))
def assert_rejects_bad_scope(ctx: Context) -> None:
    """An unknown scope is refused (400/422)."""
    entity = ctx.unique("scope")
    for bad in ("universe", "LOCAL", "", 1):
        expect_error(ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, scope=bad)), (400, 422), None)


@check("http:get_fact", requirements=("STG-QRY-011",))
def get_fact(ctx: Context) -> None:
    """GET /v1/facts/{id} returns the record; an unknown id is 404."""
    record = ctx.assert_fact(ctx.fact(ctx.unique("get")))
    got = ctx.request("GET", f"/v1/facts/{record['id']}")
    expect_status(got, (200,))
    expect((got.json or {}).get("id") == record["id"], f"read {got.brief()}")
    expect_status(ctx.request("GET", "/v1/facts/00000000-0000-4000-8000-000000000000"), (404,))


@check("http:facts_immutable", requirements=("STG-FACT-003", "STG-URI-011"))
def facts_immutable(ctx: Context) -> None:
    """No route mutates or deletes a fact: PUT, PATCH and DELETE are refused and the record is unchanged."""
    record = ctx.assert_fact(ctx.fact(ctx.unique("immutable")))
    path = f"/v1/facts/{record['id']}"
    for method in ("PUT", "PATCH", "DELETE"):
        ex = ctx.request(method, path, json_body={"value": {"type": "string", "v": "changed"}})
        expect(ex.status in (404, 405), f"{method} {path} answered {ex.status}")
    after = ctx.request("GET", path).json or {}
    expect(after.get("value") == record.get("value") and after.get("cid") == record.get("cid"),
           f"record changed: {record} -> {after}")


@check("http:retraction", requirements=("STG-FACT-006",))
def retraction(ctx: Context) -> None:
    """A retraction is a new fact with confidence 0.0 on the same triple; the original stays readable."""
    body = ctx.fact(ctx.unique("retract"), "CEO", scope="company")
    original = ctx.assert_fact(body)
    retracted = ctx.assert_fact({**body, "confidence": 0.0})
    expect(retracted["id"] != original["id"] and retracted.get("confidence") == 0.0, f"retraction {retracted}")
    expect_status(ctx.request("GET", f"/v1/facts/{original['id']}"), (200,))


@check("http:retraction_rows_returned", requirements=("STG-QRY-009",))
def retraction_rows_returned(ctx: Context) -> None:
    """A default query returns the retraction row and the original, neither contradicted (default_query)."""
    body = ctx.fact(ctx.unique("retract"), "CEO", scope="company")
    original = ctx.assert_fact(body)
    retracted = ctx.assert_fact({**body, "confidence": 0.0})
    facts = (ctx.query(entity=body["entity"]).json or {}).get("facts", [])
    got = {f["id"]: f for f in facts}
    if ctx.interpretations.get("default_query") == "upstream":
        expect(not got, f"under default_query=upstream both rows of the triple are hidden, got {sorted(got)}")
        return
    expect({original["id"], retracted["id"]} <= set(got), f"default query returned {sorted(got)}")
    expect(not any(f.get("contradicted") for f in facts), "a retraction was flagged as a contradiction")


@check("http:source_timestamp_preserved", requirements=("STG-PROV-001",))
def source_timestamp_preserved(ctx: Context) -> None:
    """source and timestamp are returned exactly as stored, on every read."""
    record = ctx.assert_fact(ctx.fact(ctx.unique("prov"), source=AUTHOR))
    again = ctx.request("GET", f"/v1/facts/{record['id']}").json or {}
    listed = (ctx.query(entity=record["entity"]).json or {}).get("facts", [{}])[0]
    for view in (again, listed):
        expect(view.get("source") == AUTHOR, f"source became {view.get('source')!r}")
        expect(view.get("timestamp") == record.get("timestamp"), "timestamp changed between reads")


@check("http:query_envelope", requirements=("STG-QRY-003",))
def query_envelope(ctx: Context) -> None:
    """A query answers {facts, total, cursor} matching wire/fact_list.json."""
    entity = ctx.unique("envelope")
    ctx.assert_fact(ctx.fact(entity))
    ex = ctx.query(entity=entity)
    expect_status(ex, (200,))
    errors = list(validator(schemas_dir() / "wire" / "fact_list.json").iter_errors(ex.json))
    expect(not errors, f"query body does not match wire/fact_list.json: {errors[0].message if errors else ''}")


@check("http:query_empty_result", requirements=("STG-QRY-003",))
def query_empty_result(ctx: Context) -> None:
    """A query with no match is 200 with no facts and total 0."""
    ex = ctx.query(entity=ctx.unique("nothing"))
    expect_status(ex, (200,))
    body = ex.json or {}
    expect(body.get("facts") == [] and body.get("total") == 0, f"empty query: {ex.brief()}")


@check("http:query_filters_conjunctive", requirements=("STG-QRY-004",))
def query_filters_conjunctive(ctx: Context) -> None:
    """entity, relation, source and scope filters combine with AND and match exactly.

    The decoys never contradict the wanted fact (same value where they share its triple), so the default
    query's contradiction filter cannot explain a missing row.
    """
    entity = ctx.unique("filters")
    want = ctx.assert_fact(ctx.fact(entity, "a", relation="memory:x", scope="team", source="stigmem://conformance.test/agent/one"))["id"]
    ctx.assert_fact(ctx.fact(entity, "b", relation="memory:y", scope="team", source="stigmem://conformance.test/agent/one"))
    ctx.assert_fact(ctx.fact(entity, "c", relation="memory:x", scope="local", source="stigmem://conformance.test/agent/one"))
    ctx.assert_fact(ctx.fact(entity, "a", relation="memory:x", scope="team", source="stigmem://conformance.test/agent/two"))
    got = ids(ctx.query(entity=entity, relation="memory:x", scope="team", source="stigmem://conformance.test/agent/one"))
    expect(got == [want], f"expected only {want}, got {got}")


@check("http:query_min_confidence", requirements=("STG-QRY-005",))
def query_min_confidence(ctx: Context) -> None:
    """min_confidence=c returns exactly the facts with confidence >= c."""
    entity = ctx.unique("minconf")
    made = {c: ctx.assert_fact(ctx.fact(entity, f"v{c}", relation=f"memory:c{int(c * 10)}", confidence=c))["id"]
            for c in (0.2, 0.5, 0.9)}
    got = set(ids(ctx.query(entity=entity, min_confidence="0.5")))
    expect(got == {made[0.5], made[0.9]}, f"min_confidence=0.5 returned {got}")


@check("http:query_after", requirements=("STG-QRY-006",))
def query_after(ctx: Context) -> None:
    """after=t returns only facts with timestamp strictly later than t."""
    entity = ctx.unique("after")
    first = ctx.assert_fact(ctx.fact(entity, "1", relation="memory:a"))
    second = ctx.assert_fact(ctx.fact(entity, "2", relation="memory:b"))
    got = ids(ctx.query(entity=entity, after=first["timestamp"]))
    expect(first["id"] not in got, "after= is not exclusive")
    if second["timestamp"] != first["timestamp"]:
        expect(second["id"] in got, f"after= dropped a later fact: {got}")


@check("http:query_order_recency", requirements=("STG-QRY-007",))
def query_order_recency(ctx: Context) -> None:
    """Results come newest first."""
    entity = ctx.unique("order")
    made = [ctx.assert_fact(ctx.fact(entity, str(i), relation=f"memory:r{i}"))["id"] for i in range(5)]
    got = ids(ctx.query(entity=entity))
    expect(got == list(reversed(made)), f"expected newest first {list(reversed(made))}, got {got}")
