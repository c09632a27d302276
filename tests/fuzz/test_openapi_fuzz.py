"""The short Schemathesis lane: every documented operation, positive and negative data, a few hundred requests.

The long run (>= 5,000 requests) is ``nox -s fuzz`` (``python -m tests.fuzz.openapi_fuzz``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from conformance.harness.embedded_node import EmbeddedNode
from tests.fuzz.openapi_fuzz import fuzz, render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fakes"))
from miniature_node import MiniatureNode


def test_short_fuzz_of_every_operation_finds_nothing():
    with EmbeddedNode() as node:
        result = fuzz(node.url, node.admin_key, per_operation=8, max_seconds=240)
    assert result.operations >= 15
    assert result.requests >= 200, result.summary()
    assert not result.findings, render(result)
    assert result.server_errors == 0


def test_the_fuzzer_reports_a_crashing_node():
    """Detection power of the harness itself: a node answering 500 to everything is reported."""
    with MiniatureNode("crashing") as node:
        result = fuzz(node.url, "k", per_operation=1, max_seconds=60)
    assert result.server_errors > 0
    assert {f.check for f in result.findings} & {"not_a_server_error", "ServerError"}, render(result)
