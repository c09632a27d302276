"""The stdio adapter (docs/adapter-protocol.md, version 1) over the pure rules in ``reference_node.protocol``.

Run ``python -m reference_node.adapter``: one JSON request per line on stdin, one JSON response per line on stdout,
in order; logs go to stderr. Each request's ``interpretations`` pick the options; an option this node does not
implement is answered ``unsupported``. Every rejection is an ``error`` with the protocol code; input the rules cannot
even read (a missing field, a wrong type) is answered with that operation's own error code, never a crash. The
interpretations and input readers are in ``adapter_calls``, the federation operations in ``adapter_federation``.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import IO, Any, NamedTuple

from reference_node import adapter_federation, adapter_manifests, adapter_recall, adapter_transparency
from reference_node.adapter_calls import (
    FACT_KEYS,
    HLC_KEYS,
    URI_KEYS,
    Interpretations,
    Refused,
    Unsupported,
    hex_bytes,
    integer,
    seed,
    text,
)
from reference_node.protocol import (
    capability_tokens,
    cid,
    contradictions,
    ed25519_policy,
    hlc,
    jcs,
    key_rotation,
    peer_tokens,
    quotas,
    signatures,
    source_trust,
    time_travel,
    values,
)
from reference_node.protocol.entity_uri import normalize
from reference_node.protocol.errors import HlcMalformed, ProtocolError
from reference_node.protocol.gardens import garden_uri, normalize_slug
from reference_node.version import __version__


def _parse_hlc(text: object, i: Interpretations) -> hlc.Hlc:
    return hlc.parse(text, strict=i["hlc_input"] == "strict")


def _hlc_parse(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    parsed = _parse_hlc(inp["hlc"], i)
    return {"wall_ms": parsed.wall_ms, "counter": parsed.counter, "hlc": hlc.format_hlc(parsed)}


def _gardens_slug(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    return {"slug": normalize_slug(inp["slug"]), "garden_id": garden_uri(text(inp["node_authority"]), inp["slug"])}


def _quotas_schedule(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    limit = quotas.parse_limit("fact_write", {"capacity": inp["capacity"], "rate": inp["rate"]})
    bucket, results = None, []
    for at_us in inp["requests_us"]:
        decision = quotas.take(bucket, "adapter:principal", "fact_write", limit, integer(at_us, 0))
        bucket, wait = decision.bucket, decision.retry_after
        results.append({"accepted": decision.accepted, "retry_after": None if wait is None else float(wait),
                        "retry_after_header": None if wait is None else quotas.retry_after_header(wait)})
    return {"results": results}


def _quotas_defaults(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    dimension = inp["dimension"]
    if dimension not in quotas.DIMENSIONS:
        raise quotas.QuotaPolicyInvalid(f"unknown quota dimension {dimension!r}")
    return quotas.defaults(i["quota_defaults"])[dimension].public()


def _source_trust_score(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    raw = inp.get("history")
    seen = None
    if raw is not None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("batches"), list):
            raise TypeError("history is {now_ms, batches, blocklisted?}")
        events = [(integer(b["at_ms"]), integer(b["accepted"], 0), integer(b["refused"], 0)) for b in raw["batches"]]
        seen = source_trust.history(events, integer(raw["now_ms"]), raw.get("blocklisted") is True)
    weights = source_trust.DEFAULT_WEIGHTS if inp.get("weights") is None else source_trust.parse_weights(
        inp["weights"])
    inputs = source_trust.Inputs(inp.get("identity"), inp.get("scope"), inp.get("attestation_mode"), seen)
    t = source_trust.source_trust(inp.get("trust_mode", "relaxed"), inputs, weights)
    confidence = Fraction(text(inp.get("confidence", "1")))
    return {"source_trust": source_trust.wire(t), "exact": None if t is None else source_trust.decimal(t),
            "strict_holds": source_trust.below_threshold(t),
            "recall_multiplier": source_trust.decimal(source_trust.recall_multiplier(t)),
            "effective_confidence": source_trust.decimal(source_trust.effective_confidence(confidence, t))}


def _key_rotation_verify_chain(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    entries = inp["entries"]
    if not isinstance(entries, list):
        raise TypeError("entries must be a list")
    known = inp.get("known_length", 0)
    if isinstance(known, bool) or not isinstance(known, int) or known < 0:
        raise TypeError("known_length must be a non-negative integer")
    chain = key_rotation.verify_chain(text(inp["entity_uri"]), text(inp["first_public_key"]), entries, known)
    return {"current_key_id": chain.current_key_id, "trusted_key_ids": list(key_rotation.trusted(chain, inp["now"]))}


def _capability_tokens_verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    seen, operation = inp["seen_nonces"], inp["operation"]
    if not isinstance(seen, Mapping) or not isinstance(operation, Mapping) or not isinstance(inp["manifest"],
                                                                                           Mapping | None):
        raise TypeError("seen_nonces and operation are objects, manifest an object or null")
    token = capability_tokens.decode(text(inp["presented"]))
    nonce = token.get("nonce") if isinstance(token, Mapping) else None
    verified = capability_tokens.verify(
        token, inp["manifest"], text(inp["now"]), revoked=isinstance(token, Mapping) and token.get("token_id") in
        inp["revoked_token_ids"], nonce_holder=seen.get(nonce) if isinstance(nonce, str) else None,
        verb=text(operation["verb"]), objects=(text(operation["object"]),))
    return {"token_id": verified.token_id, "fingerprint": verified.fingerprint}


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
    key, message, signature = (hex_bytes(inp[name]) for name in ("public_key_hex", "message_hex", "signature_hex"))
    ed25519_policy.verify(key, message, signature, i["ed25519_policy"])
    return {}


def _tombstones_sign(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    """vectors/tombstones/sign.json: the preimage and signature of a tombstone or revocation (STG-TOMB-004)."""
    document = json.loads(text(inp["document_text"])) if "document_text" in inp else inp["document"]
    signed = signatures.sign(inp["kind"], document, bytes.fromhex(text(inp["seed_hex"])))
    return {"preimage_hex": signatures.preimage(inp["kind"], document).hex(), "signature": signed["signature"]}


def _time_travel_visibility(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    """vectors/time_travel/visibility.json: the facts visible at as_of for an admin or an agent (A20 §24.2.1)."""
    at = time_travel.parse(inp["as_of"], 2**62, None)
    names = []
    for fact in inp["facts"]:
        moment = time_travel.Moment(_instant(fact["created"]), _instant(fact.get("valid_until")),
                                    _instant(fact.get("retracted")))
        covers = [time_travel.Cover(bool(t["legal_hold"])) for t in fact["tombstones"] if not t["revoked"]]
        if time_travel.visible(moment, at, covers, inp["caller"] == "admin"):
            names.append(text(fact["name"]))
    return {"visible": sorted(names)}


def _instant(raw: Any) -> Any:
    return None if raw is None else time_travel.parse(raw, 2**62, None)


def _peer_tokens_sign(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    return {"token": peer_tokens.sign(inp["claims"], seed(inp))}


Handler = Callable[[Mapping[str, Any], Interpretations], dict[str, Any]]


class Op(NamedTuple):
    handler: Handler
    code: str  # answered for input the rules cannot even read (a missing field, a wrong type)
    interpretations: tuple[str, ...]  # the interpretation ids that change this operation's answer


OPS: dict[str, Op] = {
    "jcs.canonicalize": Op(
        lambda inp, i: {"output_hex": jcs.canonicalize(hex_bytes(inp["input_hex"])).hex()}, "jcs_invalid_json", ()
    ),
    "cid.compute": Op(
        lambda inp, i: {"cid": cid.compute(inp["fact"], i["cid_preimage"], i.fact())},
        "fact_invalid",
        ("cid_preimage", *FACT_KEYS),
    ),
    "cid.verify": Op(_cid_verify, "fact_invalid", ("cid_preimage", *FACT_KEYS)),
    "entity_uri.normalize": Op(lambda inp, i: {"uri": normalize(inp["uri"], i.uri())}, "invalid_entity_uri", URI_KEYS),
    "gardens.slug": Op(_gardens_slug, "invalid_slug", ()),
    # Exact arithmetic only: every vector a double pipeline answers differently is tagged quota_arithmetic=exact (not
    # applicable under float), so on the others the answer does not depend on the reading.
    "quotas.schedule": Op(_quotas_schedule, "invalid_quota_policy", ()),
    "quotas.defaults": Op(_quotas_defaults, "invalid_quota_policy", ("quota_defaults",)),
    "source_trust.score": Op(_source_trust_score, "invalid_trust_weights", ()),
    "capability_tokens.verify": Op(_capability_tokens_verify, "token_malformed", (
        "capability_token_fields", "capability_token_order", "capability_token_replay", "capability_token_window",
        "capability_token_presentation")),
    "key_rotation.verify_chain": Op(_key_rotation_verify_chain, "rotation_entry_invalid", ("key_rotation_entry",)),
    "transparency.proofs": Op(adapter_transparency.proofs, "inclusion_proof_invalid", ("transparency_log_format",)),
    "manifests.verify": Op(adapter_manifests.verify, "manifest_invalid",
                           ("manifest_rotation_event", "manifest_max_validity", "manifest_error_codes",
                            "manifest_rotation_anchor")),
    "values.validate": Op(_values_validate, "value_invalid", ("value_typing", "text_limit")),
    "hlc.parse": Op(_hlc_parse, "hlc_malformed", HLC_KEYS),
    "hlc.compare": Op(
        lambda inp, i: {"order": hlc.compare(_parse_hlc(inp["a"], i), _parse_hlc(inp["b"], i))},
        "hlc_malformed",
        HLC_KEYS,
    ),
    "hlc.run": Op(_hlc_run, "hlc_malformed", (*HLC_KEYS, "hlc_counter_overflow", "hlc_receive", "hlc_skew_bounds")),
    "contradictions.evaluate": Op(
        _contradictions,
        "fact_invalid",
        (*FACT_KEYS, "value_equality", "contradiction_rule", "winner_rule", "hlc_input", "conflict_cardinality"),
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
            "document": signatures.sign(inp["kind"], inp["document"], seed(inp), i["peer_declaration_fields"])
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
    "tombstones.sign": Op(_tombstones_sign, "signature_document_invalid", ()),
    "time_travel.visibility": Op(_time_travel_visibility, "as_of_invalid_timestamp", ()),
    "recall.fuse": Op(adapter_recall.fuse, "invalid_weights", ()),
    "recall.salience": Op(adapter_recall.salience, "invalid_parameter", ()),
    "recall.pack": Op(adapter_recall.pack, "invalid_token_budget", ()),
    "recall.neighbors": Op(adapter_recall.neighbors, "invalid_parameter", ()),
    "recall.card": Op(adapter_recall.card, "invalid_parameter", ()),
    "federation.declare": Op(adapter_federation.declare, "invalid_declaration", ("peer_declaration_fields",)),
    "federation.verify_declaration": Op(
        adapter_federation.verify_declaration,
        "invalid_declaration",
        ("peer_declaration_fields", "ed25519_policy", *URI_KEYS),
    ),
    "federation.ingest": Op(
        adapter_federation.ingest,
        "invalid_fact",
        ("cid_preimage", *FACT_KEYS, *HLC_KEYS, "reserved_namespace", "source_ownership", "hlc_skew_bounds"),
    ),
    "federation.issue_claims": Op(adapter_federation.issue_claims, "token_malformed", ("peer_token_format",)),
    "federation.serve": Op(adapter_federation.serve, "invalid_fact", ("relaying",)),
    "federation.nonce_replay": Op(
        adapter_federation.nonce_replay,
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
