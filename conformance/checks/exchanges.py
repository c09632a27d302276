"""Data-driven HTTP exchanges from ``vectors/http/``: each vector becomes one check with the vector's id.

``{u}`` in any string is replaced by a run-unique token. A ``lifecycle`` vector names the first layer that
breaks: normalization, value storage, canonical bytes, or the CID. A vector with ``setup`` requests sends them
first; its ``expected.facts`` names the records they wrote, in the order the final query must return them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from typing import Any

from conformance.catalog.vectors import Vector, load_vectors
from conformance.checks.registry import Check, CheckFailed, Context, Skip, add, expect, expect_error, expect_status
from conformance.oracle import cid as cid_oracle
from conformance.oracle import jcs


def _fill(value: Any, token: str) -> Any:
    if isinstance(value, str):
        return value.replace("{u}", token)
    if isinstance(value, list):
        return [_fill(v, token) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, token) for k, v in value.items()}
    return value


def _send(ctx: Context, vector: Vector, token: str, request: dict[str, Any] | None = None) -> Any:
    request = _fill(vector.input["request"] if request is None else request, token)
    content = bytes.fromhex(request["body_hex"]) if "body_hex" in request else None
    headers = dict(request.get("headers", {}))
    if content is not None:
        headers.setdefault("Content-Type", "application/json")
    return ctx.request(request["method"], request["path"], key=vector.input.get("key"),
                       json_body=request.get("json"), content=content, params=request.get("params"),
                       headers=headers)


def _lifecycle(vector: Vector, record: dict[str, Any]) -> None:
    expected = vector.expected
    for key, want in expected["body"].items():
        got = record.get(key)
        if key == "value" and isinstance(got, dict) and got.get("interpret_as") == "content":
            got = {k: v for k, v in got.items() if k != "interpret_as"}  # the extension's default made explicit
        if got != want:
            layer = "normalization" if key in ("entity", "source") else "value storage" if key == "value" else key
            raise CheckFailed(f"{layer} layer: {key} is {got!r}, expected {want!r}")
    preimage = bytes.fromhex(expected["preimage_hex"])
    if hashlib.sha256(preimage).hexdigest() != expected["cid"].removeprefix("sha256:"):
        raise CheckFailed("suite bug: the vector's preimage does not hash to its CID")
    if record.get("cid") != expected["cid"]:
        stored = {k: record.get(k) for k in cid_oracle.BODY_FIELDS}
        mine = jcs.dumps({**stored, "value": cid_oracle.stored_value(stored["value"] or {"type": "null"})})
        where = "canonical bytes" if mine != preimage else "hash"
        raise CheckFailed(f"CID layer ({where}): node says {record.get('cid')}, expected {expected['cid']}; "
                          f"expected preimage {preimage.decode('utf-8')}")


def _rows(ex: Any, expected: dict[str, Any], written: list[str]) -> None:
    """The query returned exactly the setup records named, in order, with their contradicted flags and total."""
    expect_status(ex, expected["status"])
    body = ex.json if isinstance(ex.json, dict) else {}
    got = [(f.get("id"), f.get("contradicted")) for f in body.get("facts", []) if isinstance(f, dict)]
    want = [(written[row["write"]], row["contradicted"]) for row in expected["facts"]]
    name = {fact_id: f"write {n}" for n, fact_id in enumerate(written)}
    expect(got == want, f"returned {[(name.get(str(i), i), c) for i, c in got]}, expected "
                        f"{[(name[i], c) for i, c in want]} (id, contradicted; newest first)")
    expect(body.get("total") == expected["total"], f"total {body.get('total')}, expected {expected['total']}")


def default_install(ctx: Context) -> Context:
    """STG-TT-001 is a rule of a default install: a target that claims time-travel is not one, so the rule is
    checked on the run's auth-none companion when it has one (a default install of the same node)."""
    if "time-travel" not in (ctx.discovery.get("profiles") or []):
        return ctx
    if ctx.open_target is None:
        raise Skip("the node claims time-travel, so it is no default install; the run has no default install")
    return dataclasses.replace(ctx, target=ctx.open_target, auth_required=False, discovery={})


def _run(vector: Vector) -> Any:
    def run(ctx: Context) -> None:
        if "STG-TT-001" in vector.requirements:
            ctx = default_install(ctx)
        if vector.input.get("key") == "admin":
            ctx.need_key("admin")
        token = "u" + ctx.run_id + secrets.token_hex(3)
        written = []
        for n, step in enumerate(vector.input.get("setup", ())):
            done = _send(ctx, vector, token, step)
            expect(done.status in (200, 201) and isinstance(done.json, dict), f"setup request {n}: {done.brief()}")
            written.append(done.json["id"])
        ex = _send(ctx, vector, token)
        expected = _fill(vector.expected, token)
        if "facts" in expected:
            _rows(ex, expected, written)
            return
        if expected["outcome"] == "invalid":
            expect_error(ex, expected["status"], expected.get("error"))
            return
        expect_status(ex, expected["status"])
        record = ex.json if isinstance(ex.json, dict) else {}
        if "cid" in expected:
            _lifecycle(vector, record)
            return
        for key, want in expected.get("body", {}).items():
            expect(record.get(key) == want, f"{key}: expected {want!r}, got {record.get(key)!r}")

    run.__doc__ = vector.description
    return run


def register() -> None:
    for vector in load_vectors(validate=False):
        if vector.area == "http" and not vector.retired:
            add(Check(vector.id, vector.requirements, "core-local", vector.description, _run(vector),
                      interpretations=vector.interpretations))


register()
