"""mTLS between nodes (Spec-10; A20 §22.1; docs/federation-api.md "mTLS"): profile hardening.

These checks need a run over mTLS: ``--mtls`` (or ``--profile hardening``) for the embedded node; for ``--target``
the node's CA (``--tls-ca``) and its key (``--tls-ca-key``), so scripted peers get certificates the node trusts.
Inbound (the node's peer route ``GET /v1/federation/facts``): a registered peer's own certificate is accepted
over TLS 1.3 with a floor suite; no certificate, another CA's, a URI SAN naming another node (or a prefix or
extension of the peer's node_id), TLS 1.2 and plain HTTP are refused. Each refusal first shows the same pull
succeeding with the peer's own certificate, so a refusal is never a broken setup. Outbound (the node as client):
it presents a certificate, verifies the peer's against the CA, refuses plain HTTP and a declarer whose
certificate names another node.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from conformance.checks.federation.support import federator, new_peer, node_pulls, pull, registered_peer
from conformance.checks.registry import Context, Skip, check, expect
from conformance.federation.operator import Federator
from conformance.federation.peer import ScriptedPeer
from conformance.harness.certs import Leaf, TlsMaterial, client_context, server_context
from conformance.harness.http_target import Exchange, HttpTarget, TargetUnreachable

FLOOR = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
AUDIT_EXPORT = "/v1/admin/audit-log"
MAX_AUDIT_PAGES = 20


def _mtls(ctx: Context) -> TlsMaterial:
    if ctx.tls is None:
        raise Skip("the run is not over mTLS (pass --mtls, or --tls-ca and --tls-ca-key with --target)")
    if ctx.tls.mint is None:
        raise Skip("minting peer certificates needs the CA's key (--tls-ca-key)")
    expect(ctx.target.base_url.startswith("https://"), f"an mTLS run reaches the node at {ctx.target.base_url}")
    return ctx.tls


@contextmanager
def _client(ctx: Context, leaf: Leaf | None, maximum: ssl.TLSVersion | None = None) -> Iterator[HttpTarget]:
    tls = _mtls(ctx)
    via = ctx.target.with_tls(client_context(tls.ca_file, leaf, maximum=maximum))
    try:
        yield via
    finally:
        via.close()


def _pull_via(via: HttpTarget, peer: ScriptedPeer, fed: Federator) -> Exchange | None:
    """The peer's pull with a fresh token through ``via``; None when the connection itself was refused."""
    token = peer.token("fresh", fed.node_id)
    try:
        return via.request("GET", "/v1/federation/facts", key=None, params={"limit": "1"},
                           headers={"Authorization": f"Bearer {token.token}"})
    except TargetUnreachable:
        return None


def _works(ctx: Context, peer: ScriptedPeer, fed: Federator) -> None:
    ex = pull(ctx, peer, fed, limit=1)
    expect(ex.status == 200, f"the peer's pull with its own certificate answered {ex.brief()}")


def _refused(ex: Exchange | None, what: str) -> None:
    expect(ex is None or ex.status in (401, 403), f"{what} answered {ex.brief() if ex else ''}: served, not refused")


