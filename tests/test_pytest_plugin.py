"""The pytest plugin turns checks and vectors into items, with strict xfail from a ledger."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

ADAPTER = f"{shlex.quote(sys.executable)} -m reference_node.adapter"


def pytest_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_vectors_become_items(tmp_path: Path):
    proc = pytest_run(tmp_path, "--stigmem-adapter", ADAPTER, "-k", "jcs-canonicalize-00")
    assert proc.returncode == 0, proc.stdout
    assert "9 passed" in proc.stdout


def test_ledger_entry_that_passes_is_a_strict_xpass_failure(tmp_path: Path):
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text('expectations:\n  "jcs-canonicalize-001": {reason: stale}\n')
    proc = pytest_run(tmp_path, "--stigmem-adapter", ADAPTER, "-k", "jcs-canonicalize-001",
                      "--stigmem-expectations", str(ledger))
    assert proc.returncode == 1
    assert "XPASS(strict)" in proc.stdout


def test_embedded_node_checks_become_items(tmp_path: Path):
    proc = pytest_run(tmp_path, "--stigmem-embedded", "-k", "discovery or cid_on_assert")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "passed" in proc.stdout and "failed" not in proc.stdout


def test_unreachable_target_is_one_error_and_an_early_exit(tmp_path: Path):
    proc = pytest_run(tmp_path, "--stigmem-target", "http://127.0.0.1:9", "--stigmem-admin-key", "k")
    assert proc.returncode == 3, proc.stdout[-2000:]
    assert "stigmem:" in proc.stdout + proc.stderr and "Traceback" not in proc.stdout + proc.stderr
    assert "failed" not in proc.stdout


def test_adapter_that_does_not_start_is_one_error(tmp_path: Path):
    proc = pytest_run(tmp_path, "--stigmem-adapter", "no-such-adapter-command --x")
    assert proc.returncode == 3, proc.stdout[-2000:]
    assert "the adapter did not start" in proc.stdout + proc.stderr
    assert "failed" not in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def test_broken_ledger_is_a_usage_error(tmp_path: Path):
    ledger = tmp_path / "ledger.yaml"
    ledger.write_text("expectations: [unbalanced\n")
    proc = pytest_run(tmp_path, "--stigmem-adapter", ADAPTER, "--stigmem-expectations", str(ledger))
    assert proc.returncode == 4, proc.stdout[-2000:]
    assert "stigmem:" in proc.stdout + proc.stderr and "Traceback" not in proc.stdout + proc.stderr


def test_embedded_session_holds_admin_and_scoped_keys(tmp_path: Path):
    """The plugin opens the same session as the CLI: the embedded node's admin key and the scoped keys."""
    proc = pytest_run(tmp_path, "--stigmem-embedded", "-k", "revoked_key_401 or cid_backfill_status", "-rs")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "2 passed" in proc.stdout, proc.stdout[-2000:]
