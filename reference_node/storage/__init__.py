"""Storage of the reference node: SQLite (stdlib), WAL, numbered SQL migrations (Spec-17; CIDF storage contract).

``Store`` is the entry point; ``facts``, ``conflicts``, ``keys`` hold the SQL, ``ledger`` the write path.
"""

from .errors import StoreError
from .facts import FactQuery
from .rows import NewFact
from .store import Store

__all__ = ["FactQuery", "NewFact", "Store", "StoreError"]
