"""GET and POST /v1/recall (seed Architecture "Three-stage hybrid recall pipeline"; Spec-07; A20 §20.3.2).

The POST body and the GET query carry the same members: ``query`` and ``token_budget`` (required), ``depth``
(0-2, default 1), ``weights`` (a JSON object; on GET its JSON text), ``entity``, ``relation``, ``scope``,
``min_confidence`` (0.1), ``include_contradicted`` (true), ``include_low_trust`` (false), ``lambda_mmr`` (0.7),
``debug``, ``force_refresh``, ``garden_id`` (the memory card's garden). STG-REC-001: the entity filter is
normalized and the caller authorized (read permission, a scope it may read: 403 ``scope_forbidden`` otherwise) before
anything is ranked. STG-REC-010: bad budgets, depths and weights are 400 with the spec's codes. An entity-centric
recall answers ``memory_card`` (reference_node/recall/cards.py); ``GET /v1/cards/{entity}`` serves one card alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reference_node.api.auth import Identity, caller
from reference_node.api.bodies import read_json
from reference_node.api.errors import ApiError, from_protocol
from reference_node.clock import format_timestamp
from reference_node.protocol import recall as rules
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import InvalidEntityUri, ProtocolError
from reference_node.protocol.facts import SCOPES
from reference_node.recall import RecallRequest, RecallService

__all__ = ["recall", "scopes_for"]

_MEMBERS = frozenset({"query", "token_budget", "depth", "weights", "entity", "relation", "scope", "min_confidence",
                      "include_contradicted", "include_low_trust", "lambda_mmr", "debug", "force_refresh",
                      "garden_id"})


def _bad(name: str, why: str) -> ApiError:
    return ApiError("invalid_parameter", f"{name} {why}", parameter=name)


def scopes_for(identity: Identity, scope: object) -> tuple[str, ...]:
    """The scopes a recall or graph request reads: the one named (if the key may read it), else all the key's."""
    if scope is not None:
        if scope not in SCOPES:
            raise _bad("scope", f"must be one of {', '.join(SCOPES)}")
        # STG-REC-001 (as STG-SCOPE-005): a scope outside the key's is 403 before anything is read.
        if not identity.may_use(str(scope)):
            raise ApiError("scope_forbidden", f"this key may not read scope {scope}")
        return (str(scope),)
    if not identity.scopes:
        raise ApiError("scope_forbidden", "this key may not read any scope")
    return tuple(identity.scopes)


def _from_query(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in request.query_params.items():
        if name in ("token_budget", "depth"):
            try:
                out[name] = int(raw)
            except ValueError:
                out[name] = raw
        elif name in ("min_confidence", "lambda_mmr"):
            try:
                out[name] = float(raw)
            except ValueError:
                out[name] = raw
        elif name in ("include_contradicted", "include_low_trust", "debug", "force_refresh"):
            out[name] = {"true": True, "false": False}.get(raw.lower(), raw)
        elif name == "weights":
            try:
                out[name] = json.loads(raw)
            except ValueError as exc:
                raise ApiError("invalid_weights", "weights is a JSON object") from exc
        else:
            out[name] = raw
    return out


def _number(body: Mapping[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not low <= value <= high:
        raise _bad(name, f"must be a number in [{low}, {high}]")
    return float(value)


def _flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise _bad(name, "must be true or false")
    return value


def parse(body: Mapping[str, Any], identity: Identity) -> RecallRequest:
    unknown = sorted(set(body) - _MEMBERS)
    if unknown:
        raise _bad(unknown[0], "is not a recall parameter")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _bad("query", "is required (a non-empty string)")
    scopes = scopes_for(identity, body.get("scope"))
    try:
        budget = rules.validate_budget(body.get("token_budget"))
        depth = rules.validate_depth(body.get("depth"))
        weights = rules.validate_weights(body.get("weights"))
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
    entity = body.get("entity")
    if entity is not None:
        try:
            entity = normalize(entity)  # STG-REC-001: filters are normalized before ranking
        except InvalidEntityUri as exc:
            raise ApiError("invalid_entity_uri", str(exc)) from exc
    relation = body.get("relation")
    if relation is not None and not isinstance(relation, str):
        raise _bad("relation", "must be a string")
    garden_id = body.get("garden_id")
    if garden_id is not None and (not isinstance(garden_id, str) or not garden_id):
        raise _bad("garden_id", "must be a garden URI")
    return RecallRequest(query, budget, scopes, depth, weights, entity, relation,
                         _number(body, "min_confidence", 0.1, 0.0, 1.0),
                         _flag(body, "include_contradicted", True), _flag(body, "include_low_trust", False),
                         _number(body, "lambda_mmr", 0.7, 0.0, 1.0), _flag(body, "debug", False), garden_id,
                         _flag(body, "force_refresh", False))


async def recall(request: Request) -> Response:
    """GET or POST /v1/recall."""
    identity = caller(request, "read")
    service: RecallService | None = request.app.state.recall
    if service is None:
        raise ApiError("not_found", "recall is not enabled on this node")
    if request.method == "POST":
        body = await read_json(request, request.app.state.settings.max_body_bytes)
        if not isinstance(body, dict):
            raise ApiError("invalid_body", "the recall body is a JSON object")
    else:
        body = _from_query(request)
    answer = service.recall(parse(body, identity), identity.reader)
    answer["generated_at"] = format_timestamp(service.store.now_us())
    return JSONResponse(answer)


async def card(request: Request) -> Response:
    """GET /v1/cards/{entity}?scope=&garden_id=&force_refresh=: one memory card (404 card_not_found when the caller
    has none to read: no live facts, a garden it may not read, a tombstoned entity, all alike)."""
    identity = caller(request, "read")
    service: RecallService | None = request.app.state.recall
    if service is None:
        raise ApiError("not_found", "recall is not enabled on this node")
    query = _from_query(request)
    unknown = sorted(set(query) - {"scope", "garden_id", "force_refresh"})
    if unknown:
        raise _bad(unknown[0], "is not a card parameter")
    try:
        entity = normalize(request.path_params["entity"])
    except InvalidEntityUri as exc:
        raise ApiError("invalid_entity_uri", str(exc)) from exc
    scopes = scopes_for(identity, query.get("scope"))
    found = service.card(entity, scopes, query.get("garden_id") or None, identity.reader,
                         _flag(query, "force_refresh", False))
    if found is None:
        raise ApiError("card_not_found", "no memory card for this entity")
    return JSONResponse(found)
