"""The node's client of a peer's transparency-log evidence against the suite's own log server (A20 §19.2).

A scripted peer serves its manifest's LogEntry; the suite's log (conformance.federation.log_server) serves the key
and fresh proofs, then forges them or vanishes. Strict fails closed, relaxed warns, off asks nothing.
"""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from conformance.federation.log_server import LogServer
from conformance.federation.peer import ScriptedPeer
from reference_node.federation.outbound import new_client
from reference_node.federation.transparency import manifest_verdict
from reference_node.protocol.transparency import Verdict

MANIFEST = {"entity_uri": "stigmem://peer-log.test/node/1", "manifest_version": 1}
SEED = hashlib.sha256(b"suite log seed").digest()


def _verdict(peer_url: str, log_url: str | None, mode: str, manifest: dict = MANIFEST) -> Verdict:
    async def ask() -> Verdict:
        async with new_client() as client:
            return await manifest_verdict(client, manifest, peer_url, log_url, mode)  # type: ignore[arg-type]
    return asyncio.run(ask())


@pytest.fixture
def served():
    with LogServer(SEED) as log, ScriptedPeer.create("peer-log.test", ("public",)) as peer:
        log.append("rotation", {"n": 0}, 1_700_000_000)
        peer.manifest_proof = log.append("manifest", MANIFEST, 1_700_000_001)
        log.append("rotation", {"n": 1}, 1_700_000_002)
        yield log, peer


def test_strict_accepts_a_valid_proof(served):
    log, peer = served
    verdict = _verdict(peer.url, log.url, "strict")
    assert verdict.accepted and verdict.warning is None, verdict


def test_strict_refuses_a_forged_proof_and_relaxed_warns(served):
    log, peer = served
    log.forge = True
    strict = _verdict(peer.url, log.url, "strict")
    assert not strict.accepted and strict.code == "inclusion_proof_invalid"
    relaxed = _verdict(peer.url, log.url, "relaxed")
    assert relaxed.accepted and relaxed.warning == "inclusion_proof_invalid"


def test_strict_refuses_another_manifest(served):
    log, peer = served
    verdict = _verdict(peer.url, log.url, "strict", {**MANIFEST, "manifest_version": 2})
    assert not verdict.accepted and verdict.code == "inclusion_proof_invalid"


def test_strict_fails_closed_when_the_log_vanishes(served):
    log, peer = served
    url = log.vanish()
    strict = _verdict(peer.url, url, "strict")
    assert not strict.accepted and strict.code == "transparency_log_unavailable"
    relaxed = _verdict(peer.url, url, "relaxed")
    assert relaxed.accepted and relaxed.warning == "transparency_log_unavailable"


def test_off_asks_nothing():
    verdict = _verdict("http://127.0.0.1:9", "http://127.0.0.1:9/log", "off")
    assert verdict.accepted and verdict.warning is None and verdict.code is None
