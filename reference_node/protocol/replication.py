"""Pull replication rules: what a peer may receive, and the checks an inbound fact must pass (Spec-05; A08 §6.3-§6.8).

docs/federation-api.md "Pull replication" and "Ingest". Serving: STG-FED-023 (the intersection of the peer's
declared scopes and the token's scopes), STG-FED-024/025 (local and team never), STG-FED-026/027, STG-FED-028
(garden-tagged facts never), STG-PROV-005 (``stigmem:`` meta-facts never), interpretation ``relaying`` = none
(received facts never re-served, STG-FED-045). Ingest, steps 2-6 (step 1, "already have it", and step 7, storing,
need the database): STG-FED-034/035 (scope), STG-FED-036 with interpretation ``source_ownership`` = authority,
STG-CID-013 with ``cid_preimage`` = jcs-6, STG-HLC-007 with ``hlc_skew_bounds`` = ref-defaults. Each check
returns a ``Rejection`` (the audit event and reason) instead of raising, so one poison fact never stops a page.

>>> owns_source("stigmem://node-a.test/node/1", "stigmem://node-a.test/agent/writer")
True
>>> owns_source("stigmem://node-a.test/node/1", "agent:writer")
False
>>> servable_scopes(["public", "company", "team"], ["public", "team"])
('public',)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from reference_node.protocol import cid as cid_rules
from reference_node.protocol import hlc as hlc_rules
from reference_node.protocol import namespaces
from reference_node.protocol import source_trust as source_trust_rules
from reference_node.protocol.errors import HlcSkewFuture, HlcSkewPast, ProtocolError
from reference_node.protocol.facts import SCOPES, FactBody, FactOptions, body
from reference_node.protocol.namespaces import RECEIVED_FROM
from reference_node.protocol.peering import authority
from reference_node.protocol.values import is_rfc3339

__all__ = [
    "NEVER_FEDERATED",
    "RECEIVED_FROM",
    "Inbound",
    "Rejection",
    "admit",
    "owns_source",
    "quarantine_reason",
    "read_inbound",
    "servable",
    "servable_scopes",
]

# A20 §19.4: STIGMEM_TRUST_MODE; relaxed is the default.
TrustMode = Literal["strict", "relaxed", "off"]
TRUST_MODES = ("strict", "relaxed", "off")

# A08 §6.4 / docs/federation-api.md: local never; team never (the reference node has no operator override).
NEVER_FEDERATED = frozenset({"local", "team"})
_CONFLICT_ENTITY = "stigmem:conflict:"
_META_RELATION = "stigmem:"
# Fact ids a peer may send: the origin's opaque id (a UUID on reference nodes); no ':' so it never reads as a CID
# or a stigmem:fact: entity, and short enough to index.
_FACT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", re.ASCII)


@dataclass(frozen=True)
class Rejection:
    """An inbound fact refused: the audit ``event_type``, the ``reason`` naming the check, and a detail."""

    event_type: str
    reason: str
    detail: str
    fact_id: str | None = None


@dataclass(frozen=True)
class Inbound:
    """A well-formed inbound fact whose CID verified: the normalized body and the origin's stamped fields."""

    id: str
    body: FactBody
    cid: str
    hlc: hlc_rules.Hlc
    timestamp: str
    valid_until: str | None


def servable_scopes(declared: Collection[str], token_scopes: Collection[str]) -> tuple[str, ...]:
    """STG-FED-023..027: the scopes a peer may pull, in SCOPES order."""
    return tuple(s for s in SCOPES if s in declared and s in token_scopes and s not in NEVER_FEDERATED)


def servable(entity: str, relation: str, garden_id: str | None, received_from: str | None) -> bool:
    """Whether a stored fact may appear on a federation endpoint at all, whatever its scope.

    Never: conflict entities (A08 §6.5), ``stigmem:`` meta-facts (STG-PROV-005), garden-tagged facts
    (STG-FED-028), facts received from a peer (interpretation relaying = none). Storage mirrors this in SQL.
    """
    return not (
        entity.startswith(_CONFLICT_ENTITY)
        or relation.casefold().startswith(_META_RELATION)
        or garden_id is not None
        or received_from is not None
    )


def owns_source(peer_node_id: str, source: str) -> bool:
    """STG-FED-036, interpretation source_ownership = authority: the node itself or its authority's formal URIs."""
    if source == peer_node_id:
        return True
    peer_authority = authority(peer_node_id)
    return peer_authority is not None and authority(source) == peer_authority


def _reject(reason: str, detail: str, fact_id: str | None, event_type: str = "rejected_fact") -> Rejection:
    return Rejection(event_type, reason, detail, fact_id)


