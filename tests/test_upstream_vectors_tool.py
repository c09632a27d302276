"""tools/upstream_vectors.py judges an answer against an upstream-format vector (no node is started here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "upstream_vectors.py"
spec = importlib.util.spec_from_file_location("upstream_vectors", TOOL)
assert spec is not None and spec.loader is not None
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def test_status_list_and_exact_status():
    assert tool.judge({"expected_status_in": [401, 403]}, 403, None) is None
    assert tool.judge({"expected_status_in": [401, 403]}, 405, None) == "status 405, expected [401, 403]"
    assert tool.judge({"expected_status": 200}, 201, {}) == "status 201, expected [200]"


def test_body_assertions():
    body = {"federation": "enabled", "version": "1", "detail": {"code": "as_of_future"}}
    assert tool.judge({"expected_status": 200, "expected_body_contains": {"federation": "enabled"},
                       "expected_body_has_keys": ["version"], "expected_body_value_in": {"federation": ["enabled"]},
                       "expected_nested": {"detail.code": "as_of_future"}}, 200, body) is None
    assert "expected 'disabled'" in tool.judge({"expected_status": 200,
                                                "expected_body_contains": {"federation": "disabled"}}, 200, body)
    assert tool.judge({"expected_status": 200, "expected_body_has_keys": ["node_id"]}, 200, body) == "no key 'node_id'"
    assert tool.judge({"expected_status": 200, "expected_nested": {"detail.code": "x"}}, 200, body) is not None
    assert tool.judge({"expected_status": 200, "expected_body_has_keys": ["a"]}, 200, ["a"]) == "no key 'a'"
