"""Which bucket store the node charges through: by ``--trust-cache`` like the nonce cache, and by the worker count
(STG-WORK-010, STG-WORK-013; docs/workers.md "Quota buckets").

Apart from the stores (storage/quotas.py, storage/memory_buckets.py, storage/redis_buckets.py) so none imports
another's choice.
"""

from __future__ import annotations

from reference_node.storage.database import Database
from reference_node.storage.memory_buckets import MemoryBuckets
from reference_node.storage.quotas import Buckets, SqliteBuckets
from reference_node.storage.trust_cache import checked_url

__all__ = ["open_buckets"]


def open_buckets(url: str | None, db: Database, node_id: str, workers: int = 1) -> Buckets:
    """``redis://...``: Redis (the ``--trust-cache`` URL); else the database with several workers (shared by every
    process), and the process's memory with one (nothing else charges its buckets; written to the database at stop).
    """
    if checked_url(url) not in (None, "sqlite"):
        from reference_node.storage.redis_buckets import RedisBuckets

        assert url is not None
        return RedisBuckets(url, node_id, db)
    return SqliteBuckets(db) if workers > 1 else MemoryBuckets(db)
