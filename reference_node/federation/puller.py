"""The pull loop: every active peer, every ``--pull-interval`` seconds, with backoff (docs/federation-api.md).

A08 §6.3; STG-FED-001/010 (only active peers), STG-FED-030 (on a network error, a 5xx or a 429: exponential
backoff with jitter, doubling from the interval up to ``--pull-backoff-max``), STG-FED-032 (each page is ingested
in one transaction with its cursor, so a crash or restart resumes from the last committed page). One pull of one
peer follows ``has_more`` for at most 20 pages; the admin trigger runs the same code for every active peer now,
without touching the loop's schedule. Pulls of one peer never overlap (a lock per peer), so two pulls never ingest
the same page twice. Every pull also pulls the peer's tombstones (federation/tombstones.py), and the loop pulls them
on their own at least every 5 minutes (STG-TOMB-022), whatever the interval or the backoff of the facts.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, suppress
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from reference_node.federation import tombstones
from reference_node.federation.manifests import PeerTrust
from reference_node.federation.outbound import BodyTooLarge, get_json
from reference_node.protocol.tls import san_names
from reference_node.storage.federation import FederationStore
from reference_node.storage.peers import PeerRow


class PullSide(Protocol):
    """What the puller needs of its node's federation: the store, a peer token, an HTTP client."""

    store: FederationStore
    tls: ssl.SSLContext | None  # mTLS: peers are pulled over https only (STG-TLS-009)

    def token_for(self, peer: PeerRow) -> str: ...

    def signing_seed(self) -> bytes: ...
    async def peer_trust(self, peer: PeerRow) -> PeerTrust: ...

    def http(self) -> AbstractAsyncContextManager[httpx.AsyncClient]: ...

__all__ = ["MAX_PAGES", "PAGE_LIMIT", "PullOutcome", "Puller"]

log = logging.getLogger("reference_node.federation")

# docs/federation-api.md: a pull cycle follows has_more until a page is empty or 20 pages were read.
MAX_PAGES = 20
# Facts asked for per page: the route's default. A page is one transaction holding the database for its ingest
# (about 1 ms a fact), so smaller pages keep the node's own requests waiting at most ~0.1 s.
PAGE_LIMIT = 100
PULL_ALL_AT_ONCE = 8  # peers pulled at once by POST /v1/admin/federation/pull
# The loop looks for new or changed peers at least this often (seconds), even when nothing is due.
_IDLE_S = 5.0
# What a page may hold at most (schemas/wire/federation_facts_page.json), and its bytes with 64 KiB text values.
_MAX_PAGE_FACTS = 500
_MAX_PAGE_BYTES = 64 * 1024 * 1024


