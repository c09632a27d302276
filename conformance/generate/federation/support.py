"""What every federation vector file shares: the two node identities, the fixed clock, the interpretation tags
and the notes dictionary (each file carries all of it, so a flag means the same in every file)."""

from __future__ import annotations

import hashlib
import uuid

from conformance.generate.ed25519_vectors import SEED1, SEED2
from conformance.generate.peer_token_vectors import IAT
from conformance.oracle import ed25519 as oracle
from conformance.oracle.federation import NEVER, SCOPES

__all__ = ["A08", "A_ID", "A_URL", "B_ID", "B_URL", "DECL_SHAPE", "FIELDS", "FUT", "JCS6", "KEY_A", "KEY_B", "NEVER",
           "NOTES", "PAST", "PUB1", "PUB2", "SCOPES", "WALL", "uuid_of"]


def uuid_of(label: str) -> str:
    """A fixed UUIDv4 spelled from SHA-256 of ``label``."""
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


PUB1, PUB2 = oracle.public_key(SEED1), oracle.public_key(SEED2)
KEY_A, KEY_B = oracle.b64u_encode(PUB1), oracle.b64u_encode(PUB2)
A_ID = "stigmem://node-a.example/node/" + uuid_of("node a")
B_ID = "stigmem://node-b.example/node/" + uuid_of("node b")
A_URL, B_URL = "https://node-a.example", "https://node-b.example"
FIELDS = oracle.PEER_DECLARATION_OPTIONS
A08 = {"peer_declaration_fields": "a08-jcs"}
JCS6 = {"cid_preimage": "jcs-6"}
WALL = IAT  # 2026-05-02T12:00:00Z: the pulled facts' HLC wall
FUT, PAST = 300_000, 2_592_000_000  # hlc_skew_bounds ref-defaults

DECL_SHAPE = ("STG-FED-002", "STG-SIG-001")