def read_inbound(raw: object, options: FactOptions | None = None) -> Inbound | Rejection:
    """Ingest steps 2 and 3: shape, FactValue and normalization as for a local assert, then the CID.

    A bad fact is ``invalid_fact`` (STG-FACT-007, STG-VAL-*, STG-URI-001); a CID that is not the recomputed one
    is ``cid_mismatch`` (STG-CID-013).
    """
    if not isinstance(raw, Mapping):
        return _reject("invalid_fact", "a fact is a JSON object", None)
    fact_id = raw.get("id")
    if not isinstance(fact_id, str) or not _FACT_ID.fullmatch(fact_id):
        return _reject("invalid_fact", "id must be an opaque id (letters, digits, '.', '_', '-')", None)
    try:
        fact = body(raw, options)
        stamped = hlc_rules.parse(raw.get("hlc"))
    except ProtocolError as exc:
        return _reject("invalid_fact", f"{exc.code}: {exc}", fact_id)
    timestamp, valid_until = raw.get("timestamp"), raw.get("valid_until")
    if not isinstance(timestamp, str) or not is_rfc3339(timestamp):
        return _reject("invalid_fact", "timestamp must be an RFC 3339 date-time", fact_id)
    if valid_until is not None and (not isinstance(valid_until, str) or not is_rfc3339(valid_until)):
        return _reject("invalid_fact", "valid_until must be an RFC 3339 date-time or null", fact_id)
    # STG-NS-004, interpretation reserved_namespace: a peer may not forge a node's own relations.
    if namespaces.reserved(fact.relation):
        return _reject("invalid_fact", f"relation {fact.relation} is written only by a node for itself", fact_id)
    # STG-CID-013, interpretation cid_preimage = jcs-6: recompute over the normalized body and compare.
    computed = cid_rules.of_body(fact)
    if raw.get("cid") != computed:
        return _reject("cid_mismatch", f"cid is {raw.get('cid')!r}, the body hashes to {computed}", fact_id)
    return Inbound(fact_id, fact, computed, stamped, timestamp, valid_until)


def admit(
    fact: Inbound,
    peer_node_id: str,
    declared_scopes: Collection[str],
    now_ms: int,
    max_future_skew_ms: int = hlc_rules.DEFAULT_MAX_FUTURE_SKEW_MS,
    max_past_skew_ms: int = hlc_rules.DEFAULT_MAX_PAST_SKEW_MS,
) -> Rejection | None:
    """Ingest steps 4 to 6 for a verified fact from ``peer_node_id``: None when the fact may be stored.

    4. the scope is one the peer declared and neither local nor team (STG-FED-034/035) -> ``scope_violation``;
    5. the peer owns the source (STG-FED-036) -> ``source_not_owned``;
    6. the HLC is inside the skew bounds (STG-HLC-007) -> ``hlc_skew``; the caller's clock is not touched.
    """
    scope = fact.body.scope
    if scope in NEVER_FEDERATED or scope not in declared_scopes:
        return _reject("scope_violation", f"scope {scope} is not one this peer may send", fact.id, "scope_violation")
    if not owns_source(peer_node_id, fact.body.source):
        return _reject("source_not_owned", f"source {fact.body.source} is not owned by {peer_node_id}", fact.id)
    try:
        hlc_rules.check_skew(now_ms, fact.hlc, max_future_skew_ms, max_past_skew_ms)
    except (HlcSkewFuture, HlcSkewPast) as exc:
        return _reject("hlc_skew", str(exc), fact.id)
    return None



def quarantine_reason(trust_mode: TrustMode, manifest_valid: bool, source_trust: Fraction | None = None) -> str | None:
    """Why an admitted federated fact goes to the quarantine garden instead of the main fabric, or None.

    A20 §19.5: in ``strict`` mode a federated fact is routed to the designated quarantine garden when its source
    trust is below 0.2 or it has no valid manifest (Spec-08 lets a node quarantine on either); ``relaxed`` MUST NOT
    quarantine on score alone and ``off`` computes no trust. ``manifest_valid``: the peer's manifest verified with
    its log evidence (federation/manifests.py ``vet_peer``); the score's reason comes first, being the more specific.
    """
    if trust_mode != "strict":
        # STG-TRUST-008: relaxed (and off) never hold a fact for its score.
        return None
    # STG-TRUST-009: strict holds a fact whose exact source_trust is below 0.2.
    if source_trust_rules.below_threshold(source_trust):
        return "source_trust_below_threshold"
    # STG-QUAR-007: strict holds a fact without a valid manifest.
    if trust_mode == "strict" and not manifest_valid:
        return "no_valid_manifest"
    return None
