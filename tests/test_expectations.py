"""The known-failure ledger: listed failures are expected, listed passes fail the run (strict)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from conformance.cli import main

FAKE = Path(__file__).parent / "fakes" / "miniature_adapter.py"
ERRORING = f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} always-error"


def ledger(tmp_path: Path, text: str, name: str = "ledger.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_listed_failure_is_expected_and_the_run_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = ledger(tmp_path, "expectations:\n  'hlc-parse-*': {reason: known, link: 'https://example.org/1'}\n")
    rc = main(["vectors", "--adapter", ERRORING, "--only", "hlc-parse-*", "--expectations", path,
               "--report-dir", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    assert rc == 0
    assert report["summary"]["fail"] == 0
    applicable = sum(1 for r in report["results"] if r["outcome"] != "not-applicable")
    assert report["summary"]["expected-fail"] == applicable > 0


def test_listed_case_that_passes_fails_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = ledger(tmp_path, '{"expectations": {"jcs-canonicalize-001": {"reason": "stale entry"}}}', "l.json")
    rc = main(["vectors", "--only", "jcs-canonicalize-001", "--expectations", path])
    assert rc == 1
    assert "UNEXPECTED-PASS" in capsys.readouterr().out


def test_malformed_ledger_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = ledger(tmp_path, "expectations:\n  x: {link: nope}\n")
    assert main(["vectors", "--only", "jcs-canonicalize-001", "--expectations", path]) == 2


def test_list_prints_without_running(capsys: pytest.CaptureFixture[str]):
    assert main(["vectors", "--list", "--only", "cid-verify-*"]) == 0
    out = capsys.readouterr().out
    assert "cid-verify-001" in out and "vectors:" not in out
