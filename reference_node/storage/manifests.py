"""SQL over org manifests (0010_manifests.sql; docs/federation-api.md "Manifests"; Spec-04; A20 §19.1).

Every function runs in the caller's transaction. ``publish`` verifies a manifest against the authority's current
one (STG-MAN-002..008), refuses an entity another authority's valid manifest already lists (STG-MAN-009), stores
it and appends the ``manifest_publish`` audit event (STG-MAN-012). ``valid_manifest(conn, entity_uri, now)`` is the
lookup for token verification and quarantine routing: the unexpired current manifest listing ``entity_uri``
exactly, or None. ``own`` keeps the node's own manifest (its node_id, signed with its federation key) fresh, and
``record_rotation`` re-signs it with the new key and a rotation event signed by the old one (STG-MAN-010).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from reference_node.protocol import base64url, jcs, manifests, peering
from reference_node.protocol.manifests import ManifestError
from reference_node.storage import audit_log, transparency_log
from reference_node.storage.transparency_log import LogSigner

__all__ = ["OWN_VALIDITY", "current", "history", "manifest_id", "own", "publish", "record_rotation",
           "valid_manifest"]

log = logging.getLogger("reference_node.manifests")

Source = Literal["own", "published", "peer"]
# The node's own manifest: 30 days, re-signed once less than half of that is left (S04: refresh before expiry).
OWN_VALIDITY = timedelta(days=30)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def manifest_id(manifest: Mapping[str, Any]) -> str:
    """The SHA-256 hex of the manifest's RFC 8785 bytes (signature included)."""
    return hashlib.sha256(jcs.canonical(dict(manifest))).hexdigest()


