"""The stdio adapter (docs/adapter-protocol.md, version 1) over the pure rules in ``reference_node.protocol``.

Run ``python -m reference_node.adapter``: one JSON request per line on stdin, one JSON response per line on stdout,
in order; logs go to stderr. Each request's ``interpretations`` pick the options; an option this node does not
implement is answered ``unsupported``. Every rejection is an ``error`` with the protocol code; input the rules cannot
even read (a missing field, a wrong type) is answered with that operation's own error code, never a crash.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import IO, Any, NamedTuple

from reference_node.protocol import (
    cid,
    contradictions,
    ed25519_policy,
    hlc,
    jcs,
    peer_tokens,
    peering,
    replay,
    replication,
    signatures,
    values,
)
from reference_node.protocol.entity_uri import NormalizeOptions, normalize
from reference_node.protocol.errors import HlcMalformed, KeyMalformed, ProtocolError
from reference_node.protocol.facts import FactOptions
from reference_node.version import __version__

# The options this node implements per interpretation (vectors/interpretations.json); the first is the default.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "cid_preimage": ("jcs-6", "cidf-7", "upstream-0.9.0a12"),
    "hlc_counter_overflow": ("carry", "widen"),
    "hlc_receive": ("kulkarni", "local-increment"),
    "hlc_input": ("lenient", "strict"),
    "hlc_skew_bounds": ("ref-defaults",),
    "entity_percent_encoding": ("rfc3986", "none"),
    "entity_whitespace": ("ascii-all-segments", "unicode-id-only"),
    "entity_empty_segments": ("reject", "accept-as-informal"),
    "informal_uris": ("accept", "reject"),
    "value_typing": ("strict", "lenient"),
    "text_limit": ("65536-bytes",),
    "value_equality": ("canonical", "raw"),
    "contradiction_rule": ("s15", "upstream"),
    "winner_rule": ("s15",),
    "conflict_cardinality": ("winner", "pairwise"),
    "ed25519_policy": ("strict", "rfc8032"),
    "peer_declaration_fields": ("a08-jcs", "upstream-0.9.0a12"),
    "peer_token_format": ("jwt-ms",),
    "nonce_retention": ("until-expiry",),
    "replay_error_code": ("named",),
    "reserved_namespace": ("reject",),
    "source_ownership": ("authority",),
    "relaying": ("none",),
}


class Unsupported(Exception):
    """An operation or interpretation option this node does not implement."""


class Refused(Exception):
    """A federation rule's refusal: those rules return a reason code instead of raising a ProtocolError."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class Interpretations:
    """The options in force for one request; reading an unimplemented one raises Unsupported."""

    def __init__(self, raw: object) -> None:
        self._raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}

    def __getitem__(self, key: str) -> Any:
        option = self._raw.get(key, SUPPORTED[key][0])
        if option not in SUPPORTED[key]:
            raise Unsupported(f"interpretation {key}={option} is not implemented")
        return option

    def check(self, keys: tuple[str, ...]) -> None:
        """Answer unsupported when one of ``keys`` names an option this node does not implement."""
        for key in keys:
            self[key]

    def uri(self) -> NormalizeOptions:
        return NormalizeOptions(
            self["entity_percent_encoding"],
            self["entity_whitespace"],
            self["entity_empty_segments"],
            self["informal_uris"],
        )

    def fact(self, max_text_bytes: int = values.DEFAULT_MAX_TEXT_BYTES) -> FactOptions:
        return FactOptions(self.uri(), self["value_typing"], max_text_bytes)

    def clock(self, inp: Mapping[str, Any] | None = None) -> hlc.ClockRules:
        bounds = inp or {}
        future = _count(bounds.get("max_future_skew_ms", hlc.DEFAULT_MAX_FUTURE_SKEW_MS))
        past = _count(bounds.get("max_past_skew_ms", hlc.DEFAULT_MAX_PAST_SKEW_MS))
        strict = self["hlc_input"] == "strict"
        return hlc.ClockRules(self["hlc_counter_overflow"], self["hlc_receive"], strict, future, past)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise HlcMalformed(f"expected a non-negative integer, got {value!r}")
    return value


def _hex(value: object) -> bytes:
    if not isinstance(value, str) or value != value.lower():
        raise ValueError("expected lowercase hex")
    return bytes.fromhex(value)


def _parse_hlc(text: object, i: Interpretations) -> hlc.Hlc:
    return hlc.parse(text, strict=i["hlc_input"] == "strict")


