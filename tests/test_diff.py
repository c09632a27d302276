"""stigmem-conformance diff: readings and vector sets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conformance.catalog.interpretations import resolve
from conformance.catalog.paths import vectors_dir
from conformance.catalog.vectors import load_vectors
from conformance.cli import main
from conformance.reports.diff import between_readings, between_sets


def test_switching_cid_preimage_changes_the_base_fact_cid():
    changes = between_readings(load_vectors(), resolve(), resolve(overrides=["cid_preimage=cidf-7"]))
    changed = [c for c in changes if c.note == "expected result changes"]
    assert any("cid-compute-054" in c.key for c in changed)  # the base fact under the CIDF body
    assert all("STG-CID-002" in c.requirements for c in changed)


def test_same_reading_changes_nothing():
    assert between_readings(load_vectors(), resolve(), resolve()) == []


def test_vector_set_diff_reports_changed_and_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    old = tmp_path / "vectors"
    shutil.copytree(vectors_dir(), old)
    path = old / "hlc" / "compare.json"
    doc = json.loads(path.read_text())
    doc["vectors"][0]["expected"]["order"] = 1
    doc["vectors"].pop()
    doc["count"] -= 1
    path.write_text(json.dumps(doc))
    changes = {c.key: c.note for c in between_sets(load_vectors(old, validate=False), load_vectors())}
    assert changes["hlc-compare-001"] == "changed: expected"
    assert changes["hlc-compare-008"] == "added"
    assert main(["diff", "--against", str(old)]) == 0
    assert "hlc-compare-001" in capsys.readouterr().out
