"""The two hooks of the recall pipeline that other features fill in (seed Architecture "Graph index and recall
pipeline"; A20 §23.3 recall-time tombstone filter; Spec-05 source trust).

``tombstoned_entities`` is THE TOMBSTONE HOOK: the entities among ``entities`` under an active tombstone. Recall
drops every candidate fact about (or ref-valued to) one of them after scope and garden filtering and before scoring
and packing, and the graph walk neither reaches nor passes through them. It answers none until the tombstone feature
is merged. ``source_trust`` is THE SOURCE-TRUST HOOK: the trust score t of each fact's source, None while trust
scoring is off (the multiplier 0.5 + 0.5 x t is then 1.0).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

__all__ = ["source_trust", "tombstoned_entities"]


def tombstoned_entities(conn: sqlite3.Connection, entities: Iterable[str]) -> set[str]:
    """TOMBSTONE HOOK (STG-REC-003 step 4): none until tombstones are stored."""
    return set()


def source_trust(conn: sqlite3.Connection, fact_ids: Iterable[str]) -> dict[str, float | None]:
    """SOURCE-TRUST HOOK: t per fact id; None (trust off) until source trust scoring is merged."""
    return dict.fromkeys(fact_ids)
