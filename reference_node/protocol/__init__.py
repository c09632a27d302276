"""Pure protocol rules of the reference node: no I/O, no wall-clock reads, no globals.

One module per spec concept (digest §2-§4, §8, §9, §11.1, §11.4): ``jcs``, ``entity_uri``, ``values``, ``facts``,
``cid``, ``namespaces``, ``hlc``, ``contradictions``, ``base64url``, ``ed25519_policy``, ``signatures``,
``peer_tokens``. Every
rejection is a typed ``errors.ProtocolError`` carrying a stable code and the requirement id it enforces. Time, keys
and interpretation options are parameters. Storage, HTTP and federation live outside this package.
"""
