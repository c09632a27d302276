"""Hostile input never breaks a node: no 5xx, no dropped connection, every refusal a JSON error envelope.

Requirements STG-HTTP-003 (bad input is a 4xx, never a 5xx), STG-HTTP-002 (the error envelope), STG-HTTP-015 (a
connection stays usable after any error answer: a pipelined request behind a refused one is answered) and
STG-HTTP-016 (HTTP-level garbage gets a 4xx answer, not a silent close). The requests go over raw sockets so the
suite sees exactly what the node does to the connection; every loop is bounded by the table and a timeout.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

from conformance.checks.hostile_inputs import Probe, dumps, probes
from conformance.checks.registry import Context, Skip, check, expect

__all__ = ["Answer", "Wire", "send_table"]

READ_TIMEOUT_S = 10.0
TABLE_BUDGET_S = 60.0


class Dropped(Exception):
    """The node closed the connection without a complete answer."""


class Answer:
    """A parsed HTTP/1.1 response: status, lower-cased headers, body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json_error(self) -> bool:
        """The body is a JSON object naming an error code (error, or detail.code / a string detail)."""
        import json

        try:
            parsed = json.loads(self.body)
        except ValueError:
            return False
        if not isinstance(parsed, dict):
            return False
        detail = parsed.get("detail")
        return isinstance(parsed.get("error"), str) or isinstance(detail, str) or (
            isinstance(detail, dict) and isinstance(detail.get("code"), str)) or isinstance(detail, list)


def open_socket(host: str, port: int, tls: ssl.SSLContext | None, timeout: float) -> socket.socket:
    """A connection to the node, TLS-wrapped (handshake done) when the run is over TLS: the raw-socket checks
    write their bytes inside the session, as any client of an https node must."""
    sock = socket.create_connection((host, port), timeout=timeout)
    if tls is None:
        return sock
    try:
        return tls.wrap_socket(sock, server_hostname=host)
    except (OSError, ssl.SSLError):
        sock.close()
        raise


