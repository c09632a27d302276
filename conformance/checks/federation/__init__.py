"""Federation checks (profile core-federation): the node under test against scripted peers, and clusters.

Single-node checks drive ``ctx.target`` through a scripted peer inside the suite (``registration``, ``serving``,
``ingest``, ``tokens``) and skip when the node does not enable federation. Multi-node checks
(``failure_modes``) start their own clusters from ``ctx.recipe`` and skip without one. Importing this package
registers every check.
"""

from conformance.checks.federation import (  # noqa: F401  (imported for registration)
    capability_issuance,
    capability_near_misses,
    capability_refresh,
    capability_tokens,
    failure_modes,
    gardens,
    hostile_ingest,
    ingest,
    manifest_trust,
    privilege,
    quarantine,
    quarantine_surface,
    recall_quarantine,
    registration,
    serving,
    source_trust,
    tokens,
    tombstones,
    trust_mode,
)
