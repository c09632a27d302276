"""Slow and idle clients never hold a node: bounded connection time, and room for a normal client.

Requirements STG-ROB-002 (a connection that sends nothing, or its headers or body slowly, is closed within a
bound), STG-ROB-003 (with many such connections open a normal client is still served), STG-ROB-004 (headers
are bounded in bytes, and only header bytes count) and STG-ROB-008 (a body declared over the limit is refused before
it has all arrived). The bound is the
run's ``--connection-bound`` (default 30 s) and the crowd its ``--idle-connections`` (default 1,000); the probes
of one check run side by side, so a conforming node costs its own timeout once. Every loop is bounded in time.
"""

from __future__ import annotations

import contextlib
import resource
import select
import selectors
import socket
import ssl
import time
from dataclasses import dataclass

from conformance.checks.registry import Context, Skip, check, expect
from conformance.checks.robustness import Dropped, Wire, open_socket

__all__ = ["Probe", "hold"]

SERVED_BOUND_S = 10.0  # a normal request among the crowd is answered within this
DRIP_EVERY_S = 1.0  # a slow probe writes one byte this often
DESCRIPTOR_SPARE = 256  # descriptors the suite keeps for itself beside the crowd
HEADER_FLOOD_BYTES = 16 * 1024 * 1024  # beyond what loopback socket buffers hold, so the node must have read it
CROWD_OPEN_S = 30.0  # the crowd is opened within this, or as much of it as the node lets in
HEADER_SPLIT_BODY = 192 * 1024  # a body beside the end of the headers, larger than any header bound
DECLARED_BODY_BYTES = 1 << 30  # a declared body over any body limit
EARLY_BOUND_BYTES = 96 * 1024 * 1024  # sent of it, at most, before the node must have answered


@dataclass
class Probe:
    """One connection that opens with ``first`` and then writes ``drip`` every second; ``closed_after`` is set
    when the node closes it."""

    label: str
    first: bytes
    drip: bytes = b""
    sock: socket.socket | None = None
    closed_after: float | None = None
    answer: bytes = b""  # what the node wrote before closing
    timed_out: bool = False  # part of a request arrived: the close must follow a 408 (STG-ROB-002)


def _host(ctx: Context) -> tuple[str, int]:
    wire = Wire(ctx.target.base_url, None)
    return wire.host, wire.port


