"""The mutant catalogue stays honest: every snippet still occurs once, and a sample is killed end to end.

The snippet checks are instant and run in every lane, so a refactor of ``reference_node/`` that moves a mutated
line fails here instead of silently turning a mutant into an invalid one. The end-to-end samples copy the node,
apply the mutant and run the real ``stigmem-conformance`` runner(s) against the copy (tests/mutants/run.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mutants.catalogue import CATALOGUE, RUNNERS, by_id
from tests.mutants.run import baseline, run_mutant

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = {r["id"] for r in json.loads((ROOT / "vectors" / "requirements.json").read_text())["requirements"]}

# The fast lane: three vector mutants and one HTTP mutant, about ten seconds.
FAST_SAMPLE = ("cid-verify-never-mismatches", "hlc-counter-not-incremented", "tok-nonce-unchecked",
               "http-scope-leak-on-read")
# The slow lane: one per area, both runners, plus one documented equivalent mutant that must survive.
SLOW_SAMPLE = ("jcs-python-json", "cid-confidence-left-out", "hlc-clock-backwards", "conf-winner-hlc-first",
               "uri-percent-never-decoded", "http-expired-returned", "http-conflict-not-recorded",
               "http-revoked-key-accepted")


def test_catalogue_is_large_and_ids_are_unique():
    ids = [m.id for m in CATALOGUE]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("mutant", CATALOGUE, ids=lambda m: m.id)
def test_snippet_occurs_once_and_mutant_compiles(mutant):
    path = ROOT / "reference_node" / mutant.file
    assert path.is_file(), f"reference_node/{mutant.file} does not exist"
    text = path.read_text(encoding="utf-8")
    assert text.count(mutant.find) == 1, f"snippet occurs {text.count(mutant.find)} times in {mutant.file}"
    assert mutant.replace != mutant.find
    compile(text.replace(mutant.find, mutant.replace), str(path), "exec")


@pytest.mark.parametrize("mutant", CATALOGUE, ids=lambda m: m.id)
def test_mutant_is_described(mutant):
    assert mutant.description and mutant.runners
    assert set(mutant.runners) <= set(RUNNERS)
    assert set(mutant.requirements) <= REQUIREMENTS, set(mutant.requirements) - REQUIREMENTS
    assert mutant.equivalent is None or len(mutant.equivalent) > 40, "an equivalent mutant needs its reason"


def test_samples_name_catalogue_entries():
    assert set(FAST_SAMPLE) | set(SLOW_SAMPLE) <= set(by_id())
    assert by_id()["http-key-stored-in-clear"].equivalent


@pytest.mark.parametrize("mutant_id", FAST_SAMPLE)
def test_fast_sample_is_killed(mutant_id):
    result = run_mutant(by_id()[mutant_id])
    assert result.status == "killed", (result.status, result.note, {k: v.note for k, v in result.runs.items()})
    assert result.killed_by


@pytest.mark.slow
def test_slow_sample_is_killed_and_equivalent_survives():
    base = baseline(RUNNERS)
    assert {name: r.verdict for name, r in base.items()} == {"vectors": "survived", "run": "survived"}
    for mutant_id in SLOW_SAMPLE:
        result = run_mutant(by_id()[mutant_id])
        assert result.status == "killed", (mutant_id, result.status, result.note)
        assert result.killed_by, mutant_id
    assert run_mutant(by_id()["http-key-stored-in-clear"]).status == "equivalent"
