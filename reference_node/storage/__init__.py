"""Storage of the reference node: SQLite (stdlib), WAL, numbered SQL migrations (Spec-17; CIDF storage contract).

``Store`` is the entry point; ``facts``, ``conflicts``, ``keys`` hold the SQL, ``ledger`` the write path.
"""

from reference_node.storage.errors import StoreError
from reference_node.storage.facts import FactQuery
from reference_node.storage.rows import NewFact
from reference_node.storage.store import Store

__all__ = ["FactQuery", "NewFact", "Store", "StoreError"]
