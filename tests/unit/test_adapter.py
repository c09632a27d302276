"""reference_node.adapter: the stdio adapter protocol (docs/adapter-protocol.md) over the protocol core."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from reference_node.adapter import OPS, respond
from reference_node.protocol import base64url, peer_tokens

ROOT = pathlib.Path(__file__).resolve().parents[2]
FACT = {
    "entity": "stigmem://a/user/alice",
    "relation": "memory:role",
    "value": {"type": "string", "v": "CEO"},
    "source": "agent:bot",
    "confidence": 1.0,
    "scope": "local",
}
SEED_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
PUBLIC = base64url.encode(bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))


def call(op, inp, **interpretations):
    return json.loads(respond(json.dumps({"id": 1, "op": op, "input": inp, "interpretations": interpretations})))


def test_hello_lists_every_op():
    reply = call("hello", {"protocol": 1})
    assert reply["result"]["protocol"] == 1
    assert reply["result"]["ops"] == sorted(OPS)
    contract = (ROOT / "docs" / "adapter-protocol.md").read_text(encoding="utf-8")
    assert all(f"`{op}`" in contract for op in OPS)


def test_results_and_errors():
    assert call("jcs.canonicalize", {"input_hex": b'{"b":1.0,"a":2}'.hex()})["result"] == {
        "output_hex": b'{"a":2,"b":1}'.hex()
    }
    cid = call("cid.compute", {"fact": FACT})["result"]["cid"]
    assert call("cid.verify", {"fact": FACT, "cid": cid}) == {"id": 1, "result": {}}
    assert call("cid.verify", {"fact": FACT, "cid": cid.upper()})["error"]["code"] == "cid_malformed"
    assert call("entity_uri.normalize", {"uri": "User:A B"})["result"] == {"uri": "user:a-b"}
    assert call("values.validate", {"value": {"type": "text", "v": "abc"}, "max_text_bytes": 2})["error"]["code"] == (
        "value_too_large"
    )
    assert call("hlc.parse", {"hlc": "1746230400000.9"})["result"] == {
        "wall_ms": 1746230400000,
        "counter": 9,
        "hlc": "1746230400000.009",
    }
    assert call("hlc.compare", {"a": "1746230400000.9", "b": "1746230400000.010"})["result"] == {"order": -1}


def test_hlc_run_reports_per_event_errors():
    events = [
        {"now_ms": 1746230400000, "kind": "tick"},
        {"now_ms": 1746230400000, "kind": "receive", "remote": "1746230700001.000"},
        {"now_ms": 1746230400000, "kind": "receive", "remote": "1746230700001.000"},
    ]
    inp = {"start": None, "max_future_skew_ms": 300000, "max_past_skew_ms": 0, "events": events}
    assert call("hlc.run", inp)["result"]["outputs"] == [
        {"hlc": "1746230400000.000"},
        {"error": "hlc_skew_future"},
        {"error": "hlc_skew_future"},
    ]
    inp["max_future_skew_ms"] = 0
    assert call("hlc.run", inp)["result"]["outputs"][2] == {"hlc": "1746230700001.002"}
    assert call("hlc.run", {**inp, "start": "bad"})["error"]["code"] == "hlc_malformed"


def test_contradictions_shape():
    facts = [
        {**FACT, "id": "b", "hlc": "1746230400000.001", "value": {"type": "string", "v": "CTO"}, "confidence": 0.5},
        {**FACT, "id": "a", "hlc": "1746230400000.000"},
    ]
    assert call("contradictions.evaluate", {"facts": facts})["result"] == {
        "conflicts": [["a", "b"]],
        "contradicted": ["a", "b"],
        "winners": [{"entity": "stigmem://a/user/alice", "relation": "memory:role", "scope": "local", "ids": ["a"]}],
    }


REVOCATION = {
    "id": "tombrevoke_1",
    "tombstone_id": "tomb_1",
    "reason": "appeal upheld",
    "signed_by": "stigmem://a/admin/ops",
    "created_at": "2026-05-02T00:00:00Z",
}


def test_signatures_and_tokens():
    document = REVOCATION
    kind = "tombstone_revocation"
    signed = call("signatures.sign", {"kind": kind, "document": document, "seed_hex": SEED_HEX})["result"]
    verify = {"kind": kind, "document": signed["document"], "public_key_b64u": PUBLIC}
    assert call("signatures.verify", verify) == {"id": 1, "result": {}}
    assert call("signatures.verify", {**verify, "public_key_b64u": PUBLIC + "="})["error"]["code"] == "key_malformed"
    preimage = call("signatures.preimage", {"kind": kind, "document": signed["document"]})["result"]
    assert bytes.fromhex(preimage["preimage_hex"]) == (
        b'{"created_at":"2026-05-02T00:00:00Z","id":"tombrevoke_1","signed_by":"stigmem://a/admin/ops",'
        b'"tombstone_id":"tomb_1"}'
    )
    claims = {"iss": "x:b", "sub": "x:a", "iat": 0, "exp": 1000, "nonce": "n", "scopes": ["public"]}
    token = call("peer_tokens.sign", {"claims": claims, "seed_hex": SEED_HEX})["result"]["token"]
    assert token == peer_tokens.sign(claims, bytes.fromhex(SEED_HEX))
    verify_token = {
        "token": token,
        "issuer_public_key_b64u": PUBLIC,
        "audience": "x:a",
        "now_ms": 10,
        "seen_nonces": [],
    }
    assert call("peer_tokens.verify", verify_token)["result"] == {"claims": claims}
    assert call("peer_tokens.verify", {**verify_token, "seen_nonces": ["n"]})["error"]["code"] == "nonce_already_seen"
    bad = {"public_key_hex": "00" * 32, "message_hex": "", "signature_hex": "00" * 64}
    assert call("ed25519.verify", bad)["error"]["code"] == "signature_invalid"


@pytest.mark.parametrize(
    ("op", "interpretations"),
    [
        ("ed25519.verify", {"ed25519_policy": "zip215"}),
        ("cid.compute", {"cid_preimage": "blake3"}),
        ("entity_uri.normalize", {"entity_whitespace": "ascii"}),
    ],
)
def test_unimplemented_option_is_unsupported(op, interpretations):
    assert "unsupported" in call(op, {}, **interpretations)


def test_irrelevant_interpretations_are_ignored():
    reply = call("entity_uri.normalize", {"uri": "user:x"}, ed25519_policy="zip215", default_query="whatever")
    assert reply["result"] == {"uri": "user:x"}


@pytest.mark.parametrize(
    ("op", "inp", "code"),
    [
        ("hlc.parse", {}, "hlc_malformed"),
        ("cid.compute", {"fact": None}, "fact_invalid"),
        ("jcs.canonicalize", {"input_hex": "zz"}, "jcs_invalid_json"),
        ("signatures.sign", {"kind": "manifest", "document": {}, "seed_hex": "00"}, "signature_document_invalid"),
        (
            "signatures.sign",
            {
                "kind": "tombstone_revocation",
                "document": {"id": "x", "tombstone_id": "y", "reason": "r", "signed_by": "s", "created_at": "c"},
                "seed_hex": "00",
            },
            "key_malformed",
        ),
        ("contradictions.evaluate", {"facts": 7}, "fact_invalid"),
        ("peer_tokens.verify", {"token": "a.b.c"}, "token_malformed"),
    ],
)
def test_unreadable_input_is_an_error_not_a_crash(op, inp, code):
    assert call(op, inp)["error"]["code"] == code


def test_unknown_op_and_garbage():
    assert json.loads(respond('{"id": 3, "op": "nope"}')) == {"id": 3, "unsupported": "unknown op 'nope'"}
    assert json.loads(respond("not json"))["error"]["code"] == "invalid_request"


def test_stdio_session_exits_cleanly():
    lines = [
        {"id": 0, "op": "hello", "input": {"protocol": 1}},
        {"id": 1, "op": "entity_uri.normalize", "input": {"uri": "   "}},
        {"id": 2, "op": "entity_uri.normalize", "input": {"uri": "User:Ünïcode"}},
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "reference_node.adapter"],
        input="\n".join(json.dumps(line) for line in lines) + "\n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [reply["id"] for reply in replies] == [0, 1, 2]
    assert replies[1]["error"]["code"] == "invalid_entity_uri"
    assert replies[2]["result"]["uri"] == "user:ünïcode"
