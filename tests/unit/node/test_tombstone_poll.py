"""STG-TOMB-022 (A20 §23.4.3: "Peers MUST poll at least every 5 min"): the puller's tombstone schedule.

Every pull of a peer also pulls its tombstones, and the loop's next tombstone poll is due at most 300 s later,
whatever the facts interval (the suite's recipe uses an hour) or the facts backoff after failures.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any

import pytest

from reference_node.federation import puller as puller_module
from reference_node.federation import tombstones
from reference_node.federation.puller import Puller, PullError
from reference_node.storage.peers import PeerRow

PEER = PeerRow("p1", "stigmem://b.example/node/1", "http://127.0.0.1:9", "k", ("public",), "active",
               "2026-05-01T00:00:00Z", None, None, None, None)


class Side:
    store: Any = None
    tls = None

    def token_for(self, peer: PeerRow) -> str:
        return "t"

    def signing_seed(self) -> bytes:
        return bytes(32)

    @asynccontextmanager
    async def http(self) -> Any:
        yield None


@pytest.mark.parametrize(("interval", "poll"), [(3600.0, 300.0), (30.0, 30.0), (300.0, 300.0)])
def test_tombstones_are_polled_at_least_every_five_minutes(monkeypatch: pytest.MonkeyPatch, interval: float,
                                                           poll: float) -> None:
    pulls: list[str] = []

    async def failing_facts(self: Puller, client: Any, peer: PeerRow, outcome: Any) -> None:
        raise PullError("http 503", backoff=True)

    async def tombstone_pull(side: Any, client: Any, peer: PeerRow, https_only: bool) -> tombstones.TombstonePull:
        pulls.append(peer.peer_id)
        return tombstones.TombstonePull()

    monkeypatch.setattr(Puller, "_pull", failing_facts)
    monkeypatch.setattr(puller_module.tombstones, "pull", tombstone_pull)
    puller = Puller(Side(), interval, 3 * interval)  # type: ignore[arg-type]

    async def scenario() -> tuple[float, float, float]:
        loop = asyncio.get_running_loop()
        for _ in range(3):  # three failed fact pulls in a row: the facts back off beyond the interval
            outcome = await puller.pull_peer(PEER, scheduled=True)
            assert outcome.error and outcome.tomb_pull is not None
        entry = puller._schedule[PEER.peer_id]
        return loop.time(), entry.due, entry.tombstones_due

    now, facts_due, tombstones_due = asyncio.run(scenario())
    assert pulls == ["p1"] * 3  # every pull, even one whose facts failed, pulled the tombstones
    assert tombstones_due - now <= poll + 0.5
    assert tombstones_due - now <= 300.0 + 0.5
    assert facts_due - now > interval  # the facts did back off; the tombstone poll did not follow them
