"""The federation profile over mTLS, end to end: ``stigmem-conformance run --profile core-federation --mtls``.

The embedded node serves TLS 1.3 with certificates from a throwaway CA, every scripted peer serves and calls with
its own certificate naming its node_id, and the run must pass as it does over plain HTTP (the failure-mode
scenarios start plain nodes of their own). Then the hardening profile's mTLS checks (conformance/checks/tls.py).
About a minute on two cores, so it is in the slow lane (``-m slow``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN_BOUND_S = 420


def _run(report: Path, *args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--quiet", "--report-dir", str(report), *args],
                          capture_output=True, text=True, timeout=RUN_BOUND_S)
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    found: dict[str, object] = json.loads((report / "report.json").read_text())
    return found


@pytest.mark.slow
def test_core_federation_passes_over_mtls(tmp_path: Path) -> None:
    report = _run(tmp_path / "fed", "--profile", "core-federation", "--mtls")
    target = report["target"]
    assert isinstance(target, dict) and str(target["url"]).startswith("https://")
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["fail"] == 0 and summary["error"] == 0, summary
    assert summary["pass"] >= 60, summary


@pytest.mark.slow
def test_tls_checks_pass_against_the_embedded_node(tmp_path: Path) -> None:
    report = _run(tmp_path / "tls", "--profile", "hardening", "--only", "http:tls_*")
    results = report["results"]
    assert isinstance(results, list)
    outcomes = {r["id"]: r["outcome"] for r in results}
    assert len(outcomes) >= 12
    # the audit check skips until the node serves GET /v1/admin/audit-log; every other one passes
    others = {k: v for k, v in outcomes.items() if v != "pass"}
    assert others in ({}, {"http:tls_san_mismatch_audited": "skip"}), outcomes


@pytest.mark.slow
def test_raw_socket_checks_pass_over_tls(tmp_path: Path) -> None:
    """The connection and hostile-input checks write raw bytes; over --mtls they do it inside TLS sessions, and a
    client that never starts its handshake is dropped within the connection bound (the handshake timeout)."""
    ids = ("http:slow_connections_closed", "http:served_among_idle_connections", "http:connection_survives_errors",
           "http:hostile_input_never_5xx", "http:http_level_errors_answered")
    report = _run(tmp_path / "raw", "--mtls", "--profile", "core-local", *(a for i in ids for a in ("--only", i)))
    results = report["results"]
    assert isinstance(results, list)
    assert {r["id"]: r["outcome"] for r in results} == dict.fromkeys(ids, "pass")


@pytest.mark.slow
def test_two_workers_serve_tls(tmp_path: Path) -> None:
    """--workers 2 with the TLS flags serves TLS from every worker (it once served plain HTTP there)."""
    report = _run(tmp_path / "w2", "--mtls", "--embedded-arg=--workers=2", "--profile", "hardening",
                  "--only", "http:tls_*", "--only", "http:workers_*")
    target = report["target"]
    assert isinstance(target, dict) and str(target["url"]).startswith("https://")
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["fail"] == 0 and summary["error"] == 0 and summary["pass"] >= 14, summary
