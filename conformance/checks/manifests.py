"""Org manifests over HTTP (Spec-04; A20 §5.21-§5.22, §19.1; docs/federation-api.md "Manifests").

``PUT /v1/federation/manifest`` (admin) must verify before it stores; ``GET /v1/federation/manifest/{entity}``
answers the valid manifest listing the entity exactly, else 404; ``/.well-known/stigmem-manifest.json`` is the
node's own. Every manifest here is signed by the suite (``conformance.oracle.manifests``) with a fresh key for a
run-unique authority, so runs never collide; "nothing stored" is read back through GET. Requirements STG-MAN-001..014
(profile federation-trust). Time bounds are exercised to the second by vectors/manifests/verify.json; over HTTP the
expiry edge keeps a margin of a few seconds for clock skew between suite and node.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.checks.audit_log import walk
from conformance.checks.federation.support import federator
from conformance.checks.registry import CheckFailed, Context, check, expect, expect_status
from conformance.harness.http_target import Exchange
from conformance.oracle import manifests as oracle
from conformance.oracle.ed25519 import b64u_encode, jcs
from conformance.outcomes import NotImplementedByNode

PUT = "/v1/federation/manifest"
WELL_KNOWN = "/.well-known/stigmem-manifest.json"
PROFILE = "federation-trust"
REFUSED = (400, 422)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Org:
    """A run-unique authority with its own keys, publishing through the run's admin key."""

    def __init__(self, ctx: Context) -> None:
        federator(ctx)  # skips without federation or an admin key
        self.ctx = ctx
        self.uri = f"stigmem://man-{ctx.run_id}-{secrets.token_hex(3)}.test/org"
        self.seeds = [secrets.token_bytes(32) for _ in range(4)]
        self.start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)

    def entity(self, name: str) -> str:
        return f"{self.uri}/{name}"

    def manifest(self, seed: int = 0, entities: list[str] | None = None, hours: int = 48, seconds: int = 0,
                 events: list[dict[str, Any]] | None = None, issued: datetime | None = None,
                 uri: str | None = None, **changes: Any) -> dict[str, Any]:
        start = issued or self.start
        owner = uri or self.uri
        return oracle.manifest(self.seeds[seed], owner, entities or [owner], _stamp(start),
                               _stamp(start + timedelta(hours=hours, seconds=seconds)), events or [], **changes)

    def event(self, old: int, new: int, minutes: int, signer: int | None = None) -> dict[str, Any]:
        at = _stamp(self.start - timedelta(minutes=60 - minutes))
        return oracle.event(self.uri, self.seeds[old], self.seeds[new], at,
                            None if signer is None else self.seeds[signer])

    def put(self, doc: dict[str, Any], key: str | None = "admin") -> Exchange:
        ex = self.ctx.request("PUT", PUT, key=key, json_body=doc)
        if ex.status in (404, 405, 501) and ex.code() in (None, "not_found", "method_not_allowed"):
            raise NotImplementedByNode(f"PUT {PUT} answered {ex.status}")
        return ex

    def get(self, entity: str) -> Exchange:
        return self.ctx.request("GET", f"{PUT}/{quote(entity, safe='')}", key=None)

    def accepted(self, doc: dict[str, Any], key: str = "admin") -> dict[str, Any]:
        ex = self.put(doc, key=key)
        expect_status(ex, (200,))
        body = ex.json if isinstance(ex.json, dict) else {}
        expect(isinstance(body.get("manifest_id"), str) and "log_entry_url" in body,
               f"PUT answered no {{manifest_id, log_entry_url}}: {ex.brief()}")
        if self.ctx.interpretations.get("manifest_id", "sha256-jcs") == "sha256-jcs":
            want = hashlib.sha256(jcs(doc)).hexdigest()
            expect(body["manifest_id"] == want, f"manifest_id {body['manifest_id']!r} is not the SHA-256 hex of the "
                                                f"manifest's RFC 8785 bytes ({want}; interpretation manifest_id)")
        return body

    def refused(self, doc: dict[str, Any], why: str, code: str | None = None,
                statuses: tuple[int, ...] = REFUSED) -> None:
        """``doc`` is refused (status, code when given) and GET still does not answer it."""
        ex = self.put(doc)
        expect(ex.status in statuses, f"{why}: PUT answered {ex.brief()}, expected {'/'.join(map(str, statuses))}")
        if code is not None:
            expect(ex.code() == code, f"{why}: error {ex.code()!r}, expected {code!r}")
        got = self.get(doc["entity_uri"])
        expect(not (got.status == 200 and got.json == doc), f"{why}: refused, yet GET answers it (it was stored)")


