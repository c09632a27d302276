"""The benchmark's pieces: percentiles, table rendering, and tiny runs of the load generator (no timing asserted)."""

from __future__ import annotations

import http.server
import random
import threading
from collections.abc import Iterator

import pytest

from conformance.bench.cli import TrivialEndpoint, _levels
from conformance.bench.configs import comparisons, verdict_lines
from conformance.bench.load import Call, entity_calls, id_calls, percentile, post_calls, run_calls
from conformance.bench.memory import peak_rss_bytes, process_cpu_seconds
from conformance.bench.render import render_markdown, render_table, verdicts

# --- percentile ------------------------------------------------------------------------------------------------


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    random.Random(3).shuffle(values)
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile(values, 0) == 1.0
    assert percentile(values, 1) == 1.0
    assert percentile(values, 99.5) == 100.0


def test_percentile_small_and_empty():
    assert percentile([], 50) == 0.0
    assert percentile([7.5], 99) == 7.5
    assert percentile([3.0, 1.0], 50) == 1.0
    assert percentile([3.0, 1.0], 51) == 3.0
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_levels_parsing():
    assert _levels([]) == [10000]
    assert _levels(["100000,10000", "10k"]) == [10000, 100000]


# --- rendering ---------------------------------------------------------------------------------------------------


def _row(target: str, row: str, mode: str, rate: float, errors: int = 0) -> dict:
    return {"row": row, "mode": mode, "target": target, "req_per_s": rate, "p50_ms": 1.25, "p99_ms": 9.5,
            "errors": errors, "server_cpu_ms_per_req": 0.5, "client_cpu": 0.1}


def _report() -> dict:
    rows = []
    for row, mode, ref, up, triv in (("POST /v1/facts", "seq", 1000.0, 100.0, 3000.0),
                                     ("POST /v1/facts", "8x", 1200.0, 150.0, 2000.0)):
        rows += [_row("reference", row, mode, ref), _row("upstream", row, mode, up, errors=1 if mode == "8x" else 0),
                 _row("trivial", row, mode, triv)]
    big = [_row("reference", "GET /v1/facts/{id}", "seq", 4000.0), _row("trivial", "GET /v1/facts/{id}", "seq", 5000.0)]
    return {
        "date": "2026-01-02T03:04:05Z",
        "machine": {"nproc": 2, "mem_total_bytes": 8 * 2**30, "cpu_model": "test cpu", "python": "3.11.7",
                    "system": "Linux"},
        "config": {"levels": [10000, 100000], "requests_per_row": 2000, "concurrency": 8, "client": "raw",
                   "reference_auth": "none"},
        "targets": ["reference", "upstream", "trivial"],
        "preload": {"reference": {"loaded": 100000, "method": "batch", "facts_per_s": 2500.0}},
        "peak_rss_bytes": {"reference": {"10000": 40 * 2**20, "100000": 41 * 2**20}},
        "levels": [{"n": 10000, "decisions": ["upstream: N=10000 reached"], "rows": rows},
                   {"n": 100000, "decisions": ["upstream: skipped at N=100000"], "rows": big}],
    }


def test_render_table_side_by_side_with_ratios():
    text = render_table(_report())
    lines = text.splitlines()
    assert "reference" in lines[0] and "upstream" in lines[0] and "trivial" in lines[0]
    assert "ref/up" in lines[0] and "ref/triv" in lines[0]
    post_seq = next(line for line in lines if "POST /v1/facts" in line and " seq " in line)
    assert "10.00x" in post_seq and "0.33x" in post_seq and "1000" in post_seq
    post_c = next(line for line in lines if "POST /v1/facts" in line and " 8x " in line)
    assert "8.00x" in post_c and "0.60x" in post_c
    by_id = next(line for line in lines if "{id}" in line)
    assert by_id.split("|")[2].split() == ["-", "-", "-", "-"]  # upstream skipped at 100k
    assert "0.80x" in by_id


def test_verdicts_name_the_rows_below_target():
    lines = verdicts(_report())
    up = next(line for line in lines if "upstream" in line)
    assert "NOT met" in up and "1 of 2 rows" in up and "8x (8.00x)" in up
    triv = next(line for line in lines if "trivial" in line)
    assert "NOT met" in triv and "2 of 3 rows" in triv
    assert lines[-1].endswith(": 1")  # the upstream error is counted


