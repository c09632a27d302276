"""--first: the matching cases move to the front, both parts keep their order, and the verdict is unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from conformance.cli import first


@dataclass
class Case:
    id: str


def test_matching_cases_move_to_the_front_in_order():
    cases = [Case(i) for i in ("a:1", "b:1", "a:2", "c:1", "b:2")]
    assert [c.id for c in first(cases, ["b:*"])] == ["b:1", "b:2", "a:1", "a:2", "c:1"]
    assert [c.id for c in first(cases, ["c:1", "a:2"])] == ["a:2", "c:1", "a:1", "b:1", "b:2"]
    assert first(cases, []) == cases and first(cases, ["zz"]) == cases


def test_vectors_run_the_named_vector_first(tmp_path):
    out = subprocess.run([sys.executable, "-m", "conformance", "vectors", "--only", "jcs-*", "--first", "jcs-*-003",
                          "--format", "jsonl"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    ids = [row["id"] for row in map(json.loads, out.stdout.splitlines()) if row.get("event") == "case"]
    assert ids and ids[0].endswith("-003") and len(ids) == len(set(ids)) > 3