@check("http:manifest_put_verifies_before_storing", requirements=("STG-MAN-002", "STG-MAN-003"), profile=PROFILE)
def manifest_put_verifies_before_storing(ctx: Context) -> None:
    """A manifest changed after signing, with one signature character changed, with the key_id of another key or a
    key_id prefix is refused 400 manifest_signature_invalid and not stored; the honest one is then accepted."""
    org = Org(ctx)
    good = org.manifest(entities=[org.uri, org.entity("agent")])
    sig = good["signature"]
    flipped = sig[:20] + ("B" if sig[20] == "A" else "A") + sig[21:]
    other = oracle.manifest(org.seeds[1], org.uri, [org.uri], good["issued_at"], good["expires_at"])["key_id"]
    org.refused(good | {"entities": [org.uri]}, "entities changed after signing", "manifest_signature_invalid")
    org.refused(good | {"signature": flipped}, "one signature character changed", "manifest_signature_invalid")
    org.refused(org.manifest(key_id=other), "the key_id of another key", "manifest_signature_invalid")
    org.refused(org.manifest(key_id=good["key_id"][:16]), "a 16-hex key_id prefix", "manifest_signature_invalid")
    org.accepted(good)


@check("http:manifest_put_needs_admin", requirements=("STG-MAN-013",), profile=PROFILE)
def manifest_put_needs_admin(ctx: Context) -> None:
    """PUT by a key without admin is 403 (without credentials 401) and stores nothing."""
    org = Org(ctx)
    key = ctx.mint_key("manifest-writer", ["read", "write"], ["local", "team", "company", "public"])
    doc = org.manifest()
    ex = org.put(doc, key=key)
    expect(ex.status == 403, f"a read/write key's PUT answered {ex.brief()}, expected 403")
    ex = org.put(doc, key=None)
    expect(ex.status in (401, 403), f"an anonymous PUT answered {ex.brief()}, expected 401")
    expect(org.get(org.uri).status == 404, "a refused PUT left a manifest behind")


@check("http:manifest_get_covers_listed_only", requirements=("STG-MAN-004", "STG-MAN-014"), profile=PROFILE)
def manifest_get_covers_listed_only(ctx: Context) -> None:
    """GET answers the stored manifest for each listed entity and 404 for its parent, a child, a case variant, a
    trailing slash and an unknown entity (never covered by implication), with code manifest_not_found
    (interpretation manifest_error_codes)."""
    org = Org(ctx)
    agent = org.entity("agent/a")
    doc = org.manifest(entities=[org.uri, agent])
    org.accepted(doc)
    for entity in (org.uri, agent):
        got = org.get(entity)
        expect(got.status == 200 and got.json == doc, f"GET {entity} answered {got.brief()}, not the manifest")
    code = "manifest_not_found" if ctx.interpretations.get("manifest_error_codes", "named") == "named" else None
    for near in (org.entity("agent"), f"{agent}/b", agent.upper(), agent + "/", org.entity("unknown")):
        got = org.get(near)
        expect(got.status == 404 and (code is None or got.code() == code),
               f"GET {near} (not listed) answered {got.brief()}, expected 404 {code or ''}")