NOTES = {
    "Declaration": {"description": "A well-formed PeerDeclaration that verifies against the declarer's discovery "
                                   "document: the peer becomes active.",
                    "effect": "Valid peers are refused, so federation never starts.",
                    "requirements": "STG-FED-003, STG-FED-005, STG-FED-006, STG-FED-007"},
    "RateLimit": {"description": "The optional rate_limit member: exactly {facts_per_second, burst}, each an "
                                 "integer >= 1 (a boolean is not an integer).",
                  "effect": "Peers declare limits the node cannot honour, or valid limits are refused.",
                  "requirements": "STG-FED-002"},
    "Shape": {"description": "The declaration is not well formed (missing, unknown or ill-typed member, node_url "
                             "not http(s), node_id not a normalized formal stigmem:// URI, allowed_scopes not "
                             "distinct strings, signed_at not RFC 3339): invalid_declaration, before any "
                             "verification.",
              "effect": "Malformed declarations reach the signature check or the peer table.",
              "requirements": "STG-FED-002"},
    "DiscoveryInvalid": {"description": "The fetched discovery document is not a JSON object.",
                         "effect": "Verification crashes or passes on a document it cannot read.",
                         "requirements": "STG-FED-003"},
    "NodeIdMismatch": {"description": "The discovery document's node_id is not exactly the declaration's.",
                       "effect": "A node registers under another node's identity.",
                       "requirements": "STG-FED-006"},
    "PubkeyMismatch": {"description": "The discovery document's federation_pubkey is not exactly the "
                                      "declaration's.",
                       "effect": "A forger signs with its own key for someone else's node.",
                       "requirements": "STG-FED-006"},
    "SignatureInvalid": {"description": "declaration_sig does not verify under the declared key (a member "
                                        "changed after signing, another signer, a malformed signature or key).",
                         "effect": "Forged or altered declarations become active.",
                         "requirements": "STG-FED-005"},
    "ScopeInvalid": {"description": "allowed_scopes names local or a scope that does not exist.",
                     "effect": "A peer is registered for local facts or for scopes no rule covers.",
                     "requirements": "STG-FED-007, STG-FED-024"},
    "Upstream": {"description": "Under peer_declaration_fields = upstream-0.9.0a12 the signature covers five "
                                "members only, so rate_limit is unsigned and the verdict differs.",
                 "effect": "Only informative for nodes using that option.", "requirements": "STG-SIG-001"},
    "Accepted": {"description": "A pulled fact passing steps 2 to 6: the result is its recomputed CID and "
                                "normalized entity and source.",
                 "effect": "Good facts from peers are dropped.",
                 "requirements": "STG-FED-034, STG-FED-036, STG-CID-013, STG-HLC-007"},
    "FactId": {"description": "The origin's fact id: 1 to 128 characters of ASCII letters, digits, '.', '_' and "
                              "'-', starting with a letter or digit (so it never reads as a CID or a URI).",
               "effect": "Ids that collide with CIDs or stigmem:fact: entities are stored.",
               "requirements": "STG-FACT-007"},
    "FactShape": {"description": "A body field, hlc, timestamp or valid_until is missing or malformed: "
                                 "invalid_fact, as for a local assert.",
                  "effect": "Malformed facts from peers are stored.", "requirements": "STG-FACT-007"},
    "Normalization": {"description": "Entity and source are normalized before the CID is recomputed.",
                      "effect": "A peer's spelling of an entity splits it in two or fails the CID.",
                      "requirements": "STG-URI-001, STG-CID-003"},
    "Reserved": {"description": "The relation is one only a node writes for itself (stigmem:conflict, "
                                "stigmem:conflict:*, stigmem:resolves, stigmem:received_from, stigmem:memory:card, "
                                "garden:*), compared case-insensitively; stigmem:ttl is not reserved.",
                 "effect": "A peer forges conflict records, provenance or garden membership.",
                 "requirements": "STG-NS-002, STG-NS-004"},
    "CidMismatch": {"description": "The fact's cid is not the CID recomputed over its normalized body.",
                    "effect": "Tampered facts are stored under a CID that does not address them.",
                    "requirements": "STG-CID-013"},
    "ScopeViolation": {"description": "The fact's scope is local, team, or not declared by the peer.",
                       "effect": "A peer writes into scopes it was never granted.",
                       "requirements": "STG-FED-034, STG-FED-035"},
    "SourceNotOwned": {"description": "The source is neither the peer's node_id nor a formal URI under the "
                                      "authority of the peer's node_id (interpretation source_ownership).",
                       "effect": "A peer writes facts in another node's or an agent's name.",
                       "requirements": "STG-FED-036"},
    "SkewBoundary": {"description": "The HLC wall exactly at a skew bound (accepted), one millisecond beyond "
                                    "(hlc_skew), or a bound of 0, which disables it.",
                     "effect": "Off-by-one skew rejections, or a disabled bound that still rejects.",
                     "requirements": "STG-HLC-007"},
    "Served": {"description": "Which stored facts a peer may pull: scope in declared allowed_scopes and in the "
                              "token's scopes, never local or team.",
               "effect": "Facts leak to peers that were not granted their scope, or granted facts are withheld.",
               "requirements": "STG-FED-023, STG-FED-024, STG-FED-025, STG-FED-026, STG-FED-027"},
    "NeverServed": {"description": "A fact never served whatever its scope: a stigmem:conflict:* entity, a "
                                   "relation starting stigmem: (any case), a garden-tagged fact, a fact received "
                                   "from a peer.",
                    "effect": "Meta-facts, garden facts or other peers' facts are re-federated.",
                    "requirements": "STG-FED-028, STG-PROV-005, STG-FED-045"},
    "Issued": {"description": "The claims a node puts in a token it issues: exactly iss, sub, iat, exp, nonce and "
                              "scopes, exp being iat + lifetime_ms.",
               "effect": "Peers refuse the node's tokens, or tokens outlive the requested lifetime.",
               "requirements": "STG-TOK-001, STG-TOK-002"},
    "Replay": {"description": "A nonce accepted before is presented again, by the same or another token, while it "
                              "is remembered: nonce_already_seen, audited replay_attempt.",
               "effect": "Captured tokens are replayed.", "requirements": "STG-TOK-006, STG-TOK-008, STG-RPL-006"},
    "Retention": {"description": "An accepted nonce is remembered until max(exp, accepted_at + 300000 ms), that "
                                 "instant included, and forgotten one millisecond later.",
                  "effect": "Replays slip through after five minutes, or nonces are never released.",
                  "requirements": "STG-TOK-007"},
    "RefusedToken": {"description": "A token refused for another reason is audited rejected_token and its nonce "
                                    "is not remembered.",
                     "effect": "Refusals go unaudited, or a refused token burns a nonce.",
                     "requirements": "STG-RPL-006, STG-AUDIT-002"},
}
