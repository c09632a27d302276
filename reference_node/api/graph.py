"""GET /v1/graph/neighbors: bounded traversal of entity_edges (seed Architecture "Graph adjacency index"; A20
§20.1.5-§20.1.6).

Parameters: ``entity`` and ``scope`` (required: no traversal across scopes), ``depth`` (1-3, default 1),
``relation_filter`` (comma-separated relations or ``prefix*`` globs), ``min_confidence`` (0.1), ``min_trust`` (0.0),
``page_size`` (1-200, default 20) and ``cursor``. Neighbours come once each at their shortest distance, ordered by
(hops, entity). STG-REC-012: only edges whose fact the caller may read are hops. STG-REC-013: the cursor is base64url
JSON naming the last neighbour served, the query it belongs to and the highest fact seq of the first page (later
edges are not walked, so a walk neither skips nor repeats a neighbour present when it began); it expires after
300 s (400 ``cursor_expired``); ``next_cursor`` is null on the last page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import caller
from reference_node.api.errors import ApiError, from_protocol
from reference_node.api.recall import scopes_for
from reference_node.protocol import graph as rules
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri, ProtocolError
from reference_node.recall import suppression
from reference_node.storage import entity_edges

__all__ = ["CURSOR_TTL_S", "neighbors"]

CURSOR_TTL_S = 300  # A20 §20.1.6: cursor TTL, default 300 s


def _number(request: Request, name: str, default: float) -> float:
    raw = request.query_params.get(name)
    try:
        value = default if raw is None else float(raw)
    except ValueError as exc:
        raise ApiError("invalid_parameter", f"{name} must be a number", parameter=name) from exc
    if not 0.0 <= value <= 1.0:
        raise ApiError("invalid_parameter", f"{name} must be in [0, 1]", parameter=name)
    return value


def _integer(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError("invalid_parameter", f"{name} must be an integer", parameter=name) from exc


def _encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _decode(cursor: str, tag: str) -> dict[str, Any]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        hops, entity, issued, upto = payload["k"][0], payload["k"][1], payload["t"], payload["s"]
        if payload["q"] != tag or not all(isinstance(x, int) for x in (hops, issued, upto)) \
                or not isinstance(entity, str):
            raise ValueError("a cursor of another query")
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ApiError("invalid_cursor", "the cursor is not one this query issued") from exc
    # STG-REC-013: a cursor older than the TTL is 400 cursor_expired.
    if time.time() - issued > CURSOR_TTL_S:
        raise ApiError("cursor_expired", f"the cursor is older than {CURSOR_TTL_S} s")
    return dict(payload)


async def neighbors(request: Request) -> Response:
    """GET /v1/graph/neighbors."""
    identity = caller(request, "read")
    store = request.app.state.store
    params = request.query_params
    raw_entity, scope = params.get("entity"), params.get("scope")
    if not raw_entity:
        raise ApiError("invalid_parameter", "entity is required", parameter="entity")
    # STG-REC-012: scope is required; traversal never crosses scopes.
    if not scope:
        raise ApiError("invalid_parameter", "scope is required", parameter="scope")
    (scope,) = scopes_for(identity, scope)
    try:
        entity = normalize(raw_entity)
        depth = rules.validate_depth(_integer(request, "depth"))
        terms = rules.parse_relation_filter(params.get("relation_filter"))
    except InvalidEntityUri as exc:
        raise ApiError("invalid_entity_uri", str(exc)) from exc
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
    min_confidence, min_trust = _number(request, "min_confidence", 0.1), _number(request, "min_trust", 0.0)
    size = _integer(request, "page_size")
    size = rules.DEFAULT_PAGE_SIZE if size is None else size  # STG-REC-012: page_size 0 is out of range, not unset
    if not 1 <= size <= rules.MAX_PAGE_SIZE:
        raise ApiError("invalid_parameter", f"page_size is 1-{rules.MAX_PAGE_SIZE}", parameter="page_size")
    tag = hashlib.sha256(json.dumps([identity.entity_uri, entity, depth, terms, scope, min_confidence, min_trust,
                                     size]).encode()).hexdigest()[:16]
    raw_cursor = params.get("cursor")
    after = _decode(raw_cursor, tag) if raw_cursor else None
    now = store.now_us()
    with store.db.reading() as conn:
        upto = after["s"] if after else int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM facts").fetchone()[0])
        cache: dict[str, list[rules.Edge]] = {}

        def edges_of(node: str) -> list[rules.Edge]:
            if node not in cache:
                edges = entity_edges.readable(conn, node, scope, identity.reader, now, upto_seq=upto)
                cache[node] = suppression.walkable(conn, edges)  # STG-REC-021, STG-TOMB-011
            return cache[node]

        def keep(edge: rules.Edge) -> bool:
            trust = 1.0 if edge.source_trust is None else edge.source_trust
            return edge.confidence >= min_confidence and trust >= min_trust and rules.matches(edge.relation, terms)

        found = rules.neighbors(entity, depth, edges_of, keep)  # a tombstoned start has no walkable edge
    if after:
        key = (after["k"][0], after["k"][1])
        found_after = [n for n in found if (n.hops, n.entity) > key]
    else:
        found_after = found
    page, more = found_after[:size], len(found_after) > size
    issued = after["t"] if after else int(time.time())
    following = _encode({"k": [page[-1].hops, page[-1].entity], "t": issued, "s": upto, "q": tag}) if more else None
    return JSONResponse({"entity": entity, "depth": depth, "neighbors": [n.public() for n in page],
                         "next_cursor": following, "total_hint": len(found)})