class PullError(Exception):
    """A pull that did not complete; ``backoff`` for network errors, 5xx and 429."""

    def __init__(self, message: str, *, backoff: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.backoff = backoff
        self.retry_after = retry_after


@dataclass
class PullOutcome:
    """One pull of one peer, as POST /v1/admin/federation/pull reports it."""

    peer_id: str
    node_id: str
    pulled: int = 0
    accepted: int = 0
    rejected: int = 0
    error: str | None = None
    more: bool = False
    tomb_pull: tombstones.TombstonePull | None = None  # the tombstone pull that went with it

    def public(self) -> dict[str, Any]:
        return {"peer_id": self.peer_id, "node_id": self.node_id, "pulled": self.pulled, "accepted": self.accepted,
                "rejected": self.rejected, "error": self.error}


@dataclass
class _Schedule:
    due: float
    tombstones_due: float = 0.0  # STG-TOMB-022: the next tombstone poll, at most POLL_EVERY_S after the last
    failures: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _page(body: Any) -> tuple[list[object], str | None, bool]:
    """The members of a federation facts page (schemas/wire/federation_facts_page.json), or PullError."""
    if not isinstance(body, Mapping):
        raise PullError("malformed page: not a JSON object", backoff=False)
    facts, cursor, has_more = body.get("facts"), body.get("cursor"), body.get("has_more")
    if not isinstance(facts, list) or len(facts) > _MAX_PAGE_FACTS:
        raise PullError(f"malformed page: facts must be an array of at most {_MAX_PAGE_FACTS}", backoff=False)
    if cursor is not None and (not isinstance(cursor, str) or not cursor or len(cursor) > 1024):
        raise PullError("malformed page: cursor must be a non-empty string or null", backoff=False)
    if not isinstance(has_more, bool):
        raise PullError("malformed page: has_more must be a boolean", backoff=False)
    return facts, cursor, has_more


def _error_code(body: Any) -> str:
    if isinstance(body, Mapping) and isinstance(body.get("error"), str):
        return f" {body['error'][:100]}"
    return ""


class Puller:
    """The pull side of one node's federation."""

    def __init__(self, federation: PullSide, interval_s: float, backoff_max_s: float) -> None:
        self.federation = federation
        self.interval_s = interval_s
        self.backoff_max_s = backoff_max_s
        self._schedule: dict[str, _Schedule] = {}
        # STG-TOMB-022: tombstones are polled at least every 5 minutes (every pull when the interval is shorter).
        self.tombstone_interval_s = min(interval_s, tombstones.POLL_EVERY_S)
        self._wake: asyncio.Event | None = None

    # Scheduling.

    def backoff_s(self, failures: int, retry_after: float | None = None) -> float:
        """STG-FED-030: the wait after ``failures`` failed pulls in a row.

        ``base = min(interval * 2**failures, max(backoff_max, interval))``, with equal jitter (a uniform draw from
        ``base/2`` to ``base``), never shorter than the interval; a ``Retry-After`` is honoured up to the ceiling.
        """
        ceiling = max(self.backoff_max_s, self.interval_s)
        base = min(self.interval_s * 2 ** min(failures, 30), ceiling)
        delay = max(random.uniform(base / 2, base), self.interval_s)
        if retry_after is not None:
            delay = max(delay, min(retry_after, ceiling))
        return delay

    def _entry(self, peer_id: str, now: float) -> _Schedule:
        entry = self._schedule.get(peer_id)
        if entry is None:
            entry = self._schedule[peer_id] = _Schedule(due=now + self.interval_s,
                                                        tombstones_due=now + self.tombstone_interval_s)
        return entry

    def wake(self) -> None:
        """A peer became active (or was approved): look at the peer list now."""
        if self._wake is not None:
            self._wake.set()

    # Pulling.

    async def _fetch(self, client: httpx.AsyncClient, peer: PeerRow, cursor: str | None) -> Any:
        params = {"limit": str(PAGE_LIMIT)}
        if cursor:
            params["cursor"] = cursor
        headers = {"Authorization": f"Bearer {self.federation.token_for(peer)}"}
        url = peer.node_url.rstrip("/") + "/v1/federation/facts"
        if self.federation.tls is not None and not url.lower().startswith("https://"):  # STG-TLS-009
            raise PullError("tls_required: mTLS is configured and the peer's node_url is not https", backoff=True)
        try:
            fetched = await get_json(client, url, params=params, headers=headers, max_bytes=_MAX_PAGE_BYTES)
        except (httpx.HTTPError, TimeoutError, OSError) as exc:
            raise PullError(f"network: {type(exc).__name__}: {exc}".strip(), backoff=True) from exc
        except BodyTooLarge as exc:
            raise PullError(str(exc), backoff=False) from exc
        # STG-TLS-012: over mTLS the peer's certificate names the node_id it registered with.
        if fetched.peer_uris is not None and not san_names(peer.node_id, fetched.peer_uris):
            raise PullError("san_mismatch: the peer's certificate does not name its node_id", backoff=True)
        if fetched.status == 429 or fetched.status >= 500:
            raise PullError(f"http {fetched.status}{_error_code(fetched.body)}", backoff=True,
                            retry_after=fetched.retry_after)
        if fetched.status != 200:
            raise PullError(f"http {fetched.status}{_error_code(fetched.body)}", backoff=False)
        return fetched.body

    async def _pull(self, client: httpx.AsyncClient, peer: PeerRow, outcome: PullOutcome) -> None:
        store = self.federation.store
        cursor = store.cursor(peer.peer_id)
        # A20 §19.4: the peer's manifest and log evidence, judged once per pull (strict: no trusted manifest, every
        # fact held with no_valid_manifest; the identity_strength of its facts).
        identity = (await self.federation.peer_trust(peer)).identity
        for _ in range(MAX_PAGES):
            facts, next_cursor, has_more = _page(await self._fetch(client, peer, cursor))
            # Ingest (one transaction with the cursor); the current peer row, in case it changed meanwhile.
            current = store.peer(peer.peer_id)
            if current is None or current.status != "active":
                raise PullError(f"peer {peer.peer_id} is no longer active", backoff=False)
            result = store.ingest(current, facts, next_cursor or cursor, pulled_from=cursor, identity=identity)
            if result is None:
                return  # STG-WORK-009: another worker moved this peer's cursor meanwhile; its pull goes on
            outcome.pulled += result.pulled
            outcome.accepted += result.accepted
            outcome.rejected += result.rejected
            if not facts or not has_more or next_cursor is None or next_cursor == cursor:
                return
            cursor = next_cursor
        outcome.more = True

    async def pull_peer(self, peer: PeerRow, *, scheduled: bool = False) -> PullOutcome:
        """One pull of ``peer`` (at most 20 pages); never raises, the error is in the outcome.

        Only the loop's own pulls (``scheduled``) move the schedule: success sets the next pull one interval on
        (at once when the 20-page cap left facts waiting), a backoff error sets it ``backoff_s`` on. A triggered
        pull leaves the schedule alone, so a harness that triggers pulls decides alone when replication happens.
        """
        loop = asyncio.get_running_loop()
        entry = self._entry(peer.peer_id, loop.time())
        outcome = PullOutcome(peer.peer_id, peer.node_id)
        retry_after = None
        backoff = False
        async with entry.lock, self.federation.http() as client:
            try:
                await self._pull(client, peer, outcome)
            except PullError as exc:
                outcome.error, backoff, retry_after = str(exc), exc.backoff, exc.retry_after
            except Exception as exc:  # a bug must not kill the loop; it is logged and reported
                log.exception("pull from %s failed", peer.node_id)
                outcome.error, backoff = f"internal: {type(exc).__name__}: {exc}", True
            outcome.tomb_pull = await self._tombstones(client, peer, entry, loop.time())
        if outcome.error:
            log.warning("pull from %s: %s", peer.node_id, outcome.error)
        if scheduled:
            now = loop.time()
            if backoff:
                entry.failures += 1
                entry.due = now + self.backoff_s(entry.failures, retry_after)
            else:
                entry.failures = 0
                entry.due = now if outcome.more else now + self.interval_s
        return outcome

    async def _tombstones(self, client: httpx.AsyncClient, peer: PeerRow, entry: _Schedule,
                          now: float) -> tombstones.TombstonePull:
        """One pull of the peer's tombstones (inside the peer's lock); the next poll is due one period on."""
        entry.tombstones_due = now + self.tombstone_interval_s
        try:
            result = await tombstones.pull(self.federation, client, peer, self.federation.tls is not None)
        except Exception as exc:  # a bug must not kill the loop
            log.exception("tombstone pull from %s failed", peer.node_id)
            return tombstones.TombstonePull(error=f"internal: {type(exc).__name__}: {exc}")
        if result.error:
            log.warning("tombstone pull from %s: %s", peer.node_id, result.error)
        return result

    async def pull_tombstones(self, peer: PeerRow) -> tombstones.TombstonePull:
        """The loop's tombstone poll of a peer whose facts are not due (STG-TOMB-022)."""
        loop = asyncio.get_running_loop()
        entry = self._entry(peer.peer_id, loop.time())
        async with entry.lock, self.federation.http() as client:
            return await self._tombstones(client, peer, entry, loop.time())

    async def pull_all(self, skip: frozenset[str] = frozenset()) -> list[PullOutcome]:
        """POST /v1/admin/federation/pull: one pull of every active peer not in ``skip``, now; at most
        ``PULL_ALL_AT_ONCE`` at a time, so one slow or unreachable peer does not hold up the others. Outcomes in
        the order of the peer list."""
        gate = asyncio.Semaphore(PULL_ALL_AT_ONCE)

        async def one(peer: PeerRow) -> PullOutcome:
            async with gate:
                return await self.pull_peer(peer)

        peers = [peer for peer in self.federation.store.peers("active") if peer.node_id not in skip]
        return list(await asyncio.gather(*(one(peer) for peer in peers)))

    async def run(self) -> None:
        """The background loop, until cancelled (lifespan shutdown)."""
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while True:
            try:
                peers = self.federation.store.peers("active")
                active = {peer.peer_id for peer in peers}
                for gone in set(self._schedule) - active:
                    del self._schedule[gone]
                for peer in peers:
                    entry = self._entry(peer.peer_id, loop.time())
                    if entry.due <= loop.time():
                        await self.pull_peer(peer, scheduled=True)
                    elif entry.tombstones_due <= loop.time():
                        await self.pull_tombstones(peer)
                next_due = min((min(entry.due, entry.tombstones_due) for entry in self._schedule.values()),
                               default=loop.time() + _IDLE_S)
            except Exception:  # the database went away mid-shutdown, or a bug: log, wait, go on
                log.exception("federation pull loop")
                next_due = loop.time() + _IDLE_S
            self._wake.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(max(next_due - loop.time(), 0.05), _IDLE_S))
