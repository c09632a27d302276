"""Several workers, one federating node: the clock after an ingest, one pull loop (seed §22, profile hardening).

A fact pulled from a peer with an HLC ahead of the node's clock raises the clock of the worker that ingested it
(the receive rule); every other worker must then stamp above it too, since the node hands out HLCs above every
HLC it stored (STG-WORK-003, STG-HLC-005). The pull loop runs once per node, not once per worker (STG-WORK-009): a
scripted peer times the node's scheduled pulls, when the run knows the node's pull interval (``--pull-interval``;
the embedded node's is an hour unless ``--embedded-arg=--pull-interval=S`` says otherwise).
"""

from __future__ import annotations

import itertools
import time

from conformance.checks.federation.support import ingest, registered_peer
from conformance.checks.registry import Context, Skip, check, expect
from conformance.checks.workers import CONNECTIONS, TIMEOUT_S, assert_job, fan_out, written_facts
from conformance.oracle import hlc as hlc_oracle

AHEAD_MS = 20_000  # the pulled fact's HLC ahead of now: inside the 300 s skew bound, beyond the check's own span
FIRST_PULL_SLACK_S = 20.0  # the loop's first pull of a new peer: one interval, plus its look at the peer list
WINDOW_INTERVALS = 8  # pulls counted over this many intervals after the first
TIMER_SLACK = 0.1  # a pull may come this fraction of an interval early (a timer's jitter, a fixed-rate schedule)


@check("http:workers_hlc_catch_up_after_ingest", requirements=("STG-WORK-003", "STG-HLC-005"), profile="hardening")
def hlc_catch_up_after_ingest(ctx: Context) -> None:
    """After the node pulls a fact 20 s ahead, asserts on 24 connections at once (so every worker answers some)
    all get an HLC above the pulled one, whichever worker ingested it."""
    with registered_peer(ctx) as (peer, fed):
        ahead = ingest(ctx, peer, fed, [{"as": "ahead", "hlc_offset_ms": AHEAD_MS}])["ahead"]
        facts = written_facts(fan_out([assert_job(ctx, 2) for _ in range(CONNECTIONS)], TIMEOUT_S))
    pulled = hlc_oracle.parse(str(ahead["hlc"]))
    behind = [str(f.get("hlc")) for f in facts if hlc_oracle.parse(str(f.get("hlc"))) <= pulled]
    expect(not behind, f"{len(behind)} of {len(facts)} asserts after pulling a fact stamped {ahead['hlc']} got an HLC "
                       f"not above it, e.g. {behind[:2]}: a worker's clock did not catch up with the stored HLC")


@check("http:workers_pull_cadence", requirements=("STG-WORK-009",), profile="hardening")
def pull_cadence(ctx: Context) -> None:
    """With the node's pull interval known, a registered peer is pulled by one loop: after its first scheduled
    pull, consecutive pulls reach it about an interval apart (at least 0.9 of it), at most one per interval (a loop
    in every worker would pull it once per worker, on schedules of their own)."""
    interval = ctx.pull_interval_s
    if interval is None:
        raise Skip("the run does not know the node's pull interval (--pull-interval): its loop cannot be counted")
    with registered_peer(ctx) as (peer, _):
        deadline = time.monotonic() + interval + FIRST_PULL_SLACK_S
        while not peer.facts_requests() and time.monotonic() < deadline:
            time.sleep(0.05)
        expect(bool(peer.facts_requests()), f"the node's loop never pulled the new peer within "
                                            f"{interval + FIRST_PULL_SLACK_S:.0f} s at a pull interval of {interval} s")
        first = peer.facts_requests()[0].at
        time.sleep(WINDOW_INTERVALS * interval)
        arrivals = [seen.at for seen in peer.facts_requests()]
    window = [at for at in arrivals if at <= first + WINDOW_INTERVALS * interval]
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(window)]
    short = [gap for gap in gaps if gap < interval * (1 - TIMER_SLACK)]
    expect(not short, f"{len(short)} of {len(gaps)} pulls of one peer came well within the pull interval "
                      f"({interval} s) of the one before: gaps {gaps}")
    expect(len(window) <= WINDOW_INTERVALS + 1,
           f"{len(window)} pulls reached the peer in the first {WINDOW_INTERVALS} pull intervals of {interval} s: one "
           f"loop pulls at most {WINDOW_INTERVALS + 1}")
