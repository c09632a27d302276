"""``backfill-cids``: compute and store the CID of every legacy fact (seed "Content-addressed fact IDs (§25)").

    stigmem-reference-node backfill-cids --db PATH [--batch-size N] [--rate-limit FACTS_PER_S] [--quiet]

Batches of ``--batch-size`` (default 1000) facts, one transaction each, at most ``--rate-limit`` facts per second
(default 500, the seed's figure; 0 lifts the bound). Progress goes to stderr after every batch (done/total, rate,
ETA); the final status is one JSON line on stdout. Safe to run beside a serving node and to interrupt at any point,
SIGKILL included: a rerun continues with the facts still pending and ends as an uninterrupted run would.

Exit codes: 0 every fact has a CID; 1 the database could not be opened or written; 2 bad arguments; 3 the run
finished but facts remain pending (their stored bodies cannot be canonicalized: see verify-cid); 130 interrupted
(the batch in progress was rolled back).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence

from reference_node.clock import SystemClock
from reference_node.protocol.cid_backfill import Progress
from reference_node.storage import Store, cid_backfill
from reference_node.storage.database import MigrationError
from reference_node.storage.errors import StoreError

__all__ = ["EXIT_INTERRUPTED", "EXIT_PENDING", "main"]

EXIT_PENDING = 3
EXIT_INTERRUPTED = 130


def _rate(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the rate limit is a number of facts per second, 0 or more")
    return value


def _batch(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("the batch size is at least 1")
    return value


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="stigmem-reference-node backfill-cids",
                                     description="Compute and store the CID of every fact stored without one.")
    parser.add_argument("--db", required=True, help="the node's SQLite database")
    parser.add_argument("--batch-size", type=_batch, default=1000, help="facts per transaction (default 1000)")
    parser.add_argument("--rate-limit", type=_rate, default=500.0,
                        help="at most this many facts per second (default 500; 0: unbounded)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    def report(progress: Progress) -> None:
        if not args.quiet:
            print(progress.line(), file=sys.stderr, flush=True)

    clock = SystemClock()
    try:
        store = Store.open(args.db, clock)
    except (sqlite3.Error, MigrationError, StoreError) as exc:
        print(f"error: cannot open {args.db}: {exc}", file=sys.stderr)
        return 1
    try:
        written = cid_backfill.run(store.db, clock, args.batch_size, args.rate_limit or None, report)
        status = store.backfill_status()
    except KeyboardInterrupt:
        print("interrupted: the batch in progress was rolled back; rerun to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (sqlite3.Error, StoreError) as exc:
        print(f"error: the backfill stopped: {exc}; rerun to continue", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(json.dumps({"backfilled_now": written, **status}), flush=True)
    return 0 if status["backfill_complete"] else EXIT_PENDING