@check("http:manifest_entities_include_authority", requirements=("STG-MAN-001", "STG-MAN-004"), profile=PROFILE)
def manifest_entities_include_authority(ctx: Context) -> None:
    """A manifest whose entities omit its own entity_uri, or whose manifest_version is not the integer 1 (2, 0,
    JSON true, the string "1"), is refused; an entity_uri of "stigmem://" alone is refused, one of "stigmem://" and
    a single character (schemas/wire/manifest.json: ``^stigmem://[^/]+``) is accepted."""
    org = Org(ctx)
    org.refused(org.manifest(entities=[org.entity("agent")]), "entities without entity_uri")
    for version in (2, 0, True, "1"):
        org.refused(org.manifest(manifest_version=version), f"manifest_version {version!r}")
    expect(org.get(org.entity("agent")).status == 404, "a refused manifest's entity is served")
    org.refused(org.manifest(uri="stigmem://", entities=["stigmem://"]), "entity_uri 'stigmem://'", "manifest_invalid")
    # One character cannot be run-unique: the key is derived from the URI, so a later run's manifest continues the
    # one a former run stored (same key, no rotation event).
    short = "stigmem://z"
    seed = hashlib.sha256(b"stigmem-conformance short authority " + short.encode()).digest()
    org.accepted(oracle.manifest(seed, short, [short], _stamp(org.start), _stamp(org.start + timedelta(hours=48))))


@check("http:manifest_validity_window", requirements=("STG-MAN-005", "STG-MAN-006"), profile=PROFILE)
def manifest_validity_window(ctx: Context) -> None:
    """Validity of exactly 24 h and of exactly 365 days is accepted; 24 h less one second, 23 h and 365 days plus one
    second are refused; an expired manifest (expires_at a few seconds ago) is refused and nothing refused is
    stored."""
    org = Org(ctx)
    org.refused(org.manifest(hours=23), "valid for 23 h")
    org.refused(org.manifest(hours=24, seconds=-1), "valid for 24 h less one second")
    org.refused(org.manifest(hours=365 * 24, seconds=1), "valid for 365 days and one second")
    past = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=24, seconds=3)
    org.refused(org.manifest(issued=past, hours=24), "expired three seconds ago")
    org.accepted(org.manifest(hours=24))
    year = Org(ctx)  # a second authority: exactly 365 days is the longest window accepted
    year.accepted(year.manifest(hours=365 * 24))


@check("http:manifest_rotation_chain", requirements=("STG-MAN-007",), profile=PROFILE)
def manifest_rotation_chain(ctx: Context) -> None:
    """After key 0's manifest, a manifest of key 1 with an event signed by another key, one leaving a key nobody
    installed, one whose event public_key is 31 bytes, and one with no event at all are refused 400
    manifest_rotation_chain_invalid; the event signed by key
    0 is accepted, and a second rotation on top of it too."""
    org = Org(ctx)
    org.accepted(org.manifest(0))
    code = "manifest_rotation_chain_invalid"
    org.refused(org.manifest(1, events=[org.event(0, 1, 1, signer=3)]), "an event signed by another key", code)
    org.refused(org.manifest(1, events=[org.event(2, 1, 1)]), "an event leaving a key nobody installed", code)
    org.refused(org.manifest(1), "a new key without a rotation event", code)
    short_key = {**org.event(0, 1, 1), "public_key": b64u_encode(secrets.token_bytes(31))}
    org.refused(org.manifest(1, events=[short_key]), "an event whose public_key is 31 bytes", code)
    e01 = org.event(0, 1, 1)
    org.accepted(org.manifest(1, events=[e01]))
    org.refused(org.manifest(2, events=[e01, org.event(1, 2, 0)]), "a second event earlier than the first", code)
    org.accepted(org.manifest(2, events=[e01, org.event(1, 2, 2)]))


