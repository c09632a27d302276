"""The transparency log's bounds, each just inside and just outside (docs/federation-api.md "Transparency log";
A20 §19.2; RFC 9162; interpretation transparency_log_routes).

``/entries?start=&end=`` answers ``start .. end-1`` (two entries for 0..2, none for k..k) and at most 100: a range
of exactly 100 is served, 101 is refused or cut to 100. ``/entries/{i}?tree_size=`` needs ``i < tree_size``:
``tree_size = i`` is a client error (400), ``i + 1`` a proof. Every index past the end is the same fault, so
``/entries/{size}`` answers as ``/entries/{size + 1}`` does. ``integrated_time`` is Unix seconds: a logged
action's entry is stamped within a day of now. Requirements STG-TLOG-006, STG-TLOG-007.
"""

from __future__ import annotations

import time

from conformance.checks.federation.support import federator
from conformance.checks.registry import Context, check, expect
from conformance.checks.transparency import LOG, _checkpoint, _grow, _ok

PROFILE = "federation-trust"
DAY_S = 86_400


def _range(ctx: Context, start: int, end: int) -> tuple[int, list[int]]:
    ex = ctx.request("GET", f"{LOG}/entries", key=None, params={"start": start, "end": end})
    body = _ok(ex, f"{LOG}/entries?start={start}&end={end}")
    entries = body.get("entries", []) if isinstance(body, dict) else []
    return ex.status, [e.get("log_index") for e in entries if isinstance(e, dict)]


@check("http:transparency_log_entry_ranges", requirements=("STG-TLOG-006", "STG-TLOG-007"), profile=PROFILE)
def transparency_log_entry_ranges(ctx: Context) -> None:
    """entries?start=0&end=2 is entries 0 and 1, start=k&end=k none, a range of exactly 100 is served (100 entries
    or all there are), 101 is refused 400 or cut to at most 100."""
    federator(ctx)
    while _checkpoint(ctx).tree_size < 3:
        _grow(ctx)
    size = _checkpoint(ctx).tree_size
    _, got = _range(ctx, 0, 2)
    expect(got == [0, 1], f"entries?start=0&end=2 answered indexes {got}, expected [0, 1] (end is exclusive)")
    _, got = _range(ctx, 1, 1)
    expect(got == [], f"entries?start=1&end=1 answered indexes {got}, expected none")
    _, got = _range(ctx, 0, 100)
    expect(got == list(range(min(size, 100))), f"a range of exactly 100 (0..100) answered {len(got)} entries "
                                               f"(tree size {size})")
    ex = ctx.request("GET", f"{LOG}/entries", key=None, params={"start": 0, "end": 101})
    if ex.status != 400:
        expect(ex.status == 200 and isinstance(ex.json, dict) and len(ex.json.get("entries", [])) <= 100,
               f"a range of 101 answered {ex.brief()}: neither refused 400 nor cut to at most 100")


@check("http:transparency_log_entry_bounds", requirements=("STG-TLOG-006", "STG-TLOG-007"), profile=PROFILE)
def transparency_log_entry_bounds(ctx: Context) -> None:
    """entries/{i}?tree_size=i (a tree without entry i) is 400, tree_size=i+1 its proof; entries/{size} answers the
    same client error as entries/{size+1}; an entry just logged has integrated_time within a day of now (seconds,
    not milliseconds)."""
    federator(ctx)
    while _checkpoint(ctx).tree_size < 3:
        _grow(ctx)
    size = _checkpoint(ctx).tree_size
    index = size - 2
    ex = ctx.request("GET", f"{LOG}/entries/{index}", key=None, params={"tree_size": index})
    expect(ex.status == 400, f"entries/{index}?tree_size={index} (a tree without the entry) answered {ex.brief()}, "
                             "expected 400")
    entry = _ok(ctx.request("GET", f"{LOG}/entries/{index}", key=None, params={"tree_size": index + 1}),
                f"{LOG}/entries/{index}?tree_size={index + 1}")
    expect(isinstance(entry, dict) and (entry.get("inclusion_proof") or {}).get("tree_size") == index + 1,
           f"entries/{index}?tree_size={index + 1} answered no proof in a tree of {index + 1}")
    at = ctx.request("GET", f"{LOG}/entries/{size}", key=None)
    past = ctx.request("GET", f"{LOG}/entries/{size + 1}", key=None)
    expect(400 <= at.status < 500 and (at.status, at.code()) == (past.status, past.code()),
           f"entries/{size} (the tree size) answered {at.brief()}, entries/{size + 1} {past.brief()}: an index past "
           "the end is one client error")
    _grow(ctx)
    newest = _checkpoint(ctx).tree_size - 1
    logged = _ok(ctx.request("GET", f"{LOG}/entries/{newest}", key=None), f"{LOG}/entries/{newest}")
    stamp = logged.get("integrated_time") if isinstance(logged, dict) else None
    expect(isinstance(stamp, int) and abs(stamp - time.time()) < DAY_S,
           f"the entry just logged has integrated_time {stamp!r}, not Unix seconds within a day of now "
           f"({int(time.time())})")
