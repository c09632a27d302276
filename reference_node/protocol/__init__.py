"""Pure protocol rules of the reference node: no I/O, no wall-clock reads, no globals.

One module per spec concept (Spec-01, Spec-15, CIDF, Spec-05; A08 §2, §3, §6.1): ``jcs``, ``entity_uri``, ``values``,
``facts``, ``cid``, ``namespaces``, ``hlc``, ``contradictions``, ``base64url``, ``ed25519_policy``, ``signatures``,
``peer_tokens``. Every rejection is a typed ``errors.ProtocolError`` carrying a stable code and the requirement id it
enforces. Time, keys and interpretation options are parameters. Storage, HTTP and federation live outside this
package.
"""
