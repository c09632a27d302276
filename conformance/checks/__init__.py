"""Black-box checks of a node over HTTP, one module per spec concept, registered by id.

Each check is tagged with requirement ids and a profile, and raises ``CheckFailed`` or ``Skip``; a check that
returns has passed. Importing this package registers every check.
"""

from conformance.checks import (  # noqa: F401  (imported for registration)
    admin_keys,
    audit_log,
    auth,
    authority,
    batch,
    cid,
    connections,
    contradictions,
    discovery,
    edges,
    errors,
    exchanges,
    expiry,
    facts,
    federation,
    gardens,
    gardens_acl,
    gardens_edges,
    gardens_listing,
    gardens_soundness,
    graph,
    key_rotation,
    manifests,
    pagination,
    quarantine,
    query_edges,
    quotas,
    recall,
    resolution,
    robustness,
    scopes,
    time_travel,
    tls,
    tombstones,
    transparency,
    workers,
)
