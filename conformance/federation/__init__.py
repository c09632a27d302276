"""Multi-node federation harness: launch recipes, clusters, a fault proxy, a scripted peer, histories.

Spec-05 (federation), Spec-11 (replay), Spec-12 (bounded skew) and Spec-18 (failure modes), with A08 §6 and §11;
the wire contract is docs/federation-api.md. Nothing here imports the reference node: nodes are started from the
command lines of a launch recipe and driven over HTTP only.

- ``identity``: Ed25519 federation identities, signed PeerDeclarations, crafted peer tokens (JWS), manifests.
- ``recipes``: launch recipes (``conformance/recipes/*.toml``) naming how to start, key and federate a node.
- ``fault_proxy``: a loopback TCP proxy that passes, partitions, cuts or delays traffic on cue.
- ``cluster``: N nodes from a recipe, each optionally behind a fault proxy; kill -9, restart, stop by PID.
- ``operator``: what an operator does over HTTP: declarations, registration, approval, pull trigger, audit.
- ``peer``: a scripted federating peer inside the suite that serves crafted pages and presents crafted tokens.
- ``history``: every write and read per node and step, and the invariants checked over it.
- ``scenarios``: the interpreter of the failure-mode step language (``vectors/failure_modes/*.json``).
"""