def _probes(ctx: Context) -> list[Probe]:
    host, port = _host(ctx)
    auth = ctx.target.keys.get("admin") if ctx.auth_required else None
    lines = ["POST /v1/facts HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             "Content-Length: 4096"] + ([f"Authorization: Bearer {auth}"] if auth else [])
    head = ("\r\n".join(lines) + "\r\n\r\n{").encode()
    return [
        Probe("a connection that sent nothing", b""),
        Probe("a connection sending one header byte a second",
              f"GET /.well-known/stigmem HTTP/1.1\r\nHost: {host}:{port}\r\nX-Slow: ".encode(), b"a"),
        Probe("a POST body sent one byte a second", head, b" "),
        # Pipelined behind a GET, a POST whose body stops after one byte: its body is due once the GET is answered.
        Probe("a pipelined POST body that stops", f"GET /.well-known/stigmem HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"
              .encode() + head, timed_out=True),
    ]


def hold(ctx: Context, probes: list[Probe], bound_s: float) -> None:
    """Open every probe, drip, and read until the node closes each or ``bound_s`` passes."""
    host, port = _host(ctx)
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    try:
        for probe in probes:
            # Over TLS a probe that sends nothing stays bare TCP (a client stalled before its handshake); the others
            # drip inside a completed TLS session.
            tls = ctx.target.tls if probe.first else None
            probe.sock = open_socket(host, port, tls, 10)
            if probe.first:
                probe.sock.sendall(probe.first)
            probe.sock.setblocking(False)
            sel.register(probe.sock, selectors.EVENT_READ, probe)
        next_drip = start + DRIP_EVERY_S
        while sel.get_map() and time.monotonic() - start < bound_s:
            for key, _ in sel.select(timeout=min(DRIP_EVERY_S, max(0.0, next_drip - time.monotonic()))):
                probe = key.data
                assert probe.sock is not None
                try:
                    chunk = probe.sock.recv(65536)
                except (BlockingIOError, ssl.SSLWantReadError):  # no bytes yet, or a TLS record not complete
                    continue
                except OSError:
                    chunk = b""
                probe.answer += chunk[:65536 - len(probe.answer)]
                if not chunk:
                    probe.closed_after = time.monotonic() - start
                    sel.unregister(probe.sock)
            if time.monotonic() >= next_drip:
                next_drip += DRIP_EVERY_S
                for key in list(sel.get_map().values()):
                    probe = key.data
                    if probe.drip and probe.sock is not None:
                        with contextlib.suppress(OSError):  # closed by the node: the read loop sees it
                            probe.sock.send(probe.drip)
    finally:
        sel.close()
        for probe in probes:
            if probe.sock is not None:
                probe.sock.close()


# exclusive: other clients' traffic must not be what closes the slow connections (a node that sweeps idle
# connections only when another request arrives holds them for ever on a quiet day)
@check("http:slow_connections_closed", requirements=("STG-ROB-002",), exclusive=True)
def slow_connections_closed(ctx: Context) -> None:
    """A connection that sends nothing, one that sends its headers a byte a second, one that sends its body a byte
    a second and one whose pipelined POST body stops are each closed by the node within the run's connection bound,
    the last after a 408."""
    bound = ctx.connection_bound_s
    probes = _probes(ctx)
    hold(ctx, probes, bound)
    held = [p.label for p in probes if p.closed_after is None]
    expect(not held, f"still open after {bound:g} s (--connection-bound): " + "; ".join(held))
    silent = [p.label for p in probes if p.timed_out and b"HTTP/1.1 408 " not in p.answer]
    expect(not silent, "closed without a 408 after part of a request arrived: " + "; ".join(silent))


def _flood_headers(ctx: Context) -> tuple[int, bytes, str]:
    """Stream one endless header line in 64 KiB pieces until the node answers, closes or stops reading.

    Returns the bytes sent, the answer read and how it ended: ``answered``, ``closed``, ``stalled`` (the node
    stopped reading, so it buffers no more) or ``read`` (all of it was taken in silence)."""
    host, port = _host(ctx)
    piece = b"a" * 65536
    sent, answer = 0, b""
    with open_socket(host, port, ctx.target.tls, 5) as sock:
        try:
            sock.sendall(f"GET /.well-known/stigmem HTTP/1.1\r\nHost: {host}:{port}\r\nX-Big: ".encode())
            while sent < HEADER_FLOOD_BYTES and not select.select([sock], [], [], 0)[0]:
                sock.sendall(piece)
                sent += len(piece)
        except TimeoutError:
            return sent, answer, "stalled"
        except OSError:
            return sent, answer, "closed"
        if sent >= HEADER_FLOOD_BYTES:
            return sent, answer, "read"
        sock.settimeout(2)
        for _ in range(64):
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    return sent, answer, "answered" if answer else "closed"


@check("http:oversized_headers_refused", requirements=("STG-ROB-004", "STG-HTTP-003"))
def oversized_headers_refused(ctx: Context) -> None:
    """A header line streamed at full speed is refused with a 4xx, cut off or no longer read before 16 MiB of
    it are taken in."""
    sent, answer, ended = _flood_headers(ctx)
    expect(ended != "read", f"{sent // 1048576} MiB of one header line were read without a refusal or a close")
    if ended == "answered":
        status = answer.split(b" ", 2)[1] if answer.count(b" ") >= 2 else b"?"
        expect(status.startswith(b"4"), f"a header flood was answered {answer[:80]!r}, not a 4xx")


def _descriptors(wanted: int) -> int:
    """Raise this process's soft descriptor limit to the hard one; how many crowd sockets fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        target = wanted + DESCRIPTOR_SPARE if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), hard))
            soft = max(soft, target)
        except (ValueError, OSError):
            pass
    return wanted if soft == resource.RLIM_INFINITY else min(wanted, soft - DESCRIPTOR_SPARE)


def _served(ctx: Context, label: str, method: str, path: str, body: bytes | None) -> str | None:
    """One request on a fresh connection; a problem, or None when it was answered within the bound."""
    wire = Wire(ctx.target.base_url, ctx.target.keys.get("admin") if ctx.auth_required else None, ctx.target.tls)
    start = time.monotonic()
    try:
        wire.connect()
        wire.send(wire.raw(method, path, body))
        answer = wire.read()
    except (Dropped, OSError) as exc:
        return f"{label}: no answer ({exc})"
    finally:
        wire.close()
    seconds = time.monotonic() - start
    if not 200 <= answer.status < 300 or seconds > SERVED_BOUND_S:
        return f"{label}: {answer.status} after {seconds:.1f} s {answer.body[:80]!r}"
    return None


@check("http:served_among_idle_connections", requirements=("STG-ROB-003",))
def served_among_idle_connections(ctx: Context) -> None:
    """With the run's --idle-connections (default 1,000) idle or slowloris connections open, a new client's
    discovery request and fact write are each answered with a 2xx within 10 s."""
    import json

    wanted = ctx.idle_connections
    if wanted < 1:
        raise Skip("--idle-connections 0: the crowd is not opened")
    count = _descriptors(wanted)
    if count < wanted:
        raise Skip(f"the suite may open {count + DESCRIPTOR_SPARE} descriptors, {wanted + DESCRIPTOR_SPARE} needed: "
                   "lower --idle-connections or raise the hard limit (ulimit -Hn)")
    host, port = _host(ctx)
    slow = f"GET /.well-known/stigmem HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
    crowd: list[socket.socket] = []
    problems: list[str] = []
    note = ""
    deadline = time.monotonic() + CROWD_OPEN_S
    try:
        for i in range(count):
            try:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{CROWD_OPEN_S:g} s passed")
                sock = socket.create_connection((host, port), timeout=2)
            except OSError as exc:
                note = f" (the node let only {i} of {count} in: {exc})"
                break
            crowd.append(sock)
            # Over TLS the crowd stays silent before its handshakes: plaintext slowloris bytes would only be a
            # failed handshake, which a node rightly drops at once.
            if i % 2 and ctx.target.tls is None:
                with contextlib.suppress(OSError):  # closed already (the node evicts): that is its choice
                    sock.sendall(slow)
        fact = ctx.fact(ctx.unique("user/crowd"), "v")
        for label, method, path, body in (("GET /.well-known/stigmem", "GET", "/.well-known/stigmem", None),
                                          ("POST /v1/facts", "POST", "/v1/facts", json.dumps(fact).encode())):
            problem = _served(ctx, label, method, path, body)
            if problem:
                problems.append(problem)
    finally:
        for sock in crowd:
            sock.close()
    expect(not problems, f"with {len(crowd)} idle or slowloris connections open{note}: " + "; ".join(problems))


def _head(ctx: Context, method: str, path: str, length: int) -> bytes:
    host, port = _host(ctx)
    auth = ctx.target.keys.get("admin") if ctx.auth_required else None
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {length}"] + ([f"Authorization: Bearer {auth}"] if auth else [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _early(sock: socket.socket) -> bytes:
    """What the node has answered so far, without waiting (b"" when nothing yet; a TLS record that carries no
    application data, such as a session ticket, is not an answer)."""
    if not select.select([sock], [], [], 0)[0]:
        return b""
    sock.settimeout(0)
    try:
        return sock.recv(65536) or b"closed"
    except (BlockingIOError, ssl.SSLWantReadError):
        return b""
    finally:
        sock.settimeout(10)


def _status(answer: bytes) -> bytes:
    return answer.split(b" ", 2)[1] if answer.count(b" ") >= 2 else b"?"


@check("http:headers_split_body_not_counted", requirements=("STG-ROB-004",))
def headers_split_body_not_counted(ctx: Context) -> None:
    """Headers that arrive in two writes, the second carrying a 192 KiB body with their end, are a small request:
    the header bound counts header bytes only, so the fact is stored (201), not refused as oversized headers."""
    import json

    raw = json.dumps(ctx.fact(ctx.unique("split-head"), "v")).encode()
    body = raw + b" " * (HEADER_SPLIT_BODY - len(raw))
    head = _head(ctx, "POST", "/v1/facts", len(body))
    host, port = _host(ctx)
    answer = b""
    with open_socket(host, port, ctx.target.tls, 10) as sock:
        sock.sendall(head[:20])
        time.sleep(0.05)  # the node reads the first piece alone: a request whose headers are not complete
        sock.sendall(head[20:] + body)
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    expect(_status(answer) == b"201", f"a request whose headers came in two writes, the second with a "
                                      f"{HEADER_SPLIT_BODY}-byte body, answered {answer[:80]!r}, not 201")


@check("http:declared_body_refused_early", requirements=("STG-ROB-008",))
def declared_body_refused_early(ctx: Context) -> None:
    """A body declared at 1 GiB, over any body limit, is refused 413 before 96 MiB of it are sent: the node reads
    a bounded part of a body it refuses, never the whole of it."""
    host, port = _host(ctx)
    piece = b" " * (1 << 20)
    sent, answer = 0, b""
    with open_socket(host, port, ctx.target.tls, 10) as sock:
        try:
            sock.sendall(_head(ctx, "POST", "/v1/facts", DECLARED_BODY_BYTES))
            while sent < EARLY_BOUND_BYTES and not answer:
                sock.sendall(piece)
                sent += len(piece)
                answer = _early(sock)
        except OSError:
            pass  # the node answered and closed while we sent: read what it answered
        sock.settimeout(2)
        with contextlib.suppress(OSError):
            answer = answer or sock.recv(65536)
    expect(bool(answer), f"{sent >> 20} MiB of a body declared {DECLARED_BODY_BYTES >> 20} MiB were sent without "
                         "an answer: the node reads a body it must refuse to its end")
    expect(_status(answer) == b"413", f"a body declared {DECLARED_BODY_BYTES >> 20} MiB answered {answer[:80]!r}, "
                                      "not 413")
