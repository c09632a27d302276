"""Manifests on the node: PUT verified before persist, GET by entity, the well-known manifest, rotation, the CLI.

Manifests are signed here with ``cryptography`` over ``rfc8785`` bytes, never with the module under test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

from reference_node.cli import main

PUT = "/v1/federation/manifest"
WELL_KNOWN = "/.well-known/stigmem-manifest.json"
ORG = "stigmem://org.test/node-1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signed(seed: bytes, entity: str = ORG, entities: list[str] | None = None, hours: float = 48,
           events: list[dict[str, Any]] | None = None, issued: datetime | None = None) -> dict[str, Any]:
    start = issued or datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    body = {"manifest_version": 1, "entity_uri": entity, "public_key": b64u(raw(seed)),
            "key_id": hashlib.sha256(raw(seed)).hexdigest(), "entities": entities or [entity],
            "rotation_events": events or [], "issued_at": stamp(start),
            "expires_at": stamp(start + timedelta(hours=hours))}
    sig = Ed25519PrivateKey.from_private_bytes(seed).sign(rfc8785.dumps(body))
    return {**body, "signature": b64u(sig)}


def verifies(doc: dict[str, Any]) -> bool:
    body = {k: v for k, v in doc.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(b64u_decode(doc["public_key"])).verify(
            b64u_decode(doc["signature"]), rfc8785.dumps(body))
    except Exception:
        return False
    return hashlib.sha256(b64u_decode(doc["public_key"])).hexdigest() == doc["key_id"]


def stored(node: Any) -> int:
    with node.store.db.reading() as conn:
        return int(conn.execute("SELECT COUNT(*) FROM federation_manifests WHERE source = 'published'").fetchone()[0])


def test_put_get_and_refusals(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    admin = node.key(("read", "write", "admin"))
    doc = signed(bytes([7]) * 32, entities=[ORG, "stigmem://org.test/agent/a"])
    assert node.client.put(PUT, json=doc, headers=node.key(("read", "write"))).status_code == 403
    tampered = {**doc, "entities": [ORG]}
    answer = node.client.put(PUT, json=tampered, headers=admin)
    assert (answer.status_code, answer.json()["error"]) == (400, "manifest_signature_invalid")
    assert stored(node) == 0
    short = signed(bytes([7]) * 32, hours=24 - 1 / 3600)
    assert node.client.put(PUT, json=short, headers=admin).status_code == 400 and stored(node) == 0
    answer = node.client.put(PUT, json=doc, headers=admin)
    url = answer.json()["log_entry_url"]
    assert answer.status_code == 200 and "/v1/federation/transparency-log/entries/" in url
    logged = node.client.get(url.split("testserver", 1)[1]).json()
    assert (logged["kind"], logged["body"]) == ("manifest", doc)
    assert answer.json()["manifest_id"] == hashlib.sha256(rfc8785.dumps(doc)).hexdigest()
    got = node.client.get(f"{PUT}/{quote('stigmem://org.test/agent/a', safe='')}")
    assert got.status_code == 200 and got.json() == doc
    assert node.client.get(f"{PUT}/{quote('stigmem://org.test/agent', safe='')}").status_code == 404
    # STG-MAN-009: another authority cannot claim a listed entity while this manifest is valid.
    other = signed(bytes([8]) * 32, "stigmem://other.test/org", ["stigmem://other.test/org",
                                                                 "stigmem://org.test/agent/a"])
    answer = node.client.put(PUT, json=other, headers=admin)
    assert (answer.status_code, answer.json()["error"]) == (409, "manifest_entity_conflict")
    with node.store.db.reading() as conn:
        events = conn.execute("SELECT metadata FROM audit_log WHERE event_type = 'manifest_publish'").fetchall()
    assert any(json.loads(m)["entity_uri"] == ORG for (m,) in events)


def test_well_known_and_rotation(make_node):
    node = make_node(federation=True, node_authority="node-a.test")
    admin = node.key(("read", "write", "admin"))
    node_id = node.client.get("/.well-known/stigmem").json()["node_id"]
    first = node.client.get(WELL_KNOWN).json()
    pubkey = node.client.get("/.well-known/stigmem").json()["federation_pubkey"]
    assert verifies(first) and first["entity_uri"] == node_id and node_id in first["entities"]
    assert first["public_key"] == pubkey
    assert node.client.post("/v1/admin/federation/key-rotation", headers=admin).status_code == 201
    after = node.client.get(WELL_KNOWN).json()
    assert verifies(after) and len(after["rotation_events"]) == 1
    event = after["rotation_events"][0]
    assert event["old_key_id"] == first["key_id"] and event["new_key_id"] == after["key_id"]
    body = {k: v for k, v in event.items() if k != "signature"} | {"entity_uri": node_id}
    Ed25519PublicKey.from_public_bytes(b64u_decode(first["public_key"])).verify(
        b64u_decode(event["signature"]), rfc8785.dumps(body))
    # Re-submitting the older manifest regresses the rotation count.
    answer = node.client.put(PUT, json=first, headers=admin)
    assert (answer.status_code, answer.json()["error"]) == (400, "manifest_rotation_chain_invalid")


def test_cli_keygen_and_publish(tmp_path, capsys):
    key = tmp_path / "node-key.pem"
    assert main(["keygen", "--out", str(key)]) == 0
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    printed = json.loads(capsys.readouterr().out)
    assert main(["keygen", "--out", str(key)]) == 1
    private = load_pem_private_key(key.read_bytes(), None)
    assert isinstance(private, Ed25519PrivateKey)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert printed["key_id"] == hashlib.sha256(public).hexdigest()
    db = str(tmp_path / "n.db")
    assert main(["manifest", "publish", "--entity-uri", ORG, "--key", str(key), "--db", db,
                 "--entities", "stigmem://org.test/agent/a"]) == 0
    answer = json.loads(capsys.readouterr().out)
    doc = json.loads(sqlite3.connect(db).execute("SELECT manifest FROM federation_manifests").fetchone()[0])
    assert verifies(doc) and doc["entities"] == [ORG, "stigmem://org.test/agent/a"]
    assert answer["manifest_id"] == hashlib.sha256(rfc8785.dumps(doc)).hexdigest()
    # outside the 24 h to 365 days window (and a value a date cannot hold) is refused before anything is signed
    for days in ("0", "0.99", "365.01", "99999999", "nan"):
        with pytest.raises(SystemExit) as refused:
            main(["manifest", "publish", "--entity-uri", ORG, "--key", str(key), "--db", db, "--validity-days", days])
        assert refused.value.code == 2, days