def _hlc_parse(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    parsed = _parse_hlc(inp["hlc"], i)
    return {"wall_ms": parsed.wall_ms, "counter": parsed.counter, "hlc": hlc.format_hlc(parsed)}


def _event(raw: Mapping[str, Any]) -> hlc.Tick | hlc.Receive:
    now_ms = raw["now_ms"]
    if isinstance(now_ms, bool) or not isinstance(now_ms, int) or raw["kind"] not in ("tick", "receive"):
        raise HlcMalformed(f"not a tick or receive event: {raw!r}")
    return hlc.Tick(now_ms) if raw["kind"] == "tick" else hlc.Receive(now_ms, raw["remote"])


def _hlc_run(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    start = None if inp.get("start") is None else _parse_hlc(inp["start"], i)
    outputs = hlc.run(start, [_event(e) for e in inp["events"]], i.clock(inp))
    return {
        "outputs": [
            {"error": out.code} if isinstance(out, ProtocolError) else {"hlc": hlc.format_hlc(out)} for out in outputs
        ]
    }


def _contradictions(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    rules = contradictions.ContradictionRules(
        i.fact(), i["contradiction_rule"], i["value_equality"], i["winner_rule"], i["hlc_input"] == "strict",
        i["conflict_cardinality"],
    )
    found = contradictions.evaluate([contradictions.read_fact(f, rules) for f in inp["facts"]], rules)
    return {
        "conflicts": [list(pair) for pair in found.conflicts],
        "contradicted": found.contradicted,
        "winners": [
            {"entity": w.entity, "relation": w.relation, "scope": w.scope, "ids": w.ids} for w in found.winners
        ],
    }


def _seed(inp: Mapping[str, Any]) -> bytes:
    try:
        return _hex(inp["seed_hex"])
    except ValueError as exc:
        raise KeyMalformed("seed_hex is not lowercase hex") from exc


def _peer_token_verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    claims = peer_tokens.verify(
        inp["token"],
        inp["issuer_public_key_b64u"],
        audience=inp["audience"],
        now_ms=inp["now_ms"],
        seen_nonces=frozenset(inp.get("seen_nonces", [])),
        leeway_ms=inp.get("leeway_ms", peer_tokens.DEFAULT_LEEWAY_MS),
        max_lifetime_ms=inp.get("max_lifetime_ms", peer_tokens.DEFAULT_MAX_LIFETIME_MS),
        policy=i["ed25519_policy"],
    )
    return {"claims": claims}


def _values_validate(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    limit = inp.get("max_text_bytes", values.DEFAULT_MAX_TEXT_BYTES)
    return {"value": values.validate(inp["value"], typing=i["value_typing"], max_text_bytes=limit)}


def _cid_verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    cid.verify(inp["fact"], inp["cid"], i["cid_preimage"], i.fact())
    return {}


def _signatures_verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    kind, document, key = inp["kind"], inp["document"], inp["public_key_b64u"]
    policy, fields = i["ed25519_policy"], i["peer_declaration_fields"]
    signatures.verify(kind, document, key, policy=policy, declaration_fields=fields)
    return {}


def _ed25519_verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    key, message, signature = (_hex(inp[name]) for name in ("public_key_hex", "message_hex", "signature_hex"))
    ed25519_policy.verify(key, message, signature, i["ed25519_policy"])
    return {}


def _peer_tokens_sign(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    return {"token": peer_tokens.sign(inp["claims"], _seed(inp))}


def _only_first(i: Interpretations, keys: tuple[str, ...]) -> None:
    """Answer unsupported unless each of ``keys`` is at its first option: the only one the federation rules take."""
    for key in keys:
        if i[key] != SUPPORTED[key][0]:
            raise Unsupported(f"interpretation {key}={i[key]} is not implemented by the federation rules")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _integer(value: object, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or (minimum is not None and value < minimum):
        raise TypeError(f"expected an integer >= {minimum}, got {value!r}")
    return value


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return value


def _federation_declare(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    _only_first(i, ("peer_declaration_fields",))
    scopes, signed_at = _strings(inp["allowed_scopes"]), _text(inp["signed_at"])
    document = peering.declaration(_text(inp["node_url"]), _text(inp["node_id"]), scopes, signed_at, _seed(inp))
    return {"declaration": document}


def _federation_verify_declaration(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    # peering judges with the a08-jcs preimage, strict Ed25519 and the default entity normalization.
    _only_first(i, ("peer_declaration_fields", "ed25519_policy", *_URI))
    document = inp["declaration"]
    problem = peering.shape_problem(document)
    if problem is not None:
        raise Refused("invalid_declaration", problem)
    failure = peering.verification_failure(document, inp["discovery"])
    if failure is not None:
        raise Refused(failure, f"declaration verification failed: {failure}")
    return {}


def _federation_ingest(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    _only_first(i, ("cid_preimage", "hlc_input"))
    inbound = replication.read_inbound(inp["fact"], i.fact())
    if isinstance(inbound, replication.Rejection):
        raise Refused(inbound.reason, inbound.detail)
    bounds = {name: _integer(inp[name], 0) for name in ("max_future_skew_ms", "max_past_skew_ms") if name in inp}
    peer, scopes, now_ms = _text(inp["peer_node_id"]), _strings(inp["allowed_scopes"]), _integer(inp["now_ms"])
    rejection = replication.admit(inbound, peer, scopes, now_ms, **bounds)
    if rejection is not None:
        raise Refused(rejection.reason, rejection.detail)
    return {"cid": inbound.cid, "entity": inbound.body.entity, "source": inbound.body.source}


def _federation_serve(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    scopes = replication.servable_scopes(_strings(inp["allowed_scopes"]), _strings(inp["token_scopes"]))
    served = []
    for fact in inp["facts"]:
        entity, relation, scope = (_text(fact[name]) for name in ("entity", "relation", "scope"))
        garden_id, received_from = (_optional_text(fact.get(name)) for name in ("garden_id", "received_from"))
        if replication.servable(entity, relation, garden_id, received_from) and scope in scopes:
            served.append(fact["id"])
    return {"served": served}


def _federation_issue_claims(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    lifetime_ms = _integer(inp.get("lifetime_ms", replay.ISSUED_LIFETIME_MS), 0)
    issuer, subject, nonce = (_text(inp[name]) for name in ("issuer", "subject", "nonce"))
    now_ms, scopes = _integer(inp["now_ms"]), _strings(inp["scopes"])
    return {"claims": replay.claims(issuer, subject, now_ms, nonce, scopes, lifetime_ms)}


def _federation_nonce_replay(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    """Tokens presented in order to one verifier: an accepted nonce is refused up to its retain_until, inclusive."""
    key, audience = inp["issuer_public_key_b64u"], _text(inp["audience"])
    leeway_ms = _integer(inp.get("leeway_ms", peer_tokens.DEFAULT_LEEWAY_MS), 0)
    max_lifetime_ms = _integer(inp.get("max_lifetime_ms", peer_tokens.DEFAULT_MAX_LIFETIME_MS), 0)
    retained: dict[str, int] = {}
    outputs: list[dict[str, Any]] = []
    for presentation in inp["presentations"]:
        now_ms = _integer(presentation["now_ms"])
        seen = frozenset(nonce for nonce, until in retained.items() if until >= now_ms)
        try:
            claims = peer_tokens.verify(
                presentation["token"],
                key,
                audience=audience,
                now_ms=now_ms,
                seen_nonces=seen,
                leeway_ms=leeway_ms,
                max_lifetime_ms=max_lifetime_ms,
                policy=i["ed25519_policy"],
            )
        except ProtocolError as exc:
            outputs.append({"error": exc.code, "audit_event": replay.audit_event(exc.code)})
        else:
            retained[claims["nonce"]] = replay.retain_until(claims["exp"], now_ms)
            outputs.append({"accepted": True})
    return {"outputs": outputs}


Handler = Callable[[Mapping[str, Any], Interpretations], dict[str, Any]]


class Op(NamedTuple):
    handler: Handler
    code: str  # answered for input the rules cannot even read (a missing field, a wrong type)
    interpretations: tuple[str, ...]  # the interpretation ids that change this operation's answer


_URI = ("entity_percent_encoding", "entity_whitespace", "entity_empty_segments", "informal_uris")
_FACT = (*_URI, "value_typing", "text_limit")
_HLC = ("hlc_input",)

OPS: dict[str, Op] = {
    "jcs.canonicalize": Op(
        lambda inp, i: {"output_hex": jcs.canonicalize(_hex(inp["input_hex"])).hex()}, "jcs_invalid_json", ()
    ),
    "cid.compute": Op(
        lambda inp, i: {"cid": cid.compute(inp["fact"], i["cid_preimage"], i.fact())},
        "fact_invalid",
        ("cid_preimage", *_FACT),
    ),
    "cid.verify": Op(_cid_verify, "fact_invalid", ("cid_preimage", *_FACT)),
    "entity_uri.normalize": Op(lambda inp, i: {"uri": normalize(inp["uri"], i.uri())}, "invalid_entity_uri", _URI),
    "values.validate": Op(_values_validate, "value_invalid", ("value_typing", "text_limit")),
    "hlc.parse": Op(_hlc_parse, "hlc_malformed", _HLC),
    "hlc.compare": Op(
        lambda inp, i: {"order": hlc.compare(_parse_hlc(inp["a"], i), _parse_hlc(inp["b"], i))}, "hlc_malformed", _HLC
    ),
    "hlc.run": Op(_hlc_run, "hlc_malformed", (*_HLC, "hlc_counter_overflow", "hlc_receive", "hlc_skew_bounds")),
    "contradictions.evaluate": Op(
        _contradictions,
        "fact_invalid",
        (*_FACT, "value_equality", "contradiction_rule", "winner_rule", "hlc_input", "conflict_cardinality"),
    ),
    "signatures.preimage": Op(
        lambda inp, i: {
            "preimage_hex": signatures.preimage(inp["kind"], inp["document"], i["peer_declaration_fields"]).hex()
        },
        "signature_document_invalid",
        ("peer_declaration_fields",),
    ),
    "signatures.sign": Op(
        lambda inp, i: {
            "document": signatures.sign(inp["kind"], inp["document"], _seed(inp), i["peer_declaration_fields"])
        },
        "signature_document_invalid",
        ("peer_declaration_fields",),
    ),
    "signatures.verify": Op(
        _signatures_verify, "signature_document_invalid", ("peer_declaration_fields", "ed25519_policy")
    ),
    "ed25519.verify": Op(_ed25519_verify, "signature_invalid", ("ed25519_policy",)),
    "peer_tokens.sign": Op(_peer_tokens_sign, "token_malformed", ("peer_token_format",)),
    "peer_tokens.verify": Op(
        _peer_token_verify,
        "token_malformed",
        ("peer_token_format", "nonce_retention", "replay_error_code", "ed25519_policy"),
    ),
    "federation.declare": Op(_federation_declare, "invalid_declaration", ("peer_declaration_fields",)),
    "federation.verify_declaration": Op(
        _federation_verify_declaration, "invalid_declaration", ("peer_declaration_fields", "ed25519_policy", *_URI)
    ),
    "federation.ingest": Op(
        _federation_ingest,
        "invalid_fact",
        ("cid_preimage", *_FACT, *_HLC, "reserved_namespace", "source_ownership", "hlc_skew_bounds"),
    ),
    "federation.issue_claims": Op(_federation_issue_claims, "token_malformed", ("peer_token_format",)),
    "federation.serve": Op(_federation_serve, "invalid_fact", ("relaying",)),
    "federation.nonce_replay": Op(
        _federation_nonce_replay,
        "token_malformed",
        ("peer_token_format", "nonce_retention", "replay_error_code", "ed25519_policy"),
    ),
}


def _hello(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    implementation = {"name": "stigmem-reference-node", "version": __version__, "language": "python"}
    return {"protocol": 1, "implementation": implementation, "ops": sorted(OPS)}


def respond(line: bytes | str) -> str:
    """The response line (without newline) for one request line."""
    try:
        request = json.loads(line)
    except ValueError:
        request = None
    if not isinstance(request, dict):
        return json.dumps({"id": None, "error": {"code": "invalid_request", "message": "not a JSON object"}})
    rid, op = request.get("id"), request.get("op")
    operation = Op(_hello, "invalid_request", ()) if op == "hello" else OPS.get(op) if isinstance(op, str) else None
    if operation is None:
        return json.dumps({"id": rid, "unsupported": f"unknown op {op!r}"})
    inp, interpretations = request.get("input"), Interpretations(request.get("interpretations"))
    try:
        interpretations.check(operation.interpretations)
        result = operation.handler(inp if isinstance(inp, Mapping) else {}, interpretations)
        return json.dumps({"id": rid, "result": result}, allow_nan=False)
    except Unsupported as exc:
        return json.dumps({"id": rid, "unsupported": str(exc)})
    except Refused as exc:
        return json.dumps({"id": rid, "error": {"code": exc.code, "message": str(exc)}})
    except ProtocolError as exc:
        return json.dumps({"id": rid, "error": {"code": exc.code, "message": f"{exc} [{exc.requirement}]"}})
    except Exception as exc:
        if not isinstance(exc, KeyError | TypeError | ValueError):
            traceback.print_exc(file=sys.stderr)
        message = f"input not readable: {type(exc).__name__}: {exc}"
        return json.dumps({"id": rid, "error": {"code": operation.code, "message": message}})


def serve(stdin: IO[bytes], stdout: IO[str]) -> None:
    """Answer each request line in order, flushing after each; return at end of input."""
    for line in stdin:
        if line.strip():
            stdout.write(respond(line) + "\n")
            stdout.flush()


def main() -> None:
    serve(sys.stdin.buffer, sys.stdout)


if __name__ == "__main__":
    main()
