"""Which bucket store the node charges through, by ``--trust-cache`` like the nonce cache (STG-WORK-010, STG-WORK-013).

Apart from both stores (storage/quotas.py, storage/redis_buckets.py) so neither imports the other's choice.
"""

from __future__ import annotations

from reference_node.storage.database import Database
from reference_node.storage.quotas import Buckets, SqliteBuckets
from reference_node.storage.trust_cache import checked_url

__all__ = ["open_buckets"]


def open_buckets(url: str | None, db: Database, node_id: str) -> Buckets:
    """``None`` or ``sqlite``: the database (default); ``redis://...``: Redis (the ``--trust-cache`` URL)."""
    if checked_url(url) in (None, "sqlite"):
        return SqliteBuckets(db)
    from reference_node.storage.redis_buckets import RedisBuckets

    assert url is not None
    return RedisBuckets(url, node_id, db)
