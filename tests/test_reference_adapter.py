"""The reference core passes every vector through its stdio adapter (its speed is in the benchmark, not here)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from conformance.catalog.interpretations import preset

ADAPTER = f"{shlex.quote(sys.executable)} -m reference_node.adapter"


def run_cli(tmp_path: Path, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "conformance", "vectors", "--adapter", ADAPTER, "--quiet",
                           "--report-dir", str(tmp_path), *args], capture_output=True, text=True, timeout=120)
    report = json.loads((tmp_path / "report.json").read_text())
    report["_stdout"] = proc.stdout + proc.stderr
    report["_rc"] = proc.returncode
    return report


def test_reference_core_passes_every_default_vector(tmp_path: Path):
    report = run_cli(tmp_path, "--validate-protocol")
    s = report["summary"]
    assert report["_rc"] == 0, report["_stdout"]
    assert s["fail"] == s["error"] == s["unsupported"] == 0, report["_stdout"]
    assert s["pass"] > 450


def test_reference_core_under_upstream_readings(tmp_path: Path):
    """The upstream preset runs the upstream-tagged vectors; the core implements those options too."""
    report = run_cli(tmp_path, "--preset", "upstream-0.9.0a12")
    assert report["interpretations"] == preset("upstream-0.9.0a12")
    assert report["summary"]["fail"] == report["summary"]["error"] == 0, report["_stdout"]
