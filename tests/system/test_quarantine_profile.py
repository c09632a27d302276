"""``stigmem-conformance run --profile quarantine`` end to end against the embedded node (Spec-08; A20 §19.4).

In strict trust mode the node claims the profile and every check the catalogue names for STG-QUAR-* runs and
passes; in the default (relaxed) mode the federation checks skip (never pass) and only the garden rules run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def quarantine_checks() -> set[str]:
    """The check ids the catalogue names for the quarantine requirements (the contract, not the suite's code)."""
    reqs = json.loads((ROOT / "vectors" / "requirements.json").read_text(encoding="utf-8"))["requirements"]
    return {c for r in reqs if r["id"].startswith("STG-QUAR-") for c in r["checks"]}


def run(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    # federation-trust too: two STG-QUAR checks (a peer proven by its manifest and log is not held; an unreachable
    # log fails closed) are federation-trust checks
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", "quarantine", "--profile",
                           "federation-trust", "--quiet",
                           "--report-dir", str(tmp_path), *extra], capture_output=True, text=True, timeout=300,
                          check=False, cwd=ROOT)
    return proc, json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))


def test_quarantine_profile_passes_in_strict_mode(tmp_path: Path) -> None:
    proc, report = run(tmp_path, "--embedded-arg=--trust-mode=strict")
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    wanted = quarantine_checks()
    assert len(wanted) == 14
    assert {k: outcomes.get(k) for k in wanted} == dict.fromkeys(wanted, "pass"), (proc.stdout[-2000:],
                                                                                    proc.stderr[-2000:])
    assert proc.returncode == 0
    discovery = report["target"]["discovery"]
    assert discovery.get("trust_mode") == "strict" and "quarantine" in discovery.get("profiles", [])


def test_quarantine_checks_skip_on_a_relaxed_node(tmp_path: Path) -> None:
    proc, report = run(tmp_path)
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    federation = {k for k in quarantine_checks() if k.startswith("federation:quarantine")}
    assert {k: outcomes.get(k) for k in federation} == dict.fromkeys(federation, "skip")
    assert "quarantine" not in report["target"]["discovery"].get("profiles", [])
    # The garden rules hold in any trust mode, so that check still runs.
    assert outcomes.get("http:quarantine_garden_rules") == "pass", proc.stdout[-2000:]
