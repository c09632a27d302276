"""The failure-mode step language (``vectors/failure_modes/*.json``, ``schemas/vectors/failure_modes.json``).

Spec-18 (A08 §11) plus HLC-jump cases (Spec-12 bounded skew) and poison-fact cases (Spec-05 inbound validation).
A vector names its cluster nodes (started from a launch recipe, each behind a fault proxy), its scripted peers and
its steps; the runner executes the steps in order against real processes over HTTP, records a ``History``, fails at
the first step whose own expectation is broken (naming the step), and at the end checks ``expected.invariants`` over
the history. Requirements: STG-FAIL-001..015, STG-TOK-005..008, STG-RPL-009, STG-HLC-005..010, STG-CID-013,
STG-FED-022/031/032/034/036, STG-AUDIT-001. Interpretations read: ``source_ownership`` (who sources the cluster
writes), ``cid_preimage`` and ``peer_declaration_fields`` (the scripted peer's CIDs and declaration),
``hlc_origin`` (whether an accepted fact keeps its origin HLC), ``replay_error_code`` (whether the replay code is
compared), ``total_count`` (whether ``total`` may be used to count). The step semantics are documented in the schema;
the handlers live in ``cluster_steps`` and ``peer_steps``, the state they share in ``scenario_state``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from conformance.catalog.vectors import Vector
from conformance.federation.cluster_steps import ClusterSteps
from conformance.federation.history import History
from conformance.federation.operator import FederationStepFailed
from conformance.federation.peer import ScriptedPeer
from conformance.federation.peer_steps import PeerSteps
from conformance.federation.recipes import Recipe
from conformance.federation.scenario_state import ScenarioError, records
from conformance.harness.http_target import TargetUnreachable
from conformance.outcomes import CheckFailed, Skip

__all__ = ["ScenarioError", "ScenarioRun", "records", "run_vector"]


class ScenarioRun(ClusterSteps, PeerSteps):
    """One vector against a fresh cluster: ``ScenarioRun(vector, recipe, interpretations).run()``."""

    def run(self) -> History:
        handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            name.removeprefix("_do_"): getattr(self, name) for name in dir(self) if name.startswith("_do_")}
        try:
            self.cluster.start()
            for spec in self.vector.input["peers"]:
                peer = ScriptedPeer.create(spec["authority"], spec["scopes"],
                                           declaration_fields=self.interp.get("peer_declaration_fields", "a08-jcs"),
                                           cid_option=self.interp.get("cid_preimage", "jcs-6"),
                                           envelope=self.recipe.peer_envelope)
                self.peers[spec["name"]] = peer.start()
            for number, step in enumerate(self.vector.input["steps"], start=1):
                self.step = number
                try:
                    handlers[step["do"]](step)
                except (CheckFailed, FederationStepFailed) as exc:
                    raise CheckFailed(f"{self.vector.id} step {self.step} ({step['do']}): {exc}") from exc
                except TargetUnreachable as exc:
                    raise CheckFailed(f"{self.vector.id} step {self.step} ({step['do']}): node unreachable: {exc}; "
                                      f"{self._tails()}") from exc
            try:
                self.history.check(self.vector.expected.get("invariants", []), self._eligible)
            except CheckFailed as exc:
                raise CheckFailed(f"{self.vector.id}: {exc}") from exc
            return self.history
        finally:
            for peer in self.peers.values():
                peer.stop()
            self.cluster.stop()


def run_vector(vector: Vector, recipe: Recipe, interpretations: Mapping[str, str]) -> History:
    """Run one scenario vector against a fresh cluster from ``recipe``; raises ``CheckFailed`` or ``Skip``."""
    if vector.retired:
        raise Skip(f"{vector.id} is retired")
    return ScenarioRun(vector, recipe, interpretations).run()
