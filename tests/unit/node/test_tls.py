"""mTLS for federation in the reference node (docs/federation-api.md "mTLS"; STG-TLS-001..012).

The pure rules (SAN match, suite floor), the settings, the contexts, the plain-HTTP guard in process (a plain
request cannot reach it through the TLS-only listener), and one node over TLS as a subprocess: a pull without a
certificate, and a SAN mismatch written to the node-wide audit log before the 401 (read from its database).
"""

from __future__ import annotations

import sqlite3
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.certs import TlsMaterial, client_context
from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.http_target import HttpTarget
from reference_node.protocol import tls as rules
from reference_node.settings import Settings
from reference_node.tls_contexts import _floor_enforced, server_context
from reference_node.tls_contexts import client_context as node_client_context
from tests.unit.node.conftest import Node

NODE_ID = "stigmem://peer-a.test/node/7"


@pytest.fixture(scope="module")
def material() -> Iterator[TlsMaterial]:
    found = TlsMaterial.generate()
    yield found
    found.close()


def tls_settings(material: TlsMaterial, tmp: Path, **extra: Any) -> Settings:
    assert material.node is not None
    return Settings(db_path=str(tmp / "n.db"), tls_cert=str(material.node.cert), tls_key=str(material.node.key),
                    tls_ca=str(material.ca_file), **extra)


# --- pure rules ----------------------------------------------------------------------------------------------


def test_san_must_equal_the_node_id_whole() -> None:
    assert rules.san_names(NODE_ID, ("stigmem://other.test/node/1", NODE_ID))
    for near in (NODE_ID + "0", NODE_ID + "/sub", NODE_ID[:-1], NODE_ID.upper(), ""):
        assert not rules.san_names(NODE_ID, (near,)), near
    assert not rules.san_names(NODE_ID, ())


def test_uri_sans_reads_only_uri_entries() -> None:
    cert = {"subjectAltName": (("DNS", NODE_ID), ("URI", NODE_ID), ("IP Address", "127.0.0.1"))}
    assert rules.uri_sans(cert) == (NODE_ID,)
    assert rules.uri_sans(None) == () and rules.uri_sans({}) == ()


def test_the_floor_is_the_three_a20_suites() -> None:
    assert rules.outside_floor(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                "TLS_CHACHA20_POLY1305_SHA256"]) == []
    assert rules.outside_floor(["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]) == [
        "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]


# --- settings and contexts -----------------------------------------------------------------------------------


def test_tls_flags_go_together(material: TlsMaterial, tmp_path: Path) -> None:
    assert material.node is not None
    with pytest.raises(ValueError, match="go together"):
        Settings(db_path=str(tmp_path / "n.db"), tls_cert=str(material.node.cert), tls_key=str(material.node.key))
    assert tls_settings(material, tmp_path).mtls
    assert not Settings(db_path=str(tmp_path / "n.db")).mtls


def test_contexts_are_tls13_and_ask_for_client_certificates(material: TlsMaterial, tmp_path: Path) -> None:
    settings = tls_settings(material, tmp_path)
    server = server_context(settings)
    assert server.minimum_version == ssl.TLSVersion.TLSv1_3
    assert server.verify_mode == ssl.CERT_OPTIONAL
    client = node_client_context(settings)
    assert client.minimum_version == ssl.TLSVersion.TLSv1_3
    assert client.verify_mode == ssl.CERT_REQUIRED and client.check_hostname


class _WideContext(ssl.SSLContext):
    """A context whose OpenSSL would offer a TLS 1.3 suite outside the floor (as an openssl.cnf could make it)."""

    def get_ciphers(self) -> Any:
        return [*super().get_ciphers(), {"name": "TLS_AES_128_CCM_SHA256", "protocol": "TLSv1.3"}]


def test_a_context_offering_a_suite_below_the_floor_is_refused() -> None:
    with pytest.raises(ValueError, match="TLS_AES_128_CCM_SHA256"):
        _floor_enforced(_WideContext(ssl.PROTOCOL_TLS_SERVER))


# --- the plain-HTTP guard, in process ------------------------------------------------------------------------


def test_peer_route_refuses_a_request_that_did_not_come_over_tls(material: TlsMaterial,
                                                                 make_node: Callable[..., Node]) -> None:
    assert material.node is not None
    node = make_node(federation=True, tls_cert=str(material.node.cert), tls_key=str(material.node.key),
                     tls_ca=str(material.ca_file))
    answer = node.client.get("/v1/federation/facts", headers={"Authorization": "Bearer x.y.z"})
    assert answer.status_code == 403 and answer.json()["error"] == "tls_required"  # STG-TLS-008
    admin = node.key(("read", "write", "admin", "federate"))
    assert node.client.get("/v1/federation/peers", headers=admin).status_code == 200  # operator routes: API keys


# --- a node over TLS (subprocess) ----------------------------------------------------------------------------


def test_node_over_tls_refuses_without_certificate_and_audits_a_san_mismatch(material: TlsMaterial) -> None:
    assert material.mint is not None
    with EmbeddedNode(extra_args=("--federation", "--pull-interval", "3600", *material.node_args())) as node:
        assert node.url.startswith("https://")
        target = HttpTarget(node.url, {"admin": node.admin_key}, timeout=10, tls=client_context(material.ca_file))
        peer = ScriptedPeer.create("peer-unit.test", ["public"], tls=material).start()
        wrong = target.with_tls(client_context(material.ca_file, material.mint.issue("w", ["stigmem://x.test/n"])))
        try:
            fed = Federator("node", target, pull_mode="route", pull_wait_s=5)
            fed.refresh()
            peer.trust(fed.node_id, fed.pubkey_b64)
            assert fed.admit(peer.declaration()) == "active"
            token = peer.token("fresh", fed.node_id).token
            bare = target.request("GET", "/v1/federation/facts", key=None, headers={"Authorization": f"Bearer {token}"})
            assert bare.status == 401 and bare.code() == "client_certificate_required"  # STG-TLS-003
            ok = peer.present(target, peer.token("fresh", fed.node_id).token)
            assert ok.status == 200, ok.brief()
            refused = wrong.request("GET", "/v1/federation/facts", key=None,
                                    headers={"Authorization": f"Bearer {peer.token('fresh', fed.node_id).token}"})
            assert refused.status == 401 and refused.code() == "san_mismatch", refused.brief()  # STG-TLS-005
            with sqlite3.connect(node.db) as db:  # STG-TLS-007: written before the 401 was answered
                rows = db.execute("SELECT event_type, outcome, actor_entity, metadata FROM audit_log "
                                  "WHERE event_type = 'san_mismatch'").fetchall()
        finally:
            wrong.close()
            peer.stop()
            target.close()
        assert [(r[0], r[1], r[2]) for r in rows] == [("san_mismatch", "denied", peer.node_id)]
        assert "stigmem://x.test/n" in rows[0][3]