def test_render_markdown_has_date_machine_and_n():
    text = render_markdown(_report())
    assert "2026-01-02T03:04:05Z" in text
    assert "nproc 2" in text and "8.0 GiB" in text
    assert "10000, 100000" in text
    assert "| 10000 | `POST /v1/facts` | seq | 1000 | 1.25 | 9.50 | 0 | 100 |" in text
    assert "10.00x" in text and "40 MiB" in text
    assert "upstream: skipped at N=100000" in text
    header = next(line for line in text.splitlines() if line.startswith("| N | row"))
    rule = text.splitlines()[text.splitlines().index(header) + 1]
    assert header.count("|") == rule.count("|")


def _configs_report() -> dict:
    """Baseline 1000 req/s; auth 850 and 700 (one row under 0.8x); quotas 950 on both rows; 2 workers 1500."""
    rows = []
    for row, auth, quota in (("GET /v1/facts/{id}", 850.0, 950.0), ("POST /v1/facts", 700.0, 950.0)):
        rows += [_row("reference", row, "seq", 1000.0), _row("ref-auth", row, "seq", auth),
                 _row("ref-quota", row, "seq", quota), _row("ref-2w", row, "seq", 1500.0),
                 _row("trivial", row, "seq", 5000.0)]
    rows[1]["server_cpu_ms_per_req"] = 0.625  # the auth row by CPU: 0.5 / 0.625 = 0.80x
    report = _report()
    report.update({"targets": ["reference", "ref-auth", "ref-quota", "ref-2w", "trivial"],
                   "configs": [{"name": n, "text": f"{n} text", "auth": "none", "flags": []}
                               for n in ("ref-auth", "ref-quota", "ref-2w")],
                   "notes": ["no Redis row: redis-server is not installed"],
                   "levels": [{"n": 10000, "decisions": [], "rows": rows}]})
    report["comparisons"] = comparisons(report)
    return report


def test_comparisons_ratios_and_targets():
    by_label = {c["label"]: c for c in _configs_report()["comparisons"]}
    assert set(by_label) == {"auth on / auth off", "quotas on / quotas off", "2 workers / 1 worker"}
    auth = by_label["auth on / auth off"]
    assert [r["ratio"] for r in auth["rows"]] == [0.85, 0.7] and auth["met"] is False and auth["lowest"] == 0.7
    assert auth["rows"][0]["cpu_ratio"] == 0.8
    assert by_label["quotas on / quotas off"]["met"] is True
    assert by_label["2 workers / 1 worker"]["met"] is None  # no target, reported only
    lines = verdict_lines(_configs_report()["comparisons"])
    assert "NOT met on 1 of 2 rows" in lines[0] and "POST /v1/facts seq (0.70x)" in lines[0]
    assert "at most 10% loss" in lines[1] and "met on every row" in lines[1]
    assert "target" not in lines[2]


def test_configs_have_their_own_table():
    report = _configs_report()
    console = render_table(report)
    assert "ref-auth" not in console.splitlines()[0]  # the main table: reference and trivial only
    text = render_markdown(report)
    header = next(ln for ln in text.splitlines() if ln.startswith("| N | row | mode | reference req/s | ref-auth"))
    assert "ref-auth/reference" in header and "ref-2w/reference" in header
    rule = text.splitlines()[text.splitlines().index(header) + 1]
    assert header.count("|") == rule.count("|")
    assert "| 10000 | `GET /v1/facts/{id}` | seq | 1000 | 850 | 950 | 1500 | 0.85x | 0.95x | 1.50x |" in text
    assert "- `ref-auth`: ref-auth text" in text and "no Redis row" in text


# --- the load generator ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trivial() -> Iterator[TrivialEndpoint]:
    node = TrivialEndpoint().start()
    try:
        yield node
    finally:
        node.stop()


