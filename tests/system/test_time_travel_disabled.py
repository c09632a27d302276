"""STG-TT-002 (Spec-X3 "Query Interface"; the catalogue's ``whitebox:time_travel_disabled_gate``): a node whose
time-travel plugin is registered but gated off answers as_of with 403 ``time_travel_plugin_disabled``, never the
not-loaded 501 and never an answer.

The suite cannot reach this state on an arbitrary node (the operator gate is a node's start-up choice), so this
system test starts the reference node as a process with ``--time-travel disabled`` and talks to it over HTTP only.
The same node without as_of answers its queries; ``--time-travel not-loaded`` (the default) gives the 501 beside it.
"""

from __future__ import annotations

import httpx
import pytest

from conformance.harness.embedded_node import EmbeddedNode

AS_OF = {"as_of": "2026-05-01T00:00:00Z"}


@pytest.mark.parametrize(("gate", "status", "code"), [("disabled", 403, "time_travel_plugin_disabled"),
                                                      ("not-loaded", 501, "time_travel_plugin_not_loaded")])
def test_as_of_answer_follows_the_gate(gate: str, status: int, code: str) -> None:
    with EmbeddedNode(extra_args=("--time-travel", gate)) as node:
        headers = {"Authorization": f"Bearer {node.admin_key}"}
        with httpx.Client(base_url=node.url, headers=headers, timeout=10.0) as client:
            answer = client.get("/v1/facts", params=AS_OF)
            assert answer.status_code == status, answer.text
            assert answer.json().get("error") == code, answer.text
            for bad in ("not-a-date", "2099-01-01T00:00:00Z"):  # the gate answers before the instant is judged
                assert client.get("/v1/facts", params={"as_of": bad}).status_code == status
            assert client.get("/v1/facts", params={"limit": "1"}).status_code == 200
            profiles = client.get("/.well-known/stigmem").json().get("profiles", [])
            assert "time-travel" not in profiles, profiles