@check("http:manifest_rotation_never_regresses", requirements=("STG-MAN-008",), profile=PROFILE)
def manifest_rotation_never_regresses(ctx: Context) -> None:
    """Once a manifest with one rotation is accepted, the earlier manifest (no rotation) and one with the accepted
    event rewritten are refused; GET still answers the rotated manifest."""
    org = Org(ctx)
    first = org.manifest(0)
    org.accepted(first)
    rotated = org.manifest(1, events=[org.event(0, 1, 1)])
    org.accepted(rotated)
    code = "manifest_rotation_chain_invalid"
    org.refused(first, "the manifest from before the rotation", code)
    org.refused(org.manifest(1, events=[org.event(0, 1, 2)]), "the accepted event rewritten", code)
    got = org.get(org.uri)
    expect(got.status == 200 and got.json == rotated, f"GET answers {got.brief()}, not the rotated manifest")


@check("http:manifest_entity_single_authority", requirements=("STG-MAN-009",), profile=PROFILE)
def manifest_entity_single_authority(ctx: Context) -> None:
    """While one authority's valid manifest lists an entity, another authority's manifest listing it is refused
    (4xx) and GET of the entity still answers the first."""
    org, rival = Org(ctx), Org(ctx)
    shared = org.entity("agent/shared")
    mine = org.manifest(entities=[org.uri, shared])
    org.accepted(mine)
    claim = rival.manifest(entities=[rival.uri, shared])
    ex = rival.put(claim)
    expect(400 <= ex.status < 500, f"a second authority claiming {shared} was answered {ex.brief()}")
    got = org.get(shared)
    expect(got.status == 200 and got.json == mine, f"GET {shared} answers {got.brief()}, not the first authority's")
    expect(rival.get(rival.uri).status == 404, "the refused rival manifest was stored")


def _well_known(ctx: Context) -> dict[str, Any]:
    ex = ctx.request("GET", WELL_KNOWN, key=None)
    if ex.status in (404, 501) and ex.code() in (None, "not_found"):
        raise NotImplementedByNode(f"GET {WELL_KNOWN} answered {ex.status}")
    expect_status(ex, (200,))
    expect(isinstance(ex.json, dict), f"{WELL_KNOWN} is not a JSON object")
    return dict(ex.json)


@check("http:well_known_manifest", requirements=("STG-MAN-001", "STG-MAN-005", "STG-MAN-011"), profile=PROFILE)
def well_known_manifest(ctx: Context) -> None:
    """The well-known manifest matches schemas/wire/manifest.json, verifies under its own key, is valid now for 24 h
    to 365 days, lists the discovery node_id, and GET by that node_id answers it."""
    fed = federator(ctx)
    doc = _well_known(ctx)
    errors = [e.message for e in validator(schemas_dir() / "wire" / "manifest.json").iter_errors(doc)]
    expect(not errors, f"{WELL_KNOWN} does not match schemas/wire/manifest.json: {errors[:3]}")
    try:
        oracle.verdict(doc, _stamp(datetime.now(UTC)))
    except oracle.ManifestRefused as exc:
        raise CheckFailed(f"the node's own manifest does not verify: {exc.code}: {exc}") from None
    expect(fed.node_id in doc["entities"], f"the manifest does not list the node_id {fed.node_id}")
    got = ctx.request("GET", f"{PUT}/{quote(fed.node_id, safe='')}", key=None)
    expect(got.status == 200 and got.json == doc, f"GET by node_id answers {got.brief()}, not the well-known one")


def _rotated_away(ctx: Context) -> set[str]:
    """The key ids the node's rotation log (GET /v1/federation/key-rotations) says it left behind."""
    ex = ctx.request("GET", "/v1/federation/key-rotations", key=None)
    entries = ex.json.get("entries", []) if ex.status == 200 and isinstance(ex.json, dict) else []
    return {str(e.get("old_key_id")) for e in entries if isinstance(e, dict)}


