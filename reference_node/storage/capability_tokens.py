"""SQL over issued capability tokens and their revocations (0011_capability_tokens.sql; Spec-06; A20 §19.3).

Every function runs in the caller's transaction. ``issue`` stores a signed token and its ``capability_token_issue``
audit event (STG-CAP-016, STG-CAP-019); ``revoke`` stores a signed RevocationEvent and its
``capability_token_revoke`` event (STG-CAP-017); ``revocations`` is the list peers fetch (STG-CAP-018) and
``revoked`` what this node's own verifier reads (a table lookup, never a transparency-log query).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from reference_node.protocol import base64url, jcs
from reference_node.protocol.signatures import signing_key
from reference_node.storage import audit_log, transparency_log
from reference_node.storage.transparency_log import LogSigner

__all__ = ["issue", "revocations", "revoke", "revoked"]


def issue(conn: sqlite3.Connection, token: Mapping[str, Any], issued_by: str | None, now: str) -> bool:
    """Record ``token``; False when an issued token already has its nonce (nothing is written then)."""
    if conn.execute("SELECT 1 FROM capability_tokens WHERE nonce = ?", (token["nonce"],)).fetchone():
        return False
    # STG-CAP-016: token id, issuer, subject, verb, object, expiry and nonce are recorded.
    conn.execute(
        "INSERT INTO capability_tokens (token_id, issuer, subject, verb, object, issued_at, expiry, nonce, key_id, "
        "token, issued_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (token["token_id"], token["issuer"], token["subject"], token["verb"], token["object"], token["issued_at"],
         token["expiry"], token["nonce"], token["key_id"], json.dumps(token, sort_keys=True), issued_by, now))
    # STG-CAP-019: issuance is audited (A20 §22.3 capability_token_issue).
    audit_log.append(conn, "capability_token_issue", "success", now, actor_entity=issued_by,
                     metadata={name: token[name] for name in ("token_id", "issuer", "subject", "verb", "object",
                                                              "expiry")})
    return True


def revoke(conn: sqlite3.Connection, token_id: str, reason: str | None, seed: bytes, revoked_at: str,
           actor: str | None, now: str, signer: LogSigner | None = None) -> bool | None:
    """Revoke an issued token: True when revoked now, False when it already was, None when it is unknown. The
    RevocationEvent is logged in the transparency log in the same transaction, signed by ``signer``."""
    row = conn.execute("SELECT issuer FROM capability_tokens WHERE token_id = ?", (token_id,)).fetchone()
    if row is None:
        return None
    if conn.execute("SELECT 1 FROM capability_token_revocations WHERE token_id = ?", (token_id,)).fetchone():
        return False
    # A20 §19.3.4: RevocationEvent, signed like a token (Ed25519 over JCS without signature).
    event: dict[str, Any] = {"event_type": "token_revocation", "token_id": token_id, "issuer": row[0],
                             "revoked_at": revoked_at, "reason": reason}
    event["signature"] = base64url.encode(signing_key(seed).sign(jcs.canonical(event)))
    conn.execute("INSERT INTO capability_token_revocations (token_id, revoked_at, event) VALUES (?, ?, ?)",
                 (token_id, revoked_at, json.dumps(event, sort_keys=True)))
    # STG-TLOG-011 (Spec-06 SHOULD publish revocation evidence; A20 §19.3.4): the revocation is logged with it.
    transparency_log.append(conn, "revocation", event, signer)
    # STG-CAP-019: revocation is audited (A20 §22.3 capability_token_revoke).
    audit_log.append(conn, "capability_token_revoke", "success", now, actor_entity=actor,
                     metadata={"token_id": token_id, "issuer": row[0], "reason": reason})
    return True


def revoked(conn: sqlite3.Connection, token_id: str) -> bool:
    """STG-CAP-011: whether this node revoked ``token_id``."""
    return conn.execute("SELECT 1 FROM capability_token_revocations WHERE token_id = ?",
                        (token_id,)).fetchone() is not None


def revocations(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every RevocationEvent, oldest first."""
    return [json.loads(event) for (event,) in
            conn.execute("SELECT event FROM capability_token_revocations ORDER BY seq")]
