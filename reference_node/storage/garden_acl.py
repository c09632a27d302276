"""The garden ACL of every fact read, as SQL (Spec-02 §Read Access; STG-SCOPE-012/014/027/030).

Membership is looked up by the statement itself, so a membership change applies to the next request
(STG-SCOPE-026); no read route caches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RELEASED", "Reader", "visible_clause"]


@dataclass(frozen=True)
class Reader:
    """Whose garden memberships a read or write is judged by, and whether it is a node admin (interpretation
    garden_node_admin: the admin permission; it reads garden records and rosters and, under garden_orphans, the
    facts of deleted gardens, never a live garden's facts)."""

    entity_uri: str
    node_admin: bool = False

# The garden_ids a reader belongs to (live gardens only).
_MEMBER_OF = (
    "SELECT g.garden_id FROM garden_members m JOIN gardens g ON g.id = m.garden "
    "WHERE m.entity_uri = ? AND g.deleted_at IS NULL"
)
# Garden ids that name no live garden: the facts a deleted garden left behind.
_ORPHANED = "{column} NOT IN (SELECT garden_id FROM gardens WHERE deleted_at IS NULL)"


def visible_clause(column: str, reader: str, node_admin: bool) -> tuple[str, tuple[Any, ...]]:
    """SQL true for rows whose garden ``column`` the reader may read, with its parameters.

    STG-SCOPE-012/014: no garden, or a live garden the reader belongs to; STG-SCOPE-027 (interpretation
    garden_orphans = fail-closed): a deleted garden's facts only for node admins.
    """
    # Unary + keeps SQLite off the garden index here: these are residual filters of the (hlc, id) walk.
    clause = f"(+{column} IS NULL OR +{column} IN ({_MEMBER_OF})"
    if node_admin:
        clause += " OR " + _ORPHANED.format(column="+" + column)
    return clause + ")", (reader,)


# STG-QUAR-001/005 (Spec-08): pending and rejected quarantined facts never appear in a normal read, nor does one
# promoted into a garden (the garden holds its copy, written at promotion); one promoted into the main fabric reads
# as it came.
RELEASED = (
    "NOT EXISTS (SELECT 1 FROM fact_quarantine q WHERE q.fact_id = {column} "
    "AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))"
)