class Wire:
    """One keep-alive connection to the node, written and read by hand (over TLS when ``tls`` is given)."""

    def __init__(self, base_url: str, auth: str | None, tls: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(base_url)
        default_port = 443 if parts.scheme == "https" else 80
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or default_port
        self.auth = auth
        self.tls = tls
        self.sock: socket.socket | None = None
        self.buffer = b""

    def connect(self) -> None:
        self.close()
        self.sock = open_socket(self.host, self.port, self.tls, READ_TIMEOUT_S)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def raw(self, method: str, target: str, body: bytes | None = None,
            extra: Iterable[tuple[str, str]] = ()) -> bytes:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.auth:
            lines.append(f"Authorization: Bearer {self.auth}")
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in extra]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    def send(self, data: bytes) -> None:
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise Dropped(f"send failed: {exc}") from exc

    def _more(self) -> None:
        assert self.sock is not None
        try:
            chunk = self.sock.recv(65536)
        except OSError as exc:
            raise Dropped(f"read failed: {exc}") from exc
        if not chunk:
            raise Dropped("the node closed the connection")
        self.buffer += chunk

    def _line_block(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _chunked(self) -> bytes:
        body = b""
        for _ in range(100_000):
            while b"\r\n" not in self.buffer:
                self._more()
            size_line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self._line_block() if not self.buffer.startswith(b"\r\n") else self._exactly(2)
                return body
            body += self._exactly(size)
            self._exactly(2)
        raise Dropped("endless chunked body")

    def read(self, head_request: bool = False) -> Answer:
        if self.sock is None:
            raise Dropped("no connection")
        head = self._line_block().decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        status = int(status_line.split(" ")[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if head_request or status in (204, 304):
            return Answer(status, headers, b"")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return Answer(status, headers, self._chunked())
        if "content-length" in headers:
            return Answer(status, headers, self._exactly(int(headers["content-length"])))
        while True:  # body until close
            try:
                self._more()
            except Dropped:
                body, self.buffer = self.buffer, b""
                self.close()
                return Answer(status, headers, body)

    def exchange(self, probe: Probe) -> Answer:
        self.send(self.raw(probe.method, probe.target, probe.body))
        return self.read()


def send_table(ctx: Context, table: list[Probe]) -> tuple[list[str], int]:
    """Send every probe on one keep-alive connection; the problems found, and how many answers were 5xx."""
    auth = ctx.target.keys.get("admin") if ctx.auth_required else None
    wire = Wire(ctx.target.base_url, auth, ctx.target.tls)
    problems: list[str] = []
    server_errors = 0
    deadline = time.monotonic() + TABLE_BUDGET_S
    previous = "(start)"
    try:
        for probe in table:
            if time.monotonic() > deadline:
                problems.append(f"the table did not finish within {TABLE_BUDGET_S:.0f} s")
                break
            try:
                answer = wire.exchange(probe)
            except Dropped as exc:
                # Closed after the previous answer, or by this request: resend once on a fresh connection.
                problems.append(f"{previous}: the connection was closed after its answer ({exc})")
                wire.connect()
                try:
                    answer = wire.exchange(probe)
                except Dropped as again:
                    problems.append(f"{probe.label}: connection dropped without an answer ({again})")
                    wire.connect()
                    continue
            previous = probe.label
            if answer.status >= 500:
                server_errors += 1
                problems.append(f"{probe.label}: {answer.status} {answer.body[:120]!r}")
            elif answer.status >= 400 and not answer.json_error():
                problems.append(f"{probe.label}: {answer.status} without a JSON error envelope {answer.body[:80]!r}")
            if answer.headers.get("connection", "").lower() == "close" or wire.sock is None:
                wire.connect()
    finally:
        wire.close()
    return problems, server_errors


def _federates(ctx: Context) -> bool:
    return ctx.discovery.get("federation") == "enabled"


def _report(problems: list[str], server_errors: int, total: int) -> str:
    shown = "; ".join(problems[:8])
    return f"{len(problems)} of {total} hostile requests misbehaved ({server_errors} answered 5xx): {shown}"


@check("http:hostile_input_never_5xx", requirements=("STG-HTTP-003", "STG-HTTP-002"))
def hostile_input_never_5xx(ctx: Context) -> None:
    """Every JSON type, 400-digit integers and lone surrogates in every field, member name, parameter and cursor
    of every write and read route: a 4xx JSON error envelope (or success), never a 5xx or a dropped connection."""
    ctx.need_key("admin")
    table = probes(federation=_federates(ctx))
    problems, server_errors = send_table(ctx, table)
    expect(not problems, _report(problems, server_errors, len(table)))


# The refusals pipelined ahead of a good request: bad JSON, a 400-digit confidence, an over-long body.
def _bad_requests(wire: Wire) -> dict[str, bytes]:
    big = {"entity": "stigmem://conformance.test/user/pipe", "relation": "memory:role",
           "value": {"type": "string", "v": "v"}, "source": "stigmem://conformance.test/agent/suite",
           "scope": "local", "confidence": 10**400}
    return {
        "malformed JSON": wire.raw("POST", "/v1/facts", b"{"),
        "400-digit confidence": wire.raw("POST", "/v1/facts", dumps(big)),
        "interpret_as an object": wire.raw("POST", "/v1/facts", dumps(
            {**big, "confidence": 1, "value": {"type": "string", "v": "v", "interpret_as": {}}})),
        "unknown route": wire.raw("GET", "/v1/no-such-route"),
        "bad parameter": wire.raw("GET", "/v1/facts?limit=0"),
        "body over 8 MiB": wire.raw("POST", "/v1/facts", b" " * (8 * 1024 * 1024)),
    }


@check("http:connection_survives_errors", requirements=("STG-HTTP-015",))
def connection_survives_errors(ctx: Context) -> None:
    """A refused request and a good one pipelined on one keep-alive connection both get their answer."""
    ctx.need_key("admin")
    auth = ctx.target.keys.get("admin") if ctx.auth_required else None
    wire = Wire(ctx.target.base_url, auth, ctx.target.tls)
    good = wire.raw("GET", "/healthz")
    problems = []
    try:
        for label, bad in _bad_requests(wire).items():
            wire.connect()
            try:
                wire.send(bad + good)
                first = wire.read()
                second = wire.read()
            except Dropped as exc:
                problems.append(f"{label}: {exc}")
                continue
            if first.status >= 500:
                problems.append(f"{label}: answered {first.status}")
            if second.status != 200:
                problems.append(f"{label}: the pipelined GET /healthz got {second.status}")
    finally:
        wire.close()
    expect(not problems, "a pipelined request behind an error answer was lost: " + "; ".join(problems))


@check("http:http_level_errors_answered", requirements=("STG-HTTP-016",))
def http_level_errors_answered(ctx: Context) -> None:
    """NUL or CR in a header, a 100 KB URL, a bad Content-Length: each gets a 4xx JSON error envelope (not a 5xx,
    not silence, not the server library's plain text)."""
    auth = ctx.target.keys.get("admin") if ctx.auth_required else None
    wire = Wire(ctx.target.base_url, auth, ctx.target.tls)
    host = f"Host: {wire.host}:{wire.port}\r\n"
    cases = {
        "NUL in a header": f"GET /healthz HTTP/1.1\r\n{host}X-Junk: a\x00b\r\n\r\n".encode("latin-1"),
        "bare CR in a header": f"GET /healthz HTTP/1.1\r\n{host}X-Junk: a\rb\r\n\r\n".encode("latin-1"),
        "100 KB URL": f"GET /v1/facts?entity={'z' * 100_000} HTTP/1.1\r\n{host}\r\n".encode("latin-1"),
        "Content-Length not a number": f"POST /v1/facts HTTP/1.1\r\n{host}Content-Length: abc\r\n\r\n{{}}".encode(),
        "two Content-Lengths": f"POST /v1/facts HTTP/1.1\r\n{host}Content-Length: 2\r\nContent-Length: 5\r\n\r\n{{}}"
        .encode(),
        "negative Content-Length": f"POST /v1/facts HTTP/1.1\r\n{host}Content-Length: -1\r\n\r\n{{}}".encode(),
    }
    problems = []
    try:
        for label, data in cases.items():
            wire.connect()
            try:
                wire.send(data)
                answer = wire.read()
            except Dropped as exc:
                problems.append(f"{label}: no answer ({exc})")
                continue
            if not 400 <= answer.status < 500:
                problems.append(f"{label}: answered {answer.status}")
            elif not answer.json_error():
                problems.append(f"{label}: {answer.status} without a JSON error envelope {answer.body[:60]!r}")
    finally:
        wire.close()
    expect(not problems, "HTTP-level garbage was not refused with a 4xx: " + "; ".join(problems))


RESPONSE_BOUND = 8 * 1024 * 1024  # STG-ROB-005: the suite's bound on one list response


@check("http:list_response_bounded", requirements=("STG-ROB-005",), concurrent=True)
def list_response_bounded(ctx: Context) -> None:
    """150 facts of 60 KB text (9 MB together) on one entity: GET /v1/facts?limit=500 answers at most 8 MiB, with a
    cursor when it cut the page, and following the cursors returns every fact exactly once."""
    entity = ctx.unique("bigpage")
    made = set()
    for i in range(150):
        ex = ctx.request("POST", "/v1/facts", json_body=ctx.fact(entity, f"{i:03d}" + "z" * 60_000, vtype="text",
                                                                  relation=f"memory:big{i}"))
        if ex.status == 413:
            raise Skip("the node refuses 60 KB text values (413): it bounds pages through the text limit")
        expect(ex.status == 201, f"a 60 KB text fact answered {ex.brief()}")
        made.add(str((ex.json or {}).get("id")))
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        ex = ctx.query(entity=entity, limit="500", **({"cursor": cursor} if cursor else {}))
        expect(ex.status == 200, f"the page answered {ex.brief()}")
        size = len(ex.text.encode("utf-8"))
        expect(size <= RESPONSE_BOUND, f"one page of GET /v1/facts is {size} bytes, over "
               f"the {RESPONSE_BOUND} byte bound (STG-ROB-005)")
        body = ex.json or {}
        seen += [str(f.get("id")) for f in body.get("facts", []) if isinstance(f, dict)]
        cursor = body.get("cursor")
        if not cursor:
            break
    expect(sorted(seen) == sorted(made), f"the walk returned {len(seen)} rows for {len(made)} facts "
           f"({len(set(seen))} distinct)")


@check("http:chunked_body_limited", requirements=("STG-HTTP-003",))
def chunked_body_limited(ctx: Context) -> None:
    """A 4 MiB body the node refuses with 413 when its length is declared is refused the same way when it comes
    chunked (no Content-Length): the body limit holds while reading, not only against the header."""
    body = ctx.fact(ctx.unique("chunked"), "v")
    raw = (json_text(body)[:-1] + ', "pad": "' + "x" * (4 * 1024 * 1024) + '"}').encode("utf-8")
    declared = ctx.request("POST", "/v1/facts", content=raw, headers={"Content-Type": "application/json"})
    if declared.status != 413:
        raise Skip(f"the node does not refuse a 4 MiB body by size ({declared.brief()[:120]})")

    def chunks() -> Iterable[bytes]:
        for start in range(0, len(raw), 65536):
            yield raw[start:start + 65536]

    streamed = ctx.request("POST", "/v1/facts", content=chunks(), headers={"Content-Type": "application/json"})
    expect(streamed.status == 413, f"the same 4 MiB body sent chunked answered {streamed.brief()[:200]}, not 413")


def json_text(body: object) -> str:
    return json.dumps(body, ensure_ascii=False)