@check("http:manifest_resubmitted_on_rotation", requirements=("STG-MAN-010",), profile=PROFILE)
def manifest_resubmitted_on_rotation(ctx: Context) -> None:
    """After a federation-key rotation the well-known manifest is signed by the new key and ends with an event from
    the old manifest's key, signed by it, keeping the earlier events. An own manifest found still under a key the
    rotation log names as rotated away from (an earlier rotation, by another check, was not re-submitted) fails."""
    fed = federator(ctx)
    before = _well_known(ctx)
    if before["public_key"] != fed.pubkey_b64:
        if before.get("entity_uri") == fed.node_id and before.get("key_id") in _rotated_away(ctx):
            raise CheckFailed(f"the node's own manifest is still signed by key {before.get('key_id')}, which its "
                              "rotation log says it rotated away from: an earlier rotation did not re-submit it")
        raise NotImplementedByNode("the well-known manifest is not signed with the federation key")
    ex = ctx.request("POST", "/v1/admin/federation/key-rotation", json_body={})
    if ex.status in (404, 501):
        raise NotImplementedByNode(f"the key rotation route answered {ex.status}")
    expect_status(ex, (200, 201))
    after = _well_known(ctx)
    try:
        oracle.verdict(after, _stamp(datetime.now(UTC)), previous=before)
    except oracle.ManifestRefused as exc:
        raise CheckFailed(f"the manifest after rotation does not continue the one before: {exc.code}: {exc}") from None
    fed.refresh()
    expect(after["public_key"] == fed.pubkey_b64, "the manifest is not signed by the new federation key")
    expect(len(after["rotation_events"]) == len(before["rotation_events"]) + 1, "no rotation event was added")


@check("http:manifest_publish_audited", requirements=("STG-MAN-012",), profile=PROFILE)
def manifest_publish_audited(ctx: Context) -> None:
    """An accepted PUT by an admin key of its own leaves a manifest_publish event in the audit log naming the
    manifest's entity_uri and manifest_id, and that admin as its actor_entity."""
    org = Org(ctx)
    key = ctx.mint_key("manifest-admin", ["read", "write", "admin"], ["local", "team", "company", "public"])
    principal = f"stigmem://conformance.test/agent/manifest-admin-{ctx.run_id}"
    answered = org.accepted(org.manifest(), key=key)
    found = walk(ctx, 500, event_type="manifest_publish")
    named = [e for e in found if isinstance(e.get("metadata"), dict) and e["metadata"].get("entity_uri") == org.uri]
    expect(len(named) == 1, f"{len(named)} manifest_publish events name {org.uri} ({len(found)} in all), expected 1")
    event = named[0]
    expect(event["metadata"].get("manifest_id") == answered["manifest_id"],
           f"the manifest_publish event names manifest_id {event['metadata'].get('manifest_id')!r}, the PUT answered "
           f"{answered['manifest_id']!r}")
    expect(event.get("actor_entity") == principal,
           f"the manifest_publish event names actor {event.get('actor_entity')!r}, not the admin {principal}")


@check("http:manifest_org_lists_node", requirements=("STG-MAN-009", "STG-MAN-015"), profile=PROFILE)
def manifest_org_lists_node(ctx: Context) -> None:
    """An operator's org manifest listing the node's node_id is accepted (not a conflict with the node's
    self-signed manifest) and is then served at the well-known path and for the node_id; once the org withdraws the
    node, the node's own manifest is served again."""
    fed = federator(ctx)
    org = Org(ctx)
    doc = org.manifest(entities=[org.uri, fed.node_id])
    try:
        org.accepted(doc)
        for where, got in (("the well-known path", ctx.request("GET", WELL_KNOWN, key=None)),
                           (f"GET {fed.node_id}", org.get(fed.node_id))):
            expect(got.status == 200 and got.json == doc,
                   f"{where} answers {got.brief()}, not the org manifest that lists the node")
    finally:
        withdrawn = org.put(org.manifest(hours=49))
    expect_status(withdrawn, (200,))
    back = _well_known(ctx)
    expect(back.get("entity_uri") == fed.node_id,
           f"after the org withdrew the node, the well-known manifest is {back.get('entity_uri')!r}'s, not the node's")

