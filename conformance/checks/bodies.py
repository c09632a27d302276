"""Request bodies at the node's body limit, however they are framed (RFC 9112 §6, §7.1; STG-HTTP-017).

The limit is the node's own (not advertised): found by declared probes, a JSON body of N bytes with
``Content-Length: N`` being refused 413 exactly when N is over it. At that edge a body sent chunked, in pieces with
a pause between them, is the same body: exactly the limit is read whole and served, one byte more is 413.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from conformance.checks.registry import Context, Skip, check, expect

GUESS = 1024 * 1024  # the limit tried first (a common default); any other is found by bisection
LOW, HIGH = 1024, 16 * 1024 * 1024  # the bisection's bounds: LOW must be served, HIGH refused
PAUSE_S = 0.05  # between the pieces of a chunked body, so the node reads them apart


def _padded(body: dict[str, object], size: int) -> bytes:
    """``body`` as JSON followed by spaces up to ``size`` bytes (still the same JSON document)."""
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return raw + b" " * (size - len(raw))


def _declared(ctx: Context, size: int) -> bool:
    """Whether a body of ``size`` bytes with its Content-Length is refused 413."""
    raw = _padded({"pad": "a member no assert has"}, size)
    ex = ctx.request("POST", "/v1/facts", content=raw, headers={"Content-Type": "application/json"})
    return ex.status == 413


def _limit(ctx: Context) -> int:
    """The largest body the node serves, by declared probes."""
    if not _declared(ctx, GUESS) and _declared(ctx, GUESS + 1):
        return GUESS
    if _declared(ctx, LOW) or not _declared(ctx, HIGH):
        raise Skip(f"the node's body limit is not between {LOW} and {HIGH} bytes")
    low, high = LOW, HIGH  # low served, high refused
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if _declared(ctx, middle) else (middle, high)
    return low


def _pieces(raw: bytes, cut: int) -> Iterator[bytes]:
    """``raw`` in two chunks split at ``cut``, a pause between them."""
    yield raw[:cut]
    time.sleep(PAUSE_S)
    yield raw[cut:]


@check("http:body_limit_chunked_edge", requirements=("STG-HTTP-017",))
def body_limit_chunked_edge(ctx: Context) -> None:
    """A body of exactly the node's limit (found by declared probes) sent chunked in two pieces is read whole: the
    fact it asserts is stored with its value intact; one byte more sent chunked is 413."""
    limit = _limit(ctx)
    fact = ctx.fact(ctx.unique("chunked-edge"), "split-" + "v" * 40)
    raw = _padded(fact, limit)
    cut = raw.index(b"split-") + 20  # inside the value, so a join that alters the bytes alters the value
    headers = {"Content-Type": "application/json"}
    ex = ctx.request("POST", "/v1/facts", content=_pieces(raw, cut), headers=headers)
    expect(ex.status == 201 and isinstance(ex.json, dict),
           f"a {limit}-byte body (the node's limit) sent chunked in two pieces answered {ex.brief()[:200]}, not 201")
    stored = ctx.request("GET", f"/v1/facts/{(ex.json or {}).get('id')}")
    value = ((stored.json or {}).get("value") or {}).get("v") if isinstance(stored.json, dict) else None
    expect(value == fact["value"]["v"], f"the fact of a body sent in two pieces holds {str(value)[:80]!r}, not "
                                        f"{fact['value']['v']!r}")
    over = ctx.request("POST", "/v1/facts", content=_pieces(raw + b" ", cut), headers=headers)
    expect(over.status == 413, f"a {limit + 1}-byte body (one over the limit) sent chunked answered "
                               f"{over.brief()[:200]}, not 413")
