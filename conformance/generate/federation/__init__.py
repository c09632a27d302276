"""Federation-rule vectors: ``vectors/federation/*.json``, one file per operation.

The pure rules behind the federation endpoints (docs/federation-api.md), one operation each:

- ``declare``: a node's own signed PeerDeclaration (STG-SIG-001), Ed25519 over RFC 8785 of every member but
  ``declaration_sig``;
- ``verify_declaration``: the shape of a PeerDeclaration (schemas/wire/peer_declaration.json: the six members and
  an optional ``rate_limit`` of two positive integers, ``node_url`` an http(s) URL, ``node_id`` a normalized formal
  ``stigmem://`` URI, ``allowed_scopes`` distinct strings, ``signed_at`` RFC 3339), then verification in the
  documented order: the discovery document is an object, its ``node_id`` and ``federation_pubkey`` equal the
  declaration's (STG-FED-006), ``declaration_sig`` verifies under that key (STG-FED-005), ``allowed_scopes`` are
  known scopes without ``local`` (STG-FED-007);
- ``ingest``: steps 2 to 6 of "Ingest (the pulling side)" for one pulled fact;
- ``serve``: which stored facts a peer may pull (STG-FED-023..028, STG-PROV-005, interpretation relaying);
- ``issue_claims``: the claims of a fresh token a node issues (STG-TOK-001, STG-TOK-002);
- ``nonce_replay``: tokens presented in order to one verifier, which remembers an accepted nonce until
  ``max(exp, accepted_at + 300000)`` inclusive (STG-TOK-006..008, interpretation nonce_retention) and audits each
  refusal as ``replay_attempt`` (a seen nonce) or ``rejected_token`` (STG-RPL-006, STG-AUDIT-002).

Every verdict is stated by hand and cross-checked against the small models of the documented rules in
``conformance.oracle.federation``; signatures, CIDs and tokens come from ``conformance.oracle`` and the other
generators' helpers. One module per concept: ``registration`` (declare, verify_declaration), ``ingest``,
``serving`` (serve) and ``tokens`` (issue_claims, nonce_replay); ``support`` holds the identities and the notes
every file shares.
A declaration case whose verdict differs under ``peer_declaration_fields`` = upstream-0.9.0a12 is tagged a08-jcs.
"""