@pytest.mark.parametrize("client", ["raw", "httpx"])
@pytest.mark.parametrize("concurrency", [1, 4])
def test_smoke_against_trivial(trivial, client, concurrency):
    calls = post_calls(10, "t") + entity_calls(100, 5, random.Random(1)) + id_calls(["a", "b"], 5, random.Random(2))
    result = run_calls(trivial.url, calls, row="smoke", mode="x", target="trivial", concurrency=concurrency,
                       time_budget=30, server_pid=trivial.pid, client=client)
    assert result.planned == 20
    assert result.requests == 20
    assert result.errors == 0
    assert dict(result.statuses) == {200: 20}
    assert len(result.latencies_ms) == 20
    assert not result.timed_out and not result.error_samples
    assert result.rate > 0 and result.p99_ms >= result.p50_ms > 0
    assert result.server_cpu_ms_per_req is not None
    assert result.to_json()["requests"] == 20


def test_peak_memory_of_a_started_process(trivial):
    assert peak_rss_bytes(trivial.pid) > 1 << 20
    assert process_cpu_seconds(trivial.pid) is not None
    assert peak_rss_bytes(2**22 + 12345) is None  # above any default pid_max: no such process


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes) -> None:
        if self.path == "/chunked":
            self.send_response(status)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (body[:3], body[3:], b""):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            return
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path in ("/ok", "/chunked", "/healthz"):
            self._answer(200, b'{"facts":[]}')
        else:
            self._answer(404, b'{"error":"not_found"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self._answer(500 if self.path == "/fail" else 201, b'{"id":"x"}')


@pytest.fixture(scope="module")
def little_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("client", ["raw", "httpx"])
def test_errors_are_counted_with_the_request(little_server, client):
    calls = ([Call("GET", "/ok")] * 6 + [Call("GET", "/missing")] * 3 + [Call("GET", "/chunked")] * 4
             + [Call("POST", "/v1/facts", b'{"a":1}')] * 5 + [Call("POST", "/fail", b'{"b":2}')] * 2)
    result = run_calls(little_server, calls, row="r", mode="m", target="t", concurrency=3, time_budget=30,
                       client=client)
    assert result.requests == 20
    assert dict(result.statuses) == {200: 10, 404: 3, 201: 5, 500: 2}
    assert result.errors == 5
    assert any(sample.startswith("GET /missing -> 404") for sample in result.error_samples)
    assert any(sample.startswith('POST /fail {"b":2} -> 500 {"id":"x"}') for sample in result.error_samples)


def test_transport_failures_are_errors():
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_calls(f"http://127.0.0.1:{port}", [Call("GET", "/x")] * 5, row="r", mode="m", target="t",
                       concurrency=2, time_budget=10, timeout=2)
    assert result.requests == 5
    assert result.errors == 5
    assert dict(result.statuses) == {0: 5}
    assert result.error_samples and "GET /x ->" in result.error_samples[0]


def test_scaling_rows_run(tmp_path):
    """bench --scaling prints the first-page and later-page rows (tiny sizes; the figures are measurements,
    never asserted)."""
    import json
    import subprocess
    import sys

    out = tmp_path / "scaling.json"
    proc = subprocess.run([sys.executable, "-m", "conformance", "bench", "--scaling", "--scaling-n", "120",
                           "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert [t["name"] for t in report["targets"]] == ["reference"]
    assert [r["row"] for r in report["targets"][0]["rows"]] == ["page 1", "page 2..20"]
    assert "| page 1 |" in proc.stdout


def test_as_of_row_is_printed_beside_the_live_row():
    from conformance.bench.render import AS_OF_ROW, LIVE_ROW, as_of_ratios

    rows = [_row("reference", LIVE_ROW, "seq", 900.0), _row("reference", AS_OF_ROW, "seq", 300.0),
            _row("trivial", LIVE_ROW, "seq", 5000.0), _row("trivial", AS_OF_ROW, "seq", 5000.0),
            _row("reference", LIVE_ROW, "8x", 1000.0), _row("reference", AS_OF_ROW, "8x", 250.0)]
    report = {**_report(), "levels": [{"n": 100000, "decisions": [], "rows": rows}]}
    lines = as_of_ratios(report)
    assert lines == [
        "as_of vs live, reference N=100000 seq: 300 vs 900 req/s: as_of takes 3.00x the live time (within the 3x "
        "goal; p50 1.25 vs 1.25 ms)",
        "as_of vs live, reference N=100000 8x: 250 vs 1000 req/s: as_of takes 4.00x the live time (OVER the 3x "
        "goal; p50 1.25 vs 1.25 ms)"]
    assert lines[0] in render_table(report)
