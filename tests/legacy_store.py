"""Legacy rows for backfill tests: facts stored the way a node that predates CIDs stored them.

The reference node gives every fact it writes a CID in the same transaction (STG-CID-010) and has no switch to do
otherwise, so a store with CID-less rows only arises from an older node's database. This fixture makes one at the
storage level, in a test database whose schema the node already created: it inserts fact rows with ``cid`` NULL
and no ``fact_cid_aliases`` row, as a pre-CID schema held them (the nullable column is there for exactly these
rows, CIDF §Storage Contract). The bodies mix every value type, number spellings, non-ASCII text, all four scopes
and repeated bodies (two rows, one CID).
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["legacy_body", "write_legacy_rows"]

# 2020-01-01T00:00:00Z, before any CID-era write.
_T0_US = 1_577_836_800_000_000
_SCOPES = ("local", "team", "company", "public")


def legacy_body(n: int, rng: random.Random) -> dict[str, Any]:
    """The ``n``-th legacy body (normalized entity and source, as a node stores them)."""
    kind = n % 8
    value: dict[str, Any] = [
        {"type": "string", "v": f"value {n}"},
        {"type": "text", "v": f"caf\u00e9 \u2603 line {n}\nsecond line"},
        {"type": "number", "v": rng.choice([42, 42.0, 0.1, -7.5, 1e21, 5e-05])},
        {"type": "boolean", "v": bool(n % 3)},
        {"type": "null", "v": None},
        {"type": "datetime", "v": "2019-12-31T23:59:59Z"},
        {"type": "ref", "v": f"stigmem://legacy.test/user/u{n % 50}"},
        {"type": "string", "v": "repeated body"},  # every such row shares one body per entity
    ][kind]
    return {
        "entity": f"stigmem://legacy.test/user/u{n % 50 if kind != 7 else 0}",
        "relation": f"memory:r{n % 13 if kind != 7 else 0}",
        "value": value,
        "source": "stigmem://legacy.test/agent/importer",
        "confidence": rng.choice([1.0, 0.5, 0.9, 0.25]) if kind != 7 else 1.0,
        "scope": _SCOPES[n % 4] if kind != 7 else "local",
    }


def write_legacy_rows(db_path: Path | str, count: int, seed: int = 16) -> list[dict[str, Any]]:
    """Insert ``count`` CID-less fact rows into the node database at ``db_path``; returns their bodies with ids."""
    rng = random.Random(seed)
    written = []
    with sqlite3.connect(db_path) as conn:
        for n in range(count):
            body = legacy_body(n, rng)
            now_us = _T0_US + n * 1000
            stamp = datetime.fromtimestamp(now_us / 1e6, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            fact_id = f"0190{n:04x}-0000-4000-8000-{n:012x}"
            conn.execute(
                "INSERT INTO facts (id, entity, relation, value_type, value_v, source, timestamp, timestamp_us, hlc, "
                "confidence, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (fact_id, body["entity"], body["relation"], body["value"]["type"],
                 json.dumps(body["value"]["v"], ensure_ascii=False), body["source"], stamp, now_us,
                 f"{now_us // 1000:013d}.000", body["confidence"], body["scope"]))
            written.append({"id": fact_id, **body})
    return written
