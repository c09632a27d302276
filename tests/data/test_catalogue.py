"""The requirement catalogue, the interpretation register and the JSON Schemas that describe them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
VECTORS = ROOT / "vectors"
ID_BASE = "https://stigmem-conformance.example/schemas/"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# Schemas this catalogue owns; each must carry $schema, $id, title and description.
OWN_SCHEMAS = [
    "requirements.schema.json",
    "interpretations.schema.json",
    "audit-event.schema.json",
    *(f"wire/{p.name}" for p in sorted((SCHEMAS / "wire").glob("*.json"))),
]
WIRE_FILES = [
    "fact_value.json",
    "assert_request.json",
    "fact.json",
    "fact_list.json",
    "error.json",
    "discovery.json",
    "peer_declaration.json",
    "peer_token_claims.json",
    "tombstone.json",
    "tombstone_revocation.json",
    "manifest.json",
    "conflict.json",
    "conflict_list.json",
    "verify_cid.json",
    "federation_facts_page.json",
    "peer.json",
    "peer_list.json",
    "key_rotation_log.json",
    "transparency_log_entry.json",
]


def load(path: Path) -> object:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def all_schema_files() -> list[Path]:
    return sorted(SCHEMAS.rglob("*.json"))


def registry() -> Registry:
    resources = []
    for path in all_schema_files():
        schema = load(path)
        if isinstance(schema, dict) and "$id" in schema:
            resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator(relative: str) -> Draft202012Validator:
    return Draft202012Validator(load(SCHEMAS / relative), registry=registry())


def error_messages(relative: str, instance: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(relative).iter_errors(instance)]


REQUIREMENTS = load(VECTORS / "requirements.json")
INTERPRETATIONS = load(VECTORS / "interpretations.json")


# (1) the two catalogue files validate against their schemas


def test_requirements_match_schema():
    assert error_messages("requirements.schema.json", REQUIREMENTS) == []


def test_interpretations_match_schema():
    assert error_messages("interpretations.schema.json", INTERPRETATIONS) == []


# (2) every schema is a valid draft 2020-12 schema


@pytest.mark.parametrize("path", all_schema_files(), ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_schema_is_valid_2020_12(path):
    Draft202012Validator.check_schema(load(path))


@pytest.mark.parametrize("relative", OWN_SCHEMAS)
def test_own_schema_header(relative):
    schema = load(SCHEMAS / relative)
    assert schema["$schema"] == DRAFT_2020_12
    assert schema["$id"] == ID_BASE + relative
    assert schema["title"].strip()
    assert schema["description"].strip()


def test_every_wire_object_has_a_schema():
    assert sorted(WIRE_FILES) == sorted(p.name for p in (SCHEMAS / "wire").glob("*.json"))


# (3) ids, areas and profiles


def area_of(req_id: str) -> str:
    return req_id.split("-")[1]


def test_requirement_ids_unique():
    ids = [r["id"] for r in REQUIREMENTS["requirements"]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []


def test_requirement_areas_exist():
    unknown = sorted({area_of(r["id"]) for r in REQUIREMENTS["requirements"]} - set(REQUIREMENTS["areas"]))
    assert unknown == []


def test_requirement_profiles_exist():
    unknown = sorted({r["profile"] for r in REQUIREMENTS["requirements"]} - set(REQUIREMENTS["profiles"]))
    assert unknown == []


def test_requirements_ordered_by_area_then_id():
    areas = list(REQUIREMENTS["areas"])
    keys = [(areas.index(area_of(r["id"])), r["id"]) for r in REQUIREMENTS["requirements"]]
    assert keys == sorted(keys)


def test_requirement_ids_sorted_and_numbered_within_area():
    by_area: dict[str, list[int]] = {}
    for r in REQUIREMENTS["requirements"]:
        by_area.setdefault(area_of(r["id"]), []).append(int(r["id"].rsplit("-", 1)[1]))
    for area, numbers in by_area.items():
        assert numbers == sorted(numbers), area
        assert numbers == list(range(1, len(numbers) + 1)), f"{area}: ids must run 001, 002, ... without gaps"


def test_every_area_has_requirements():
    used = {area_of(r["id"]) for r in REQUIREMENTS["requirements"]}
    assert [a for a in REQUIREMENTS["areas"] if a not in used] == []


def test_requirements_file_is_pretty_printed():
    text = (VECTORS / "requirements.json").read_text(encoding="utf-8")
    assert text == json.dumps(REQUIREMENTS, indent=1, ensure_ascii=False)


def test_interpretations_named_in_summaries_exist():
    known = {i["id"] for i in INTERPRETATIONS["interpretations"]}
    named = set()
    for r in REQUIREMENTS["requirements"]:
        for group in re.findall(r"interpretations? ([a-z0-9_]+(?:(?:, | and )[a-z0-9_]+)*)", r["summary"]):
            named.update(re.split(r", | and ", group))
    assert sorted(named - known) == []


# (4) interpretation defaults and upstream options


@pytest.mark.parametrize("entry", INTERPRETATIONS["interpretations"], ids=lambda e: e["id"])
def test_interpretation_default_and_upstream_are_options(entry):
    assert entry["default"] in entry["options"]
    assert entry["upstream"] in entry["options"]


def test_interpretation_ids_unique():
    ids = [i["id"] for i in INTERPRETATIONS["interpretations"]]
    assert len(ids) == len(set(ids))


# The wire schemas accept what the sources describe and refuse the obvious mistakes.

KEY = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # RFC 8032 test 1 public key, base64url
SIG = "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc-bRr0lv18FlbviRlUUFDjnoQCw"
UUID7 = "01890a5d-ac96-774b-bcce-b302099a8057"
FACT = {
    "id": "3f2b8c1e-0000-4000-8000-000000000001",
    "entity": "stigmem://company.example/user/alice",
    "relation": "memory:role",
    "value": {"type": "string", "v": "CEO"},
    "source": "stigmem://company.example/agent/assistant",
    "timestamp": "2026-05-02T00:00:00.000000Z",
    "hlc": "1746230400000.003",
    "confidence": 1.0,
    "scope": "company",
    "valid_until": None,
    "cid": "sha256:" + "0" * 64,
}
TOMBSTONE = {
    "id": "tomb_" + UUID7,
    "entity_uri": "stigmem://testnode/user/forgotten-user",
    "scope": "company",
    "reason": "request",
    "signed_by": "stigmem://testnode/user/admin",
    "key_id": "a" * 64,
    "signature": SIG,
    "created_at": "2026-05-02T00:00:00Z",
    "legal_hold": False,
}

VALID = [
    ("fact_value.json", {"type": "string", "v": "x"}),
    ("fact_value.json", {"type": "text", "v": "# notes", "interpret_as": "instruction"}),
    ("fact_value.json", {"type": "number", "v": 42}),
    ("fact_value.json", {"type": "boolean", "v": False}),
    ("fact_value.json", {"type": "datetime", "v": "2026-05-02T00:00:00+02:00"}),
    ("fact_value.json", {"type": "ref", "v": "stigmem://a/user/bob"}),
    ("fact_value.json", {"type": "null"}),
    ("fact_value.json", {"type": "null", "v": None}),
    ("assert_request.json", {k: FACT[k] for k in ("entity", "relation", "value", "source", "scope")}),
    ("fact.json", FACT),
    ("fact.json", {**FACT, "value": {"type": "null", "v": None}, "received_from": "x"}),
    ("fact_list.json", {"facts": [FACT], "total": 1, "cursor": None}),
    ("error.json", {"error": "invalid_entity_uri", "detail": "empty authority"}),
    (
        "discovery.json",
        {
            "version": "0.9",
            "node_id": "stigmem://a",
            "node_url": "https://a.example",
            "auth": "required",
            "federation": "disabled",
            "namespaces": ["memory:", "garden:", "x-"],
        },
    ),
    (
        "discovery.json",
        {
            "version": "0.9",
            "node_id": "stigmem://a",
            "node_url": "https://a.example",
            "auth": "none",
            "federation": "enabled",
            "namespaces": ["memory:"],
            "federation_pubkey": KEY,
            "federation_version": "0.8",
            "federation_endpoints": {"peers": "/v1/federation/peers", "facts": "/v1/federation/facts", "push": None},
        },
    ),
    (
        "peer_declaration.json",
        {
            "node_url": "https://b.example",
            "node_id": "stigmem://b.example",
            "federation_pubkey": KEY,
            "allowed_scopes": ["public"],
            "signed_at": "2026-05-02T00:00:00Z",
            "declaration_sig": SIG,
        },
    ),
    (
        "peer_token_claims.json",
        {
            "iss": "stigmem://b",
            "sub": "stigmem://a",
            "iat": 1746230400000,
            "exp": 1746234000000,
            "nonce": "0b4a1f5e-8c36-4d8e-9a55-7d1c2f3e4a5b",
            "scopes": ["public"],
        },
    ),
    ("tombstone.json", TOMBSTONE),
    ("tombstone.json", {**TOMBSTONE, "scope": ["team", "company"], "reason": None}),
    (
        "tombstone_revocation.json",
        {
            "id": "tombrevoke_" + UUID7,
            "tombstone_id": "tomb_" + UUID7,
            "reason": "x",
            "signed_by": "stigmem://testnode/user/admin",
            "signature": SIG,
            "created_at": "2026-05-03T00:00:00Z",
        },
    ),
    (
        "manifest.json",
        {
            "manifest_version": 1,
            "entity_uri": "stigmem://a.example",
            "public_key": KEY,
            "key_id": "b" * 64,
            "entities": ["stigmem://a.example"],
            "rotation_events": [],
            "issued_at": "2026-05-01T00:00:00Z",
            "expires_at": "2026-06-01T00:00:00Z",
            "signature": SIG,
        },
    ),
    (
        "conflict_list.json",
        {
            "conflicts": [
                {
                    "conflict_id": "stigmem:conflict:1",
                    "fact_a": FACT,
                    "fact_b": FACT,
                    "status": "unresolved",
                    "resolved_by": None,
                    "detected_at": "2026-05-02T00:00:00Z",
                }
            ],
            "cursor": None,
            "has_more": False,
        },
    ),
    ("verify_cid.json", {"cid_valid": True, "computed_cid": FACT["cid"], "stored_cid": FACT["cid"]}),
    (
        "verify_cid.json",
        {"cid_valid": False, "computed_cid": FACT["cid"], "stored_cid": None, "mismatch_reason": "stored_cid is null"},
    ),
    ("federation_facts_page.json", {"facts": [FACT], "cursor": "c1", "has_more": False}),
    (
        "peer_list.json",
        {
            "peers": [
                {
                    "peer_id": "p",
                    "node_id": "stigmem://b",
                    "node_url": "https://b.example",
                    "status": "active",
                    "allowed_scopes": ["public"],
                    "established_at": "2026-05-02T00:00:00Z",
                }
            ]
        },
    ),
]

INVALID = [
    ("fact_value.json", {"type": "number", "v": "abc"}),
    ("fact_value.json", {"type": "number", "v": True}),
    ("fact_value.json", {"type": "boolean", "v": "false"}),
    ("fact_value.json", {"type": "string"}),
    ("fact_value.json", {"type": "datetime", "v": "yesterday"}),
    ("fact_value.json", {"type": "ref", "v": "not a uri"}),
    ("fact_value.json", {"type": "null", "v": 0}),
    ("fact_value.json", {"type": "bytes", "v": "AA"}),
    ("fact_value.json", {"type": "string", "v": "x", "interpret_as": "Instruction"}),
    ("assert_request.json", {k: FACT[k] for k in ("entity", "relation", "value", "source")}),
    (
        "assert_request.json",
        {**{k: FACT[k] for k in ("entity", "relation", "value", "source", "scope")}, "confidence": 1.5},
    ),
    ("assert_request.json", {**{k: FACT[k] for k in ("entity", "relation", "value", "source")}, "scope": "universe"}),
    ("fact.json", {**FACT, "hlc": "1746230400000.3"}),
    ("fact.json", {**FACT, "cid": "sha256:" + "F" * 64}),
    ("fact.json", {**FACT, "value": {"type": "null"}}),
    (
        "discovery.json",
        {
            "version": "0.9",
            "node_id": "stigmem://a",
            "node_url": "https://a.example",
            "auth": "none",
            "federation": "enabled",
            "namespaces": [],
        },
    ),
    (
        "discovery.json",
        {
            "version": "0.9",
            "node_id": "stigmem://a",
            "node_url": "https://a.example",
            "auth": "none",
            "federation": "disabled",
            "namespaces": [],
            "federation_pubkey": KEY,
        },
    ),
    (
        "discovery.json",
        {
            "version": "0.9",
            "node_id": "stigmem://a",
            "node_url": "https://a.example",
            "auth": "none",
            "federation": {"enabled": True},
            "namespaces": [],
        },
    ),
    (
        "peer_declaration.json",
        {
            "node_url": "https://b.example",
            "node_id": "stigmem://b.example",
            "public_key": KEY,
            "allowed_scopes": ["public"],
            "signed_at": "2026-05-02T00:00:00Z",
            "signature": SIG,
        },
    ),
    (
        "peer_token_claims.json",
        {
            "iss": "stigmem://b",
            "sub": "stigmem://a",
            "iat": 1746230400,
            "exp": 1746234000,
            "nonce": "0b4a1f5e-8c36-4d8e-9a55-7d1c2f3e4a5b",
            "scopes": ["public"],
        },
    ),
    ("tombstone.json", {**TOMBSTONE, "id": "tomb_0b4a1f5e-8c36-4d8e-9a55-7d1c2f3e4a5b"}),
    ("tombstone.json", {**TOMBSTONE, "scope": "everything"}),
    (
        "conflict.json",
        {
            "conflict_id": "stigmem:conflict:1",
            "fact_a": FACT,
            "fact_b": FACT,
            "status": "resolved",
            "resolved_by": None,
            "detected_at": "2026-05-02T00:00:00Z",
        },
    ),
    ("verify_cid.json", {"cid_valid": False, "computed_cid": FACT["cid"], "stored_cid": FACT["cid"]}),
    ("error.json", {"detail": "nonce_already_seen"}),
]


@pytest.mark.parametrize(("relative", "instance"), VALID, ids=[f"{r}-{i}" for i, (r, _) in enumerate(VALID)])
def test_wire_schema_accepts(relative, instance):
    assert error_messages(f"wire/{relative}", instance) == []


@pytest.mark.parametrize(("relative", "instance"), INVALID, ids=[f"{r}-{i}" for i, (r, _) in enumerate(INVALID)])
def test_wire_schema_rejects(relative, instance):
    assert error_messages(f"wire/{relative}", instance) != []
