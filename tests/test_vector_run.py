"""The vector runner judges answers correctly and can fail every vector."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from conformance.catalog.interpretations import resolve
from conformance.catalog.vectors import adapter_vectors
from conformance.cli import main
from conformance.harness.stdio_adapter import Answer, StdioAdapter
from conformance.vector_run import json_equal, judge, run

FAKE = Path(__file__).parent / "fakes" / "miniature_adapter.py"


def fake(mode: str) -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} {mode}"


def test_json_equal_keeps_booleans_apart_from_numbers():
    assert json_equal(1, 1.0)
    assert not json_equal(True, 1)
    assert not json_equal([0], [False])
    assert json_equal({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]})
    assert not json_equal({"a": 1}, {"a": 1, "b": 2})


def test_judge_outcomes():
    assert judge({"outcome": "valid", "cid": "x"}, Answer("result", result={"cid": "x"}))[0]
    assert not judge({"outcome": "valid", "cid": "x"}, Answer("result", result={"cid": "y"}))[0]
    assert judge({"outcome": "invalid", "error": "e"}, Answer("error", code="e"))[0]
    assert not judge({"outcome": "invalid", "error": "e"}, Answer("error", code="f"))[0]
    assert not judge({"outcome": "invalid", "error": "e"}, Answer("result", result={}))[0]
    acceptable = {"outcome": "acceptable", "interpretation": "x",
                  "any_of": [{"outcome": "invalid", "error": "e"}, {"outcome": "valid", "v": 1}]}
    assert judge(acceptable, Answer("result", result={"v": 1}))[0]
    assert not judge(acceptable, Answer("result", result={"v": 2}))[0]


def test_every_vector_can_fail():
    """Under the two miniatures, each applicable vector fails at least once (none is unfailable)."""
    active = resolve()
    vectors = adapter_vectors()
    failed: set[str] = set()
    for mode in ("always-result", "always-error"):
        with StdioAdapter(fake(mode)) as adapter:
            adapter.start()
            failed |= {r.id for r in run(adapter, vectors, active) if r.outcome == "fail"}
    applicable = {r.id for r in run_dry(vectors, active)}
    assert applicable and applicable <= failed, sorted(applicable - failed)[:10]


def run_dry(vectors, active):
    from conformance.catalog.interpretations import applies

    return [v for v in vectors if applies(v.interpretations, active)]


def test_unsupported_is_never_a_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    rc = main(["vectors", "--adapter", fake("unsupported"), "--only", "jcs-*", "--report-dir", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["pass"] == 0
    assert report["summary"]["unsupported"] == report["areas"]["jcs"]["unsupported"] > 0
    assert rc == 0


def test_crashing_adapter_stops_the_run_with_one_error(capsys: pytest.CaptureFixture[str]):
    """Issue 12: an adapter that dies mid-run ends the run with exit 3 and one error, not one per case."""
    rc = main(["vectors", "--adapter", fake("crash-after-3"), "--only", "cid-*", "--timeout", "5"])
    captured = capsys.readouterr()
    assert rc == 3
    assert "ERROR [" not in captured.out
    assert captured.err.count("\n") == 1 and "adapter" in captured.err


def test_garbage_output_is_a_protocol_error(capsys: pytest.CaptureFixture[str]):
    rc = main(["vectors", "--adapter", fake("garbage"), "--only", "hlc-parse-001"])
    assert rc == 1
    assert "not JSON" in capsys.readouterr().out


def test_missing_adapter_exits_3(capsys: pytest.CaptureFixture[str]):
    assert main(["vectors", "--adapter", "/nonexistent/adapter"]) == 3


def test_unknown_interpretation_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    assert main(["vectors", "--interpretation", "cid_preimage=md5"]) == 2
    assert "cid_preimage options are" in capsys.readouterr().err


def test_validate_protocol_rejects_malformed_messages(capsys: pytest.CaptureFixture[str]):
    rc = main(["vectors", "--adapter", fake("always-error"), "--only", "hlc-parse-001", "--validate-protocol"])
    assert rc == 1  # a well-formed wrong answer is a fail, not a protocol error
    assert "FAIL" in capsys.readouterr().out


def test_exitfirst_stops_at_the_first_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """--exitfirst reports the cases up to and including the first failure, and still exits 1."""
    rc = main(["vectors", "--adapter", fake("always-result"), "--only", "jcs-*", "--exitfirst",
               "--report-dir", str(tmp_path)])
    results = json.loads((tmp_path / "report.json").read_text())["results"]
    assert rc == 1
    assert [r["outcome"] for r in results].count("fail") == 1 and results[-1]["outcome"] == "fail"
    full = main(["vectors", "--adapter", fake("always-result"), "--only", "jcs-*", "--report-dir", str(tmp_path)])
    assert full == 1 and len(json.loads((tmp_path / "report.json").read_text())["results"]) > len(results)