def _handshake(ctx: Context, context: ssl.SSLContext) -> tuple[str | None, str | None, bytes]:
    """One raw TLS connection: the negotiated version and suite, and the first bytes of a discovery answer."""
    parts = urlsplit(ctx.target.base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 443
    with socket.create_connection((host, port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(f"GET /.well-known/stigmem HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        first = tls.recv(64)
        cipher = tls.cipher()
        return tls.version(), cipher[0] if cipher else None, first


@check("http:tls_peer_certificate_accepted", requirements=("STG-TLS-005", "STG-TLS-001", "STG-TLS-002"),
       profile="hardening")
def peer_certificate_accepted(ctx: Context) -> None:
    """A registered peer's pull with a CA-signed certificate naming its node_id is served (also when the SAN lists
    another URI first), over TLS 1.3 with a suite of the floor."""
    tls = _mtls(ctx)
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        leaf = tls.mint.issue("two-uris", [f"stigmem://other-{ctx.run_id}.test/node/1", peer.node_id])  # type: ignore[union-attr]
        with _client(ctx, leaf) as via:
            ex = _pull_via(via, peer, fed)
        expect(ex is not None and ex.status == 200,
               f"a certificate whose URI SANs include the peer's node_id is refused: {ex.brief() if ex else 'no TLS'}")
        version, suite, first = _handshake(ctx, client_context(tls.ca_file, leaf))
        expect(first.startswith(b"HTTP/1.1 200"), f"discovery over TLS answered {first!r}")
        expect(version == "TLSv1.3", f"the node negotiated {version}, not TLS 1.3")
        expect(suite in FLOOR, f"the node negotiated {suite}, outside the floor {', '.join(FLOOR)}")


@check("http:tls_no_client_certificate_refused", requirements=("STG-TLS-003",), profile="hardening")
def no_client_certificate_refused(ctx: Context) -> None:
    """The same pull (valid token of an active peer) without a client certificate is refused: 401/403 or no TLS;
    so is a push to POST /v1/federation/facts/push (401, before any other answer)."""
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        with _client(ctx, None) as via:
            _refused(_pull_via(via, peer, fed), "a pull without a client certificate")
            token = peer.token("fresh", fed.node_id)
            try:
                ex = via.request("POST", "/v1/federation/facts/push", key=None, json_body={"facts": []},
                                 headers={"Authorization": f"Bearer {token.token}"})
            except TargetUnreachable:
                return
            expect(ex.status == 401, f"a push without a client certificate answered {ex.brief()}, not 401")


@check("http:tls_foreign_ca_refused", requirements=("STG-TLS-004",), profile="hardening")
def foreign_ca_refused(ctx: Context) -> None:
    """A certificate naming the peer's node_id but signed by another CA is refused."""
    tls = _mtls(ctx)
    assert tls.rogue is not None
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        with _client(ctx, tls.rogue.issue("rogue", [peer.node_id])) as via:
            _refused(_pull_via(via, peer, fed), "a pull with a certificate of another CA")


@check("http:tls_san_mismatch_refused", requirements=("STG-TLS-005",), profile="hardening")
def san_mismatch_refused(ctx: Context) -> None:
    """A CA-signed certificate whose URI SAN names another node, with the peer's valid token: 401, with code
    san_mismatch under interpretation san_mismatch_code = named."""
    tls = _mtls(ctx)
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        with _client(ctx, tls.mint.issue("other", [f"stigmem://other-{ctx.run_id}.test/node/1"])) as via:  # type: ignore[union-attr]
            ex = _pull_via(via, peer, fed)
        expect(ex is not None and ex.status == 401,
               f"a certificate naming another node answered {ex.brief() if ex else 'no TLS'}, not 401")
        assert ex is not None
        if ctx.interpretations.get("san_mismatch_code", "named") == "named":
            expect(ex.code() == "san_mismatch", f"a SAN mismatch answered code {ex.code()!r}, not san_mismatch")


@check("http:tls_san_case_refused", requirements=("STG-TLS-006",), profile="hardening")
def san_case_refused(ctx: Context) -> None:
    """A URI SAN equal to the peer's node_id but for the case of its path (or of the whole URI) is another
    identity: 401 (URIs compare as strings, A20 §22.1)."""
    tls = _mtls(ctx)
    assert tls.mint is not None
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        scheme, rest = peer.node_id.split("://", 1)
        host, _, path = rest.partition("/")
        for uri in (f"{scheme}://{host}/{path.upper()}", peer.node_id.upper()):
            expect(uri != peer.node_id, f"the node_id {peer.node_id} has no letter to change the case of")
            with _client(ctx, tls.mint.issue("case", [uri])) as via:
                ex = _pull_via(via, peer, fed)
            expect(ex is not None and ex.status == 401,
                   f"a certificate naming {uri} (peer {peer.node_id}) answered {ex.brief() if ex else 'no TLS'}")


@check("http:tls_san_prefix_refused", requirements=("STG-TLS-006",), profile="hardening")
def san_prefix_refused(ctx: Context) -> None:
    """URI SANs that extend the peer's node_id, or cut its last character, are not the peer: 401."""
    tls = _mtls(ctx)
    assert tls.mint is not None
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        for uri in (peer.node_id + "0", peer.node_id + "/sub", peer.node_id[:-1]):
            with _client(ctx, tls.mint.issue("near", [uri])) as via:
                ex = _pull_via(via, peer, fed)
            expect(ex is not None and ex.status == 401,
                   f"a certificate naming {uri} (peer {peer.node_id}) answered {ex.brief() if ex else 'no TLS'}")


def _audit_events(ctx: Context, event_type: str) -> list[dict[str, object]]:
    """Every exported event of ``event_type`` (contract: events in ascending seq, next_cursor, has_more)."""
    events: list[dict[str, object]] = []
    cursor: str | None = None
    for _ in range(MAX_AUDIT_PAGES):
        params = {"event_type": event_type, "limit": "500", **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", AUDIT_EXPORT, params=params)
        if ex.status in (404, 405) and not events:
            raise Skip(f"GET {AUDIT_EXPORT} is not served ({ex.status})")
        expect(ex.status == 200 and isinstance(ex.json, dict), f"the audit export answered {ex.brief()}")
        body = ex.json
        events += [e for e in body.get("events", []) if isinstance(e, dict)]
        cursor = body.get("next_cursor")
        if not body.get("has_more") or not cursor:
            return events
    raise Skip(f"more than {MAX_AUDIT_PAGES} pages of {event_type} events")


# LEAD: this check reads the audit export GET /v1/admin/audit-log (another branch of issue 14); until that route
# is merged it skips. Its mutant is tls-san-mismatch-not-audited.
@check("http:tls_san_mismatch_audited", requirements=("STG-TLS-007",), profile="hardening")
def san_mismatch_audited(ctx: Context) -> None:
    """A refused SAN mismatch is in the node's audit log: a ``san_mismatch`` event naming the peer."""
    tls = _mtls(ctx)
    ctx.need_admin()
    with registered_peer(ctx) as (peer, fed):
        _audit_events(ctx, "san_mismatch")  # skips before any pull when the export route is absent
        with _client(ctx, tls.mint.issue("other", [f"stigmem://other-{ctx.run_id}.test/node/2"])) as via:  # type: ignore[union-attr]
            ex = _pull_via(via, peer, fed)
        expect(ex is not None and ex.status == 401, f"the SAN mismatch answered {ex.brief() if ex else 'no TLS'}")
        found = [e for e in _audit_events(ctx, "san_mismatch") if peer.node_id in json.dumps(e)]
        expect(bool(found), f"no san_mismatch audit event names {peer.node_id}")
        event = found[-1]
        expect(event.get("event_type") == "san_mismatch" and bool(event.get("timestamp"))
               and event.get("outcome") == "denied", f"the san_mismatch event is {event} (outcome denied)")


@check("http:tls_tls12_refused", requirements=("STG-TLS-001",), profile="hardening")
def tls12_refused(ctx: Context) -> None:
    """A client offering at most TLS 1.2, with the peer's good certificate, gets no answer from the peer route."""
    tls = _mtls(ctx)
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        leaf = tls.mint.issue("tls12", [peer.node_id])  # type: ignore[union-attr]
        with _client(ctx, leaf, maximum=ssl.TLSVersion.TLSv1_2) as via:
            ex = _pull_via(via, peer, fed)
        expect(ex is None, f"a TLS 1.2 client was served: {ex.brief() if ex else ''}")


@check("http:tls_plain_http_refused", requirements=("STG-TLS-008",), profile="hardening")
def plain_http_refused(ctx: Context) -> None:
    """Plain HTTP to the peer route (same host and port, valid token of an active peer) is never served."""
    _mtls(ctx)
    with registered_peer(ctx) as (peer, fed):
        _works(ctx, peer, fed)
        url = "http://" + ctx.target.base_url.split("://", 1)[1] + "/v1/federation/facts"
        token = peer.token("fresh", fed.node_id)
        try:
            response = httpx.get(url, params={"limit": "1"}, headers={"Authorization": f"Bearer {token.token}"},
                                 timeout=5.0)
        except httpx.HTTPError:
            return
        expect(response.status_code >= 400,
               f"plain HTTP GET /v1/federation/facts answered {response.status_code} {response.text[:200]}")


def _registration(fed: Federator, peer: ScriptedPeer) -> str:
    """The status a declaration ends in ('refused' for a 4xx answer)."""
    ex = fed.register(peer.declaration())
    if 400 <= ex.status < 500:
        return "refused"
    expect(ex.status == 201 and isinstance(ex.json, dict), f"registration answered {ex.brief()}")
    return str(ex.json.get("status"))


LeafFor = Callable[[TlsMaterial, ScriptedPeer], Leaf]


@contextmanager
def _peer(ctx: Context, leaf_for: LeafFor | None, plain: bool = False) -> Iterator[ScriptedPeer]:
    """A started scripted peer; ``leaf_for`` replaces its listener's certificate; ``plain``: http."""
    tls = _mtls(ctx)
    peer = new_peer(ctx, ("public",), "s")
    if plain:
        peer.tls_server = peer.tls_client = None
    elif leaf_for is not None:
        peer.tls_server = server_context(tls.ca_file, leaf_for(tls, peer))
    peer.start()
    try:
        yield peer
    finally:
        peer.stop()


def _outbound_refused(ctx: Context, leaf_for: LeafFor | None, plain: bool, what: str) -> None:
    fed = federator(ctx)
    with _peer(ctx, None) as good:
        expect(_registration(fed, good) in ("active", "pending_approval"), "a well-certified peer is not admitted")
    with _peer(ctx, leaf_for, plain) as peer:
        status = _registration(fed, peer)
        expect(status in ("rejected", "refused"), f"a declarer {what} ends {status!r}, not rejected")


@check("http:tls_plain_peer_refused", requirements=("STG-TLS-009",), profile="hardening")
def plain_peer_refused(ctx: Context) -> None:
    """A declaration whose node_url is plain http is rejected: the node reaches peers over mTLS only."""
    _outbound_refused(ctx, None, True, "served over plain HTTP")


@check("http:tls_peer_server_certificate_verified", requirements=("STG-TLS-011",), profile="hardening")
def peer_server_certificate_verified(ctx: Context) -> None:
    """A declarer whose listener's certificate (naming its node_id) comes from another CA is rejected."""
    def rogue(tls: TlsMaterial, peer: ScriptedPeer) -> Leaf:
        assert tls.rogue is not None
        return tls.rogue.issue("rogue-server", [peer.node_id])

    _outbound_refused(ctx, rogue, False, "with another CA's certificate")


@check("http:tls_declarer_san_checked", requirements=("STG-TLS-012",), profile="hardening")
def declarer_san_checked(ctx: Context) -> None:
    """A declarer whose CA-signed listener certificate names another node than the declared node_id is rejected."""
    def other(tls: TlsMaterial, peer: ScriptedPeer) -> Leaf:
        assert tls.mint is not None
        return tls.mint.issue("wrong-san", [f"stigmem://other-{ctx.run_id}.test/node/3"])

    _outbound_refused(ctx, other, False, "whose certificate names another node")


@check("http:tls_node_presents_certificate", requirements=("STG-TLS-010",), profile="hardening")
def node_presents_certificate(ctx: Context) -> None:
    """When the node pulls a peer it presents a client certificate the CA signed."""
    _mtls(ctx)
    with registered_peer(ctx) as (peer, fed):
        pulls = node_pulls(fed, lambda: peer.facts_requests() or None)
        expect(bool(pulls), "the node never pulled the registered peer")
        seen = peer.requests("/.well-known/stigmem") + peer.facts_requests()
        bare = [f"{s.method} {s.path}" for s in seen if not s.client_cert]
        expect(not bare, f"the node called the peer without a client certificate: {bare[:5]}")


@check("http:tls_peer_server_host_verified", requirements=("STG-TLS-011",), profile="hardening")
def peer_server_host_verified(ctx: Context) -> None:
    """A declarer whose listener certificate, signed by the CA and naming its node_id, is issued for another host
    (DNS and IP SANs that are not the address the node dials) is rejected: the host name is verified too."""
    def elsewhere(tls: TlsMaterial, peer: ScriptedPeer) -> Leaf:
        assert tls.mint is not None
        return tls.mint.issue("other-host", [peer.node_id], dns=("elsewhere.invalid",), ips=("192.0.2.7",))

    _outbound_refused(ctx, elsewhere, False, "whose certificate is issued for another host")


@check("http:tls_pull_rechecks_peer_san", requirements=("STG-TLS-005", "STG-TLS-012"), profile="hardening")
def pull_rechecks_peer_san(ctx: Context) -> None:
    """Each pull checks the peer's certificate again: a fact served under the registered certificate is ingested;
    once the peer's listener presents a CA-signed certificate naming another node, a fact it serves is not."""
    from conformance.checks.federation.support import fetch

    tls = _mtls(ctx)
    assert tls.mint is not None
    with registered_peer(ctx, name="resan") as (peer, fed):
        peer.close_connections = True  # the node's next call handshakes again, and sees the new certificate
        good = peer.craft({"as": "good"}, ctx.run_id)
        peer.serve([good])
        expect(node_pulls(fed, lambda: fetch(ctx, good["id"])) is not None,
               "a fact served under the peer's registered certificate was never ingested")
        for _ in range(3):  # every connection the node kept from before is used once more, and closed
            count = len(peer.facts_requests())
            node_pulls(fed, lambda: len(peer.facts_requests()) > count or None)  # noqa: B023
        other = tls.mint.issue("changed", [f"stigmem://other-{ctx.run_id}.test/node/4"])
        peer.tls_server = server_context(tls.ca_file, other)
        seen = len(peer.facts_requests())
        bad = peer.craft({"as": "bad"}, ctx.run_id)
        peer.serve([bad])
        node_pulls(fed, lambda: len(peer.facts_requests()) > seen or None)
        node_pulls(fed, lambda: fetch(ctx, bad["id"]))
        expect(fetch(ctx, bad["id"]) is None,
               "a fact served by the peer after its certificate changed to another node's was ingested")
