"""Lint the vector data like code: schemas, ids, requirement links, flags, interpretations, drift."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conformance.catalog.interpretations import entries
from conformance.catalog.paths import vectors_dir
from conformance.catalog.vectors import load_file, load_vectors, vector_paths

ROOT = Path(__file__).resolve().parents[2]
PATHS = vector_paths()
REQUIREMENTS = json.loads((vectors_dir() / "requirements.json").read_text(encoding="utf-8"))["requirements"]
REQ_IDS = {r["id"] for r in REQUIREMENTS}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_file_is_valid_and_consistent(path: Path):
    doc = load_file(path, validate=True)
    assert doc["count"] == len(doc["vectors"])
    assert f"{doc['concept']}/{doc['operation']}.json" == f"{path.parent.name}/{path.name}"
    descriptions = Counter(v["description"] for v in doc["vectors"])
    assert not [d for d, n in descriptions.items() if n > 1], "descriptions must be unique in a file"
    for v in doc["vectors"]:
        assert not re.search(r"\b(should|test that|tests that)\b", v["description"], re.I), v["id"]
        assert set(v.get("flags", ())) <= set(doc["notes"]), f"{v['id']}: flag without a note"
        unknown = set(v["requirements"]) - REQ_IDS
        assert not unknown, f"{v['id']}: unknown requirements {unknown}"


def test_ids_unique_across_files():
    ids = Counter(v.id for v in load_vectors())
    assert not [i for i, n in ids.items() if n > 1]


def test_interpretations_named_by_vectors_exist():
    known = entries()
    for v in load_vectors():
        for key, option in v.interpretations.items():
            assert key in known, f"{v.id}: unknown interpretation {key}"
            assert option in known[key]["options"], f"{v.id}: {key} has no option {option}"
        if v.expected["outcome"] == "acceptable":
            assert v.expected["interpretation"] in known


def test_every_must_is_covered_or_planned():
    covered = {r for v in load_vectors() for r in v.requirements}
    missing = [r["id"] for r in REQUIREMENTS
               if r["level"] == "MUST" and r["status"] == "active" and r["id"] not in covered and not r.get("checks")]
    assert not missing, f"MUST requirements with neither a vector nor a planned check: {missing}"


def test_generator_reproduces_committed_files(tmp_path: Path):
    """Regenerating the vectors gives byte-identical files (STG data provenance)."""
    proc = subprocess.run([sys.executable, "-m", "conformance.generate", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generator_never_imports_reference_node():
    for path in (ROOT / "conformance").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+reference_node", text, re.M), path
