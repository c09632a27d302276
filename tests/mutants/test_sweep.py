"""The automatic sweep's parts: its test commands can fail, its survivor categories only excuse message text, and
the whole-node sweep runs exactly the checks that execute a mutated line (none: "not covered", never killed)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.mutants import coverage_map, node_sweep, node_worker, quick_vectors
from tests.mutants.run import child_env
from tests.mutants.sweep import category, enclosing_function, prepare

FAKE = Path(__file__).resolve().parents[1] / "fakes" / "miniature_adapter.py"


def test_quick_vectors_passes_the_reference_adapter():
    assert quick_vectors.main([f"{shlex.quote(sys.executable)} -m reference_node.adapter"]) == 0


@pytest.mark.parametrize("mode", ["always-result", "always-error", "unsupported"])
def test_quick_vectors_fails_a_wrong_adapter(mode: str, capsys: pytest.CaptureFixture[str]):
    assert quick_vectors.main([f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} {mode}"]) == 1
    assert capsys.readouterr().out.startswith("default ")


@pytest.mark.parametrize(("diff", "expected"), [
    ('-        raise TokenExpired(f"token expired {now - exp} ms ago") / '
     '+        raise TokenExpired(f"token expired {now + exp} ms ago")', "message"),
    ('-        raise SignatureInvalid(str(exc), "STG-TOK-003") from exc / '
     '+        raise SignatureInvalid(str(exc), "XXSTG-TOK-003XX") from exc', "message"),
    ('-    requirement = "STG-JCS-005" / +    requirement = None', "metadata"),
    ('-Overflow = Literal["carry", "widen"] / +Overflow = None', "typing"),
    # Not excused: a string that decides behaviour, an exception class, a comparison.
    ('-    if "crit" in header: / +    if "XXcritXX" in header:', ""),
    ('-        raise TokenMalformed("bad") / +        raise TokenExpired("bad")', ""),
    ('-    if now_ms > exp: / +    if now_ms >= exp:', ""),
    # In a raise line only the message argument of the error raised is text: an error code or a parameter name
    # is in the response body, and a callee of unknown shape is never excused.
    ('-        raise ApiError("unauthorized", "must be Bearer", _CHALLENGE) / '
     '+        raise ApiError("XXunauthorizedXX", "must be Bearer", _CHALLENGE)', ""),
    ('-        raise ApiError("manifest_not_found", f"none lists {uri}") / '
     '+        raise ApiError("manifest_not_found", f"XXnone lists {uri}XX")', "message"),
    ('-        raise _bad("min_confidence", "must be a number") / '
     '+        raise _bad("XXmin_confidenceXX", "must be a number")', ""),
    ('-        raise _bad("min_confidence", "must be a number") / '
     '+        raise _bad("min_confidence", "XXmust be a numberXX")', "message"),
    ('-        raise _bad("a token") / +        raise _bad("XXa tokenXX")', "message"),
    ('-        raise ManifestError("manifest_invalid", "too long", "STG-MAN-005") / '
     '+        raise ManifestError("manifest_invalid", "too long", "XXSTG-MAN-005XX")', "message"),
    ('-        raise StoreError("scope_mismatch", "x") / +        raise StoreError("XXscope_mismatchXX", "x")', ""),
    ('-        raise Unknown("text") / +        raise Unknown("XXtextXX")', ""),
])
def test_survivor_categories(diff: str, expected: str):
    assert category(diff) == expected


@pytest.mark.parametrize(("diff", "function", "expected"), [
    # The detail of a rejection is text; its reason and its audit event type are not.
    ('-        return _reject("invalid_fact", "a fact is an object", None) / '
     '+        return _reject("invalid_fact", "XXa fact is an objectXX", None)', "read_inbound", "message"),
    ('-        return _reject("invalid_fact", "a fact is an object", None) / '
     '+        return _reject("XXinvalid_factXX", "a fact is an object", None)', "read_inbound", ""),
    ('-        return _reject("scope_violation", f"scope {s}", fact.id, "scope_violation") / '
     '+        return _reject("scope_violation", f"scope {s}", fact.id, "XXscope_violationXX")', "admit", ""),
    # The message of an error built now and raised later is text; the choice of error class is not.
    ('-            faults.append(JcsDuplicateKey("duplicate member")) / '
     '+            faults.append(JcsDuplicateKey("XXduplicate memberXX"))', "parse", "message"),
    ('-            faults.append(JcsDuplicateKey("duplicate member")) / '
     '+            faults.append(JcsInvalidJson("duplicate member"))', "parse", ""),
    # A reason returned by shape_problem is text; a code returned by verification_failure is not.
    ('-        return "a declaration is a JSON object" / +        return "XXa declaration is a JSON objectXX"',
     "shape_problem", "message"),
    ('-        return "pubkey_mismatch" / +        return "XXpubkey_mismatchXX"', "verification_failure", ""),
])
def test_survivor_categories_in_context(diff: str, function: str, expected: str):
    assert category(diff, function) == expected


def test_enclosing_function():
    peering = Path(__file__).resolve().parents[2] / "reference_node" / "protocol" / "peering.py"
    lines = peering.read_text(encoding="utf-8").splitlines()
    inside = next(i for i, line in enumerate(lines, 1) if "a declaration is a JSON object" in line)
    assert enclosing_function(peering, inside) == "shape_problem"
    assert enclosing_function(peering, 1) == ""


# --- the whole-node sweep: coverage per check, selection, the in-process worker ---------------------------------

def _cmap() -> dict[str, Any]:
    return {"lines": {"reference_node/api/x.py": {"1": ["import"], "5": ["http:a", "http:b", "setup"],
                                                  "6": ["http:b", "http:broken"], "7": ["teardown"]},
                      "reference_node/api/y.py": {"3": ["import"]}},
            "outcomes": {"http:a": "pass", "http:b": "pass", "http:broken": "fail"},
            "durations_ms": {"http:a": 50.0, "http:b": 5.0}}


def test_selection_is_exactly_the_passing_checks_that_ran_the_line():
    cmap = _cmap()
    assert coverage_map.select(cmap, "reference_node/api/x.py", [5]) == ["http:b", "http:a"]  # quickest first
    assert coverage_map.select(cmap, "reference_node/api/x.py", [6]) == ["http:b"]  # a failing check never
    # A line that ran only at import (a constant) gets the checks of the whole file, then every other passing one.
    assert coverage_map.select(cmap, "reference_node/api/x.py", [1]) == ["http:b", "http:a"]
    cmap["outcomes"]["http:c"] = "pass"  # a check that ran no line of x.py
    assert coverage_map.select(cmap, "reference_node/api/x.py", [1]) == ["http:b", "http:a", "http:c"]
    assert coverage_map.select(cmap, "reference_node/api/y.py", [3]) == []  # no check runs a line of y.py
    assert coverage_map.touches_setup(cmap, "reference_node/api/x.py", [5])
    assert not coverage_map.touches_setup(cmap, "reference_node/api/x.py", [6])


def test_a_later_line_of_a_statement_counts_as_its_first(tmp_path: Path):
    """coverage.py records a statement that spans lines on its first line: a mutant on a later line of it (an
    argument, a clause of a condition) gets the checks that ran the statement."""
    source = tmp_path / "x.py"
    source.write_text("import os\n\n\n\nvalue = call(\n    os.sep,\n    'b')\nif (value and\n        os):\n"
                      "    pass\n", encoding="utf-8")
    cmap = _cmap()
    assert coverage_map.select(cmap, "reference_node/api/x.py", [6]) == ["http:b"]  # recorded itself
    cmap["lines"]["reference_node/api/x.py"].pop("6")
    assert coverage_map.select(cmap, "reference_node/api/x.py", [6]) == []
    assert coverage_map.select(cmap, "reference_node/api/x.py", [6], source) == ["http:b", "http:a"]  # line 5's
    assert coverage_map.select(cmap, "reference_node/api/x.py", [7], source) == []  # recorded itself (teardown)
    cmap["lines"]["reference_node/api/x.py"].pop("7")
    assert coverage_map.select(cmap, "reference_node/api/x.py", [7], source) == ["http:b", "http:a"]
    assert coverage_map.statement_starts(source) == {6: 5, 7: 5, 9: 8}  # the if's body is not its header


def test_a_mutant_on_an_uncovered_line_is_not_covered_never_killed():
    cmap = _cmap()
    for file, line in (("reference_node/api/x.py", 9), ("reference_node/api/x.py", 7),
                       ("reference_node/api/y.py", 3), ("reference_node/api/z.py", 1)):
        assert coverage_map.select(cmap, file, [line]) == []
    mutants = [{"id": 1, "status": "survived", "file": "reference_node/api/x.py", "line_number": 9},
               {"id": 2, "status": "survived", "file": "reference_node/api/x.py", "line_number": 5},
               {"id": 3, "status": "killed", "file": "reference_node/api/x.py", "line_number": 6}]
    verdicts = [{"file": "reference_node/api/x.py", "lines": [6], "verdict": "start-failed", "checks": []}]
    node_sweep.classify(mutants, cmap, verdicts, lambda _id: "-    a = 1 / +    a = 2")
    assert [m["verdict"] for m in mutants] == ["not-covered", "survived", "start-failed"]
    total = node_sweep.tally(mutants)
    assert total["score"] == 0.0 and total["observable"] == 1 and total["not-covered"] == 1


def test_spawned_contexts_are_dropped_on_import_lines():
    merged = coverage_map.merge({"f.py": {"1": ["import"], "2": ["http:a"]}},
                                {"f.py": {"1": ["crash:x"], "2": ["crash:x"], "3": ["crash:x"]}})
    assert merged == {"f.py": {"1": ["import"], "2": ["crash:x", "http:a"], "3": ["crash:x"]}}


def test_changed_lines(tmp_path: Path):
    (tmp_path / "pristine" / "reference_node" / "api").mkdir(parents=True)
    (tmp_path / "reference_node" / "api").mkdir(parents=True)
    for root in ("pristine/reference_node", "reference_node"):
        (tmp_path / root / "api" / "x.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    assert coverage_map.changed_lines(tmp_path / "reference_node", tmp_path / "pristine" / "reference_node") is None
    (tmp_path / "reference_node" / "api" / "x.py").write_text("a = 1\nb = 3\nc = 3\n", encoding="utf-8")
    assert coverage_map.changed_lines(tmp_path / "reference_node",
                                      tmp_path / "pristine" / "reference_node") == ("reference_node/api/x.py", [2])


def _worker(workspace: Path) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run([sys.executable, str(node_worker.__file__), "--workspace", str(workspace)], cwd=workspace,
                          env=child_env(workspace), capture_output=True, text=True, timeout=180, check=False)
    last = (workspace / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    return proc.returncode, json.loads(last)


def test_the_worker_kills_a_bad_limit_in_process_and_passes_an_equivalent(tmp_path: Path):
    """End to end on reference_node/api/params.py: the mutated copy served in-process, only the mapped checks."""
    prepare(tmp_path, "reference_node/api/params.py")
    params = tmp_path / "reference_node" / "api" / "params.py"
    text = params.read_text(encoding="utf-8")
    line = text.splitlines().index("MAX_LIMIT = 500") + 1
    checks = ["http:bad_limit_rejected", "http:query_param_validation"]
    cmap = {"lines": {"reference_node/api/params.py": {str(line): ["import", *checks]}},
            "outcomes": dict.fromkeys(checks, "pass"), "durations_ms": {}}
    (tmp_path / "coverage-map.json").write_text(json.dumps(cmap), encoding="utf-8")
    started = time.monotonic()
    params.write_text(text.replace("MAX_LIMIT = 500", "MAX_LIMIT = 5000"), encoding="utf-8")
    code, verdict = _worker(tmp_path)
    assert (code, verdict["verdict"], verdict["failing"]) == (1, "killed", ["http:bad_limit_rejected"])
    assert verdict["checks"] == checks and verdict["lines"] == [line]
    params.write_text(text.replace("MAX_LIMIT = 500", "MAX_LIMIT = 499 + 1"), encoding="utf-8")
    code, verdict = _worker(tmp_path)
    assert (code, verdict["verdict"], verdict["failing"]) == (0, "survived", [])
    params.write_text(text + "UNUSED = 1\n", encoding="utf-8")  # a line no check executes
    code, verdict = _worker(tmp_path)
    assert (code, verdict["verdict"], verdict["checks"]) == (0, "not-covered", [])
    assert time.monotonic() - started < 170


def test_reports_of_side_by_side_sweeps_combine_per_directory():
    def report(paths: str, rows: dict[str, dict[str, int]], seconds: float) -> dict[str, Any]:
        return {"paths": paths, "excluded": [], "finished": False, "mutmut_exit": None, "duration_s": seconds,
                "coverage_s": 1.0, "tested_now": 4, "mean_mutant_s": 2.0, "survivors": [{"id": 1}],
                "summary": {"by_directory": rows, "unobservable": {"message": 1, "metadata": 0, "typing": 0}}}

    data = node_sweep.combine([report("a", {"api": {"mutants": 5, "killed": 3, "survived": 1, "not-covered": 1}}, 10),
                               report("b", {"storage": {"mutants": 4, "killed": 4, "observable": 4}}, 30)])
    assert data["summary"]["by_directory"]["api"]["score"] == 0.75
    assert data["summary"]["by_directory"]["storage"]["score"] == 1.0
    assert data["summary"]["total"]["score"] == round(7 / 8, 4)
    assert data["summary"]["total"]["score_with_not_covered"] == round(7 / 9, 4)
    assert data["duration_s"] == 30 and data["summary"]["unobservable"]["message"] == 2


def _mutants(order: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [{"id": i, "file": f, "line_number": n, "index": k} for i, (f, n, k) in enumerate(order, 1)]


def test_a_sample_is_the_same_mutants_whatever_ids_the_workspace_gave_them():
    keys = [(f"reference_node/{d}/m.py", n, k) for d in ("api", "storage") for n in range(1, 30) for k in range(3)]
    one, other = _mutants(keys), _mutants(list(reversed(keys)))  # two walks, two numberings
    key_of = {m["id"]: (m["file"], m["line_number"], m["index"]) for m in one}
    key_of_other = {m["id"]: (m["file"], m["line_number"], m["index"]) for m in other}
    first = {key_of[i] for i in node_sweep.pick_sample(one, 40, 7, (1, 1))}
    again = {key_of_other[i] for i in node_sweep.pick_sample(other, 40, 7, (1, 1))}
    assert len(first) == 40 and first == again
    assert {key_of[i] for i in node_sweep.pick_sample(one, 40, 8, (1, 1))} != first  # the seed matters


def test_shards_of_a_sample_are_disjoint_and_cover_it():
    mutants = _mutants([("reference_node/api/m.py", n, 0) for n in range(1, 200)])
    whole = set(node_sweep.pick_sample(mutants, 51, 3, (1, 1)))
    halves = [set(node_sweep.pick_sample(mutants, 51, 3, (k, 2))) for k in (1, 2)]
    assert halves[0] | halves[1] == whole and not halves[0] & halves[1]
    assert sorted(len(h) for h in halves) == [25, 26]
    assert len(node_sweep.pick_sample(mutants, 10_000, 3, (1, 1))) == 199  # a sample larger than the frame is all


def test_wilson_interval():
    assert node_sweep.wilson(0, 0) is None
    low, high = node_sweep.wilson(90, 100)  # type: ignore[misc]
    assert 0.82 < low < 0.83 and 0.94 < high < 0.95  # the textbook figures: 0.8256 to 0.9448
    low, high = node_sweep.wilson(10, 10)  # type: ignore[misc]
    assert high == 1.0 and 0.72 < low < 0.73


def test_shard_reports_of_one_sample_combine_into_it():
    def report(shard: str) -> dict[str, Any]:
        return {"paths": "reference_node/", "excluded": [], "finished": True, "mutmut_exit": 0, "duration_s": 5.0,
                "coverage_s": 1.0, "tested_now": 2, "mean_mutant_s": 2.0, "survivors": [],
                "sample": {"size": 4, "seed": 1, "frame": 100, "shards": [shard], "shard": shard},
                "summary": {"by_directory": {"api": {"mutants": 2, "killed": 2}},
                            "unobservable": {"message": 0, "metadata": 0, "typing": 0}}}

    data = node_sweep.combine([report("1/2"), report("2/2")])
    assert data["sample"] == {"size": 4, "seed": 1, "frame": 100, "shards": ["1/2", "2/2"]}
    assert data["summary"]["total"]["mutants"] == 4 and data["summary"]["total"]["interval"][1] == 1.0
    assert "A uniform random sample: 4 of the 100 mutants" in node_sweep.render(data)


def test_a_listed_equivalent_is_named_by_file_and_both_sides_only():
    table = [{"file": "recall/pipeline.py", "old": "idf * tf * (_BM25_K1 + 1)", "new": "idf * tf / (_BM25_K1 + 1)",
              "reason": "a constant factor of every score; min-max normalization removes it"}]
    diff = "-    s += idf * tf * (_BM25_K1 + 1) / x / +    s += idf * tf / (_BM25_K1 + 1) / x"
    assert node_sweep.equivalent_reason("reference_node/recall/pipeline.py", diff, table) == table[0]["reason"]
    assert node_sweep.equivalent_reason("reference_node/recall/other.py", diff, table) is None
    other = "-    s += idf * tf * (_BM25_K1 + 1) / x / +    s += idf * tf * (_BM25_K1 + 2) / x"
    assert node_sweep.equivalent_reason("reference_node/recall/pipeline.py", other, table) is None
    cmap = {"lines": {"reference_node/recall/pipeline.py": {"5": ["http:a"]}}, "outcomes": {"http:a": "pass"}}
    mutants = [{"id": 1, "status": "survived", "file": "reference_node/recall/pipeline.py", "line_number": 5}]
    node_sweep.classify(mutants, cmap, [], lambda _id: diff, table)
    assert mutants[0]["verdict"] == "equivalent" and mutants[0]["reason"] == table[0]["reason"]
    assert node_sweep.tally(mutants)["observable"] == 0


def test_an_annotation_change_alone_is_typing():
    assert category("-    row: FactRow | None = conn.execute( / +    row: FactRow & None = conn.execute(") == "typing"
    assert category("-    garden_id: str | None = None / +    garden_id: str & None = None") == "typing"
    assert category("-    rejected: int = 0 / +    rejected: int = 1") == ""  # the value changed
    assert category("-    held: int = 0 / +    kept: int = 0") == ""  # another name
