"""Discovery and always-open routes (Spec-03 Discovery; A08 §5.3)."""

from __future__ import annotations

import re

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.registry import Context, Skip, check, expect, expect_status

B64U_KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")


@check("http:discovery_open", requirements=("STG-HTTP-005",))
def discovery_open(ctx: Context) -> None:
    """GET /.well-known/stigmem answers 200 JSON without credentials."""
    ex = ctx.target.request("GET", "/.well-known/stigmem", key=None)
    expect_status(ex, (200,))
    expect(isinstance(ex.json, dict), f"discovery is not a JSON object: {ex.brief()}")


@check("http:discovery_fields", requirements=("STG-HTTP-006", "STG-HTTP-008"))
def discovery_fields(ctx: Context) -> None:
    """The discovery document has version, node_id, node_url, auth and federation with valid values."""
    doc = ctx.discovery
    missing = [k for k in ("version", "node_id", "node_url", "auth", "federation") if k not in doc]
    expect(not missing, f"discovery lacks {missing}")
    expect(doc["auth"] in ("none", "required"), f"auth is {doc['auth']!r}")
    expect(doc["federation"] in ("disabled", "enabled"), f"federation is {doc['federation']!r} (must be a string)")
    errors = list(validator(schemas_dir() / "wire" / "discovery.json").iter_errors(doc))
    expect(not errors, f"discovery does not match wire/discovery.json: {errors[0].message if errors else ''}")


@check("http:discovery_namespaces", requirements=("STG-NS-006",))
def discovery_namespaces(ctx: Context) -> None:
    """Discovery lists the supported namespaces as prefixes."""
    namespaces = ctx.discovery.get("namespaces")
    expect(isinstance(namespaces, list) and all(isinstance(n, str) for n in namespaces),
           f"namespaces is {namespaces!r}")
    expect("stigmem:" in namespaces, f"namespaces lacks the reserved stigmem: prefix: {namespaces}")


@check("http:discovery_federation_fields", requirements=("STG-HTTP-007", "STG-HTTP-009"), profile="core-federation")
def discovery_federation_fields(ctx: Context) -> None:
    """A federating node publishes its key, federation version and endpoints."""
    doc = ctx.discovery
    if doc.get("federation") != "enabled":
        raise Skip("the node does not enable federation")
    expect(bool(B64U_KEY.match(str(doc.get("federation_pubkey", "")))), "federation_pubkey is not 43 base64url")
    expect(bool(doc.get("federation_version")), "federation_version missing")
    endpoints = doc.get("federation_endpoints") or {}
    expect(endpoints.get("peers") == "/v1/federation/peers", f"federation_endpoints.peers is {endpoints!r}")


@check("http:healthz_open", requirements=("STG-HTTP-010",))
def healthz_open(ctx: Context) -> None:
    """GET /healthz answers 200 without credentials."""
    expect_status(ctx.target.request("GET", "/healthz", key=None), (200,))


@check("http:auth_mode_matches_discovery", requirements=("STG-AUTH-006",))
def auth_mode_matches(ctx: Context) -> None:
    """The advertised auth mode is what the node enforces."""
    ex = ctx.target.request("GET", "/v1/facts", key=None, params={"entity": ctx.unique("probe")})
    if ctx.discovery.get("auth") == "required":
        expect_status(ex, (401,))
    else:
        expect_status(ex, (200,))


@check("http:json_responses", requirements=("STG-HTTP-001",))
def json_responses(ctx: Context) -> None:
    """Every non-204 response, errors included, is application/json."""
    probes = [ctx.target.request("GET", "/.well-known/stigmem", key=None),
              ctx.query(entity=ctx.unique("probe")),
              ctx.request("GET", "/v1/facts/does-not-exist"),
              ctx.request("POST", "/v1/facts", content=b"{not json", headers={"Content-Type": "application/json"})]
    for ex in probes:
        ctype = ex.headers.get("content-type", "")
        expect(ctype.split(";")[0].strip() == "application/json", f"content-type {ctype!r}: {ex.brief()}")
