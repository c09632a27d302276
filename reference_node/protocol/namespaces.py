"""Reserved namespaces: relations only a node writes for itself (interpretation ``reserved_namespace``).

Requirements: STG-NS-002 (a client may not assert them: 403 ``reserved_namespace``), STG-NS-004 (a peer may not
forge them either: the pulled fact is ``invalid_fact``). Names compare case-insensitively; ``stigmem:ttl`` stays
open to clients (STG-EXP-007).

>>> reserved("Stigmem:Conflict:Status"), reserved("stigmem:ttl")
(True, False)
"""

from __future__ import annotations

__all__ = ["RECEIVED_FROM", "RESERVED_PREFIXES", "RESERVED_RELATIONS", "reserved"]

# Spec-15 / STG-PROV-004: the provenance meta-fact a node writes beside every ingested fact.
RECEIVED_FROM = "stigmem:received_from"
RESERVED_RELATIONS = frozenset({"stigmem:conflict", "stigmem:resolves", RECEIVED_FROM, "stigmem:memory:card"})
RESERVED_PREFIXES = ("stigmem:conflict:", "garden:")


def reserved(relation: str) -> bool:
    """Whether ``relation`` is written only by a node (STG-NS-002, STG-NS-004)."""
    folded = relation.casefold()
    return folded in RESERVED_RELATIONS or folded.startswith(RESERVED_PREFIXES)
