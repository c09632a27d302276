"""The SQLite database: connection, pragmas, numbered migrations and transactions (Spec-17).

One connection, shared under a lock: requests run on one event-loop thread, and a single writer is what SQLite
allows anyway. WAL mode with ``synchronous=NORMAL`` keeps commits cheap. Migrations are the data files
``migrations/NNNN_*.sql``, applied in order at start-up, each inside one transaction together with its
``schema_migrations`` row (applied versions are skipped, never re-run).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources

from reference_node.storage.errors import StoreError

__all__ = ["Database", "Migration", "MigrationError", "available_migrations"]

_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


class MigrationError(RuntimeError):
    """The database was written by a newer node, or a migration failed."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """The packaged migrations, sorted by version (Spec-17: deterministic order)."""
    folder = resources.files("reference_node.storage").joinpath("migrations")
    found = []
    for item in folder.iterdir():
        match = _MIGRATION_NAME.fullmatch(item.name)
        if match:
            found.append(Migration(match.group(1), item.name, item.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


class Database:
    """One SQLite connection with a lock; ``transaction()`` for writes, ``reading()`` for reads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        # Called with the connection right after BEGIN IMMEDIATE, holding the write lock of every process.
        self.on_begin: list[Callable[[sqlite3.Connection], None]] = []
        self._depth = 0  # transactions open on this connection (a nested one joins the outer one)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=512,
                                    timeout=10.0)
        self.conn.execute("PRAGMA busy_timeout=10000")
        # Two processes opening one fresh file (the node and `keys bootstrap`) can meet here: switching to WAL
        # is not covered by the busy handler, so it is retried for a bounded time.
        for attempt in range(100):
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.05)
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.execute("PRAGMA temp_store=MEMORY")
        self.conn.execute("PRAGMA analysis_limit=1000")

    def close(self) -> None:
        """Close the connection, letting SQLite refresh its planner statistics first."""
        with self._lock:
            with suppress(sqlite3.Error):
                self.conn.execute("PRAGMA optimize")
            self.conn.close()

    @contextmanager
    def transaction(self, hooks: bool = True) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: a request never half-writes.

        A full disk or database (SQLITE_FULL, on a statement or at COMMIT) is the StoreError ``storage_full``. A
        transaction opened inside another joins it: the outer one commits both, or rolls both back (an action and its
        audit event, STG-AUDIT-009). ``hooks=False`` skips ``on_begin`` (the HLC catch-up) for a transaction that
        stamps no HLC, such as a quota charge: the next transaction that stamps one still catches up."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for hook in self.on_begin if hooks else ():
                        hook(self.conn)
                    yield self.conn
                except BaseException:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode != sqlite3.SQLITE_FULL:
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError("storage_full", "the node's storage is full; nothing was written") from exc
            finally:
                self._depth = 0

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads; holding the lock keeps writes of this node out between statements."""
        with self._lock:
            yield self.conn

    def migrate(self, applied_at: str) -> list[str]:
        """Apply pending migrations; returns the versions applied now (STG: Spec-17 idempotent runner)."""
        with self._lock:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, "
                "applied_at TEXT NOT NULL)"
            )
            # Another process may be migrating the same file: wait for its write lock, then read what it did.
            self.conn.execute("BEGIN IMMEDIATE")
            done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
            self.conn.execute("COMMIT")
            known = available_migrations()
            unknown = done - {migration.version for migration in known}
            if unknown:
                raise MigrationError(f"database has migrations this node does not know: {sorted(unknown)}")
            applied = []
            for migration in known:
                if migration.version in done:
                    continue
                script = (
                    "BEGIN IMMEDIATE;\n"
                    + migration.sql
                    + "\n;INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                    + f"('{migration.version}', '{migration.name}', '{applied_at}');\nCOMMIT;"
                )
                try:
                    self.conn.executescript(script)
                except sqlite3.Error as exc:
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    if self._applied(migration.version):  # another process applied it first: not a failure
                        continue
                    raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
                applied.append(migration.version)
            return applied

    def _applied(self, version: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone()
        return row is not None

    def migrations(self) -> list[dict[str, str]]:
        with self._lock:
            rows = self.conn.execute("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
            return [{"version": v, "name": n, "applied_at": a} for v, n, a in rows]

    def state(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM node_state WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    def set_state_once(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless a value exists; returns the stored value."""
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO node_state (key, value) VALUES (?, ?)", (key, value))
            return str(conn.execute("SELECT value FROM node_state WHERE key = ?", (key,)).fetchone()[0])