def current(conn: sqlite3.Connection, entity_uri: str) -> dict[str, Any] | None:
    """The newest manifest of the authority ``entity_uri`` (expired or not), or None."""
    row = conn.execute("SELECT manifest FROM federation_manifests WHERE entity_uri = ? ORDER BY seq DESC LIMIT 1",
                       (entity_uri,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def history(conn: sqlite3.Connection, entity_uri: str) -> list[dict[str, Any]]:
    """Every manifest stored for the authority ``entity_uri``, oldest first."""
    rows = conn.execute("SELECT manifest FROM federation_manifests WHERE entity_uri = ? ORDER BY seq",
                        (entity_uri,)).fetchall()
    return [dict(json.loads(manifest)) for (manifest,) in rows]


# An operator's org manifest listing the node outranks the node's self-signed one (docs/federation-api.md
# "Manifests"): the self-manifest of an entity (its entity_uri is that entity, made by the node) sorts last.
_LISTING = ("SELECT m.manifest, m.entity_uri FROM federation_manifest_entities e "
            "JOIN federation_manifests m ON m.seq = e.seq "
            "WHERE e.entity_uri = ? AND m.expires_at_us > ? "
            "AND m.seq = (SELECT MAX(seq) FROM federation_manifests WHERE entity_uri = m.entity_uri) "
            "ORDER BY (m.source = 'own' AND m.entity_uri = e.entity_uri), m.seq")


def valid_manifest(conn: sqlite3.Connection, entity_uri: str, now: datetime) -> dict[str, Any] | None:
    """The current, unexpired manifest listing ``entity_uri`` exactly (STG-MAN-004, STG-MAN-006), or None.

    Only an authority's newest manifest counts: a superseded one never speaks for an entity."""
    row = conn.execute(_LISTING, (entity_uri, _us(now))).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def _conflict(conn: sqlite3.Connection, manifest: Mapping[str, Any], source: Source, now: datetime
              ) -> tuple[str, str] | None:
    """An (entity, other authority) pair when another authority's valid manifest lists one of ours. The node's
    self-signed manifest yields to an operator's org manifest listing the node (the seed's "publish your org
    manifest"): neither blocks the other, and ``_LISTING`` serves the org manifest for the node while it lists it
    (the self-manifest is still kept re-signed on key rotation, unserved, for when the operator withdraws)."""
    for entity in manifest["entities"]:
        for _, authority in conn.execute(_LISTING, (entity, _us(now))):
            if authority == manifest["entity_uri"] or _yields(conn, manifest, source, entity, authority):
                continue
            return entity, authority
    return None


def _yields(conn: sqlite3.Connection, manifest: Mapping[str, Any], source: Source, entity: str, authority: str
            ) -> bool:
    """Whether the clash on ``entity`` with ``authority`` is the node's self-manifest meeting an operator's one."""
    if source == "own" and manifest["entity_uri"] == entity:
        return True  # the node's own manifest, kept re-signed while an operator's org manifest speaks for it
    row = conn.execute("SELECT source FROM federation_manifests WHERE entity_uri = ? ORDER BY seq DESC LIMIT 1",
                       (authority,)).fetchone()
    return source == "published" and authority == entity and row is not None and row[0] == "own"


def publish(conn: sqlite3.Connection, manifest: Mapping[str, Any], source: Source, now: datetime, stored_at: str,
            actor_entity: str | None = None, signer: LogSigner | None = None,
            to_log: bool = True) -> tuple[str, bool]:
    """Verify then store ``manifest``; returns (manifest_id, stored now). Raises ``ManifestError``.

    A manifest this node publishes (its own, or one PUT to it) is logged in its transparency log in the same
    transaction (A20 §19.2; STG-TLOG-011), signed by ``signer`` (default: the database's active key); a peer's
    manifest is in the peer's log, not this one; ``to_log`` False: a database without a federation key yet."""
    previous = current(conn, str(manifest.get("entity_uri")))
    # STG-MAN-002: verified before anything is persisted (and STG-MAN-003..008 with it).
    manifests.verify_manifest(manifest, now, previous)
    # STG-MAN-009: an entity appears in at most one valid manifest (interpretation manifest_entity_exclusive).
    clash = _conflict(conn, manifest, source, now)
    if clash is not None:
        raise ManifestError("manifest_entity_conflict", f"{clash[0]} is already listed by the valid manifest of "
                            f"{clash[1]}", "STG-MAN-009")
    ident = manifest_id(manifest)
    if conn.execute("SELECT 1 FROM federation_manifests WHERE manifest_id = ?", (ident,)).fetchone():
        return ident, False
    expires = manifests.parse_time(manifest["expires_at"], "expires_at")
    cursor = conn.execute(
        "INSERT INTO federation_manifests (manifest_id, entity_uri, key_id, rotation_count, issued_at, "
        "expires_at_us, source, manifest, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ident, manifest["entity_uri"], manifest["key_id"], len(manifest["rotation_events"]), manifest["issued_at"],
         _us(expires), source, json.dumps(manifest, sort_keys=True, ensure_ascii=False), stored_at))
    conn.executemany("INSERT INTO federation_manifest_entities (seq, entity_uri) VALUES (?, ?)",
                     [(cursor.lastrowid, entity) for entity in manifest["entities"]])
    # STG-MAN-012: every stored manifest is audited (A20 §22.3 manifest_publish).
    audit_log.append(conn, "manifest_publish", "success", stored_at, actor_entity=actor_entity,
                     metadata={"entity_uri": manifest["entity_uri"], "manifest_id": ident,
                               "key_id": manifest["key_id"], "rotation_count": len(manifest["rotation_events"]),
                               "expires_at": manifest["expires_at"], "source": source})
    if source != "peer" and to_log:
        # STG-TLOG-011: what the node publishes is logged with it (all or nothing).
        transparency_log.append(conn, "manifest", manifest, signer)
    return ident, True


def _raw_public(seed: bytes) -> bytes:
    return base64url.decode(peering.public_key(seed), length=32)


def own(conn: sqlite3.Connection, node_id: str, seed: bytes, now: datetime, stored_at: str,
        signer: LogSigner | None = None) -> dict[str, Any] | None:
    """The manifest served at /.well-known/stigmem-manifest.json: the valid one listing ``node_id``, re-signed with
    ``seed`` once less than half of ``OWN_VALIDITY`` is left (S04: refresh before expires_at)."""
    listed = valid_manifest(conn, node_id, now)
    if listed is not None and listed["entity_uri"] != node_id:
        return listed  # another authority (an operator's org manifest) speaks for the node
    latest = current(conn, node_id)
    key = manifests.key_id(_raw_public(seed))
    if latest is not None and latest["key_id"] != key:
        # The key changed without a rotation (a replaced --federation-key-file): no chain links the keys.
        log.warning("the federation key is not the key of the node's manifest and no rotation links them; "
                    "the manifest is not re-signed")
        return listed
    left = manifests.parse_time(latest["expires_at"]) - now if latest is not None else timedelta(0)
    if listed is not None and left > OWN_VALIDITY / 2:
        return listed
    return _resign(conn, node_id, seed, now, stored_at, latest, latest["rotation_events"] if latest else [], signer)


def _resign(conn: sqlite3.Connection, node_id: str, seed: bytes, now: datetime, stored_at: str,
            latest: Mapping[str, Any] | None, events: list[dict[str, Any]],
            signer: LogSigner | None = None) -> dict[str, Any] | None:
    entities = list(latest["entities"]) if latest is not None else [node_id]
    fresh = manifests.new_manifest(node_id, seed, manifests.format_time(now), OWN_VALIDITY, entities, events)
    try:
        publish(conn, fresh, "own", now, stored_at, signer=signer)
    except ManifestError as exc:
        log.warning("the node's own manifest was refused: %s: %s", exc.code, exc.detail)
        return None
    return fresh


def record_rotation(conn: sqlite3.Connection, node_id: str, old_seed: bytes, new_seed: bytes, rotated_at: str,
                    now: datetime, stored_at: str) -> dict[str, Any] | None:
    """STG-MAN-010: after a federation-key rotation, re-submit the node's manifest under the new key with a rotation
    event signed by the old key (S04 names, interpretation manifest_rotation_event)."""
    latest = current(conn, node_id)
    if latest is not None and latest["key_id"] != manifests.key_id(_raw_public(old_seed)):
        log.warning("the node's manifest is not signed by the rotated key; no rotation event is added")
        return None
    event = manifests.sign_rotation_event(node_id, old_seed, _raw_public(new_seed), rotated_at)
    events = [*(latest["rotation_events"] if latest else []), event]
    return _resign(conn, node_id, new_seed, now, stored_at, latest, events)
