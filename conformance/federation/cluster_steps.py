"""The cluster steps of the failure-mode step language: writes, reads, faults, pulls and the checks on what the
cluster nodes hold (``federate``, ``write``, ``write_many``, ``read``, ``partition``, ``heal``, ``delay``, ``kill``,
``restart``, ``wait``, ``pull``, ``pull_until_killed``, ``expect_count``, ``converge``, ``expect_unchanged``,
``expect_conflict``). The semantics of each step are documented in schemas/vectors/failure_modes.json.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conformance.federation.cluster import ClusterNode
from conformance.federation.operator import pull_stats
from conformance.federation.scenario_state import (
    BATCH,
    GROUP,
    MAX_PAGES,
    PAGE,
    WRITERS,
    ScenarioError,
    ScenarioState,
    records,
)
from conformance.harness.http_target import TargetUnreachable
from conformance.outcomes import CheckFailed

__all__ = ["ClusterSteps"]


class ClusterSteps(ScenarioState):
    """The ``_do_<step>`` handlers that act on the cluster nodes."""

    def _do_federate(self, step: dict[str, Any]) -> None:
        names = list(self.cluster.nodes)
        pairs = [tuple(p) for p in step.get("pairs", [[x, y] for x in names for y in names if x != y])]
        scopes = step.get("scopes", ["public"])
        self.cluster.federate(pairs, scopes)  # type: ignore[arg-type]
        for x, y in pairs:
            self.registrations[(x, y)] = list(scopes)

    def _do_write(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        body = {"entity": self._fill(step.get("entity", f"stigmem://{node.authority}/test/{{u}}-{step['as']}")),
                "relation": step.get("relation", "test:value"),
                "value": {"type": "string", "v": self._fill(step.get("value", step["as"]))},
                "source": self._source(node), "confidence": step.get("confidence", 1.0),
                "scope": step.get("scope", "public")}
        ex = self._assert(node, body)
        ok = ex.status in (200, 201) and isinstance(ex.json, dict)
        self.history.write(self.step, node.name, step["as"], ex.json if ok else None,
                           during_fault=step.get("during_fault", False), detail=ex.brief())
        if not ok and not step.get("during_fault"):
            raise CheckFailed(f"write {step['as']} on {node.name} refused: {ex.brief()}")

    def _do_write_many(self, step: dict[str, Any]) -> None:
        """One relation per ``GROUP`` facts, so reading them back never needs a cursor."""
        node = self._node(step["on"])
        labels = [f"{step['as']}-{i}" for i in range(step["count"])]
        bodies = [{"entity": f"stigmem://{node.authority}/bulk/{self.token}-{i}",
                   "relation": f"test:bulk-{step['as']}-{self.token}-{i // GROUP}",
                   "value": {"type": "string", "v": str(i)}, "source": self._source(node), "confidence": 1.0,
                   "scope": step.get("scope", "public")} for i in range(step["count"])]
        written: list[dict[str, Any] | None] = []
        stop = threading.Event()
        puller = threading.Thread(target=self._keep_pulling, args=(step.get("while_pulling"), stop), daemon=True)
        puller.start()
        try:
            self._write_all(node, bodies, written)
        finally:
            stop.set()
            puller.join(30.0)
        for label, record in zip(labels, written, strict=True):
            self.history.write(self.step, node.name, label, record)
            if record is None:
                raise CheckFailed(f"write {label} on {node.name} refused")
        self.groups[step["as"]] = labels

    def _keep_pulling(self, name: str | None, stop: threading.Event) -> None:
        """Trigger pulls on ``name`` back to back until ``stop`` (a node with its own loop pulls anyway)."""
        if name is None or self._node(name).federator.pull_mode != "route":
            return
        for _ in range(10_000):
            if stop.is_set():
                return
            try:
                self._node(name).federator.trigger_pull()
            except TargetUnreachable:
                return

    def _write_all(self, node: ClusterNode, bodies: list[dict[str, Any]], written: list[dict[str, Any] | None]
                   ) -> None:
        for start in range(0, len(bodies), BATCH):
            chunk = bodies[start:start + BATCH]
            ex = node.target.request("POST", "/v1/facts:batch", json_body={"facts": chunk, "atomic": True})
            if ex.status == 200 and isinstance(ex.json, dict) and len(ex.json.get("facts", [])) == len(chunk):
                written += ex.json["facts"]
                continue
            with ThreadPoolExecutor(WRITERS) as pool:  # no batch route: single asserts, a few at a time
                answers = list(pool.map(lambda body: self._assert(node, body), bodies[len(written):]))
            written += [a.json if a.status in (200, 201) and isinstance(a.json, dict) else None for a in answers]
            break

    def _relations(self, group: str) -> list[str]:
        return sorted({self.history.writes[label][2]["relation"] for label in self.groups[group]})

    def _do_read(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        for label in step["of"]:
            record = self.history.writes.get(label)
            if record is None:
                raise ScenarioError(f"read of {label}, which no step wrote")
            ex = node.target.request("GET", f"/v1/facts/{record[2]['id']}")
            found = ex.status == 200 and isinstance(ex.json, dict) and ex.json.get("id") == record[2]["id"]
            self.history.read(self.step, node.name, label, found, during_fault=step.get("during_fault", False),
                              detail=ex.brief())
            if not found and not step.get("during_fault"):
                raise CheckFailed(f"{label} not readable on {node.name}: {ex.brief()}")

    def _do_partition(self, step: dict[str, Any]) -> None:
        self.cluster.partition(step["nodes"])

    def _do_heal(self, step: dict[str, Any]) -> None:
        self.cluster.heal(step.get("nodes"))

    def _do_delay(self, step: dict[str, Any]) -> None:
        self.cluster.delay(step["nodes"], float(step["seconds"]))

    def _do_kill(self, step: dict[str, Any]) -> None:
        self.cluster.kill(step["on"])

    def _do_restart(self, step: dict[str, Any]) -> None:
        self.cluster.restart(step["on"])

    def _do_wait(self, step: dict[str, Any]) -> None:
        time.sleep(min(10.0, float(step["seconds"])))

    def _healthy(self, node: ClusterNode) -> None:
        try:
            ex = node.target.request("GET", "/healthz", key=None)
        except TargetUnreachable as exc:
            raise CheckFailed(f"{node.name} stopped answering: {exc}; log: {node.log_tail(8)}") from exc
        if ex.status != 200 or not node.alive():
            raise CheckFailed(f"{node.name} is unhealthy after the pull: {ex.brief()}; log: {node.log_tail(8)}")

    def _do_pull(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        expect = step.get("expect", "ok")
        started = time.monotonic()
        try:
            ex = node.federator.trigger_pull()
        except TargetUnreachable as exc:
            raise CheckFailed(f"pull on {node.name} got no answer in {time.monotonic() - started:.1f} s ({exc}); "
                              f"log: {node.log_tail(8)}") from exc
        if ex is None:  # the node's own loop pulls: give it a few cycles
            time.sleep(min(3.0, node.federator.pull_wait_s))
            self.history.pull(self.step, node.name, True, "resume:unobservable without a pull trigger"
                              if expect == "resume" else "waited for the node's loop")
            self._healthy(node)
            return
        if expect == "ok":
            errors = [e for e in (ex.json or {}).get("peers", []) if isinstance(e, dict) and e.get("error")]
            if ex.status != 200 or errors:
                raise CheckFailed(f"pull on {node.name}: {ex.brief()}")
        elif expect == "unreachable" and ex.status >= 500 and ex.status not in (502, 503, 504):
            raise CheckFailed(f"pull on {node.name} with a peer down answered {ex.brief()}")
        self._healthy(node)
        if expect == "resume":
            labels = self.groups[step["of"]]
            origin = self.history.writes[labels[0]][0]
            stats = pull_stats(ex, self._node(origin).federator.node_id)
            pulled = (stats or {}).get("pulled")
            if not isinstance(pulled, int):
                self.history.pull(self.step, node.name, True, f"resume:unobservable, no pulled count in {ex.brief()}")
                return
            ok = pulled < len(labels)
            self.history.pull(self.step, node.name, ok, f"resume:the cycle after the restart pulled {pulled} facts "
                              f"of {len(labels)} written; {self.at_kill.get(step['of'], '?')} were held at the crash")
        else:
            self.history.pull(self.step, node.name, ex.status == 200, ex.brief())

    def _count(self, node: ClusterNode, group: str) -> int:
        ids = {self.history.writes[label][2]["id"] for label in self.groups[group]}
        if self.interp.get("total_count", "post-filter") == "post-filter":
            totals = []
            for relation in self._relations(group):
                ex = node.target.request("GET", "/v1/facts", params={"relation": relation, "limit": "1",
                                                                     "include_contradicted": "true"})
                total = ex.json.get("total") if ex.status == 200 and isinstance(ex.json, dict) else None
                totals.append(total if isinstance(total, int) else None)
            if all(isinstance(t, int) for t in totals):
                return sum(t for t in totals if t is not None)
        return len(self._held(node, group) & ids)

    def _held(self, node: ClusterNode, group: str) -> set[Any]:
        return {r.get("id") for relation in self._relations(group) for r in records(node.target, relation=relation)}

    def _do_pull_until_killed(self, step: dict[str, Any]) -> None:
        node, victim, group = self._node(step["on"]), step["kill"], step["of"]
        total, threshold = len(self.groups[group]), int(step["at_least"])
        outcome: dict[str, Any] = {}

        def pull() -> None:
            try:
                outcome["exchange"] = node.federator.trigger_pull()
            except TargetUnreachable as exc:
                outcome["error"] = exc

        worker: threading.Thread | None = None
        deadline = time.monotonic() + 40.0
        held = 0
        for _ in range(2000):
            if worker is None or not worker.is_alive():
                if worker is not None and "error" in outcome:
                    raise CheckFailed(f"pull on {node.name} failed before the crash: {outcome['error']}")
                worker = threading.Thread(target=pull, daemon=True)
                worker.start()
            held = self._count(node, group)
            if held >= threshold or time.monotonic() > deadline:
                break
            time.sleep(0.03)
        if held >= total:
            raise ScenarioError(f"{node.name} pulled all {total} facts before the crash could land mid-way; "
                                "slow the serving node's proxy more (delay step)")
        if held < threshold:
            raise CheckFailed(f"{node.name} holds only {held} of {total} facts after 40 s of pulling")
        self.cluster.kill(victim)
        self.at_kill[group] = held
        worker.join(30.0)
        if worker.is_alive():
            raise CheckFailed(f"the pull on {node.name} hangs 30 s after {victim} died")
        self.history.pull(self.step, node.name, "error" not in outcome,
                          f"{victim} killed while {node.name} held {held}/{total}")
        self._healthy(node)

    def _do_expect_count(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        ids = {self.history.writes[label][2]["id"] for label in self.groups[step["of"]]}
        held = len(self._held(node, step["of"]) & ids)
        low, high = step.get("at_least", 0), step.get("below", len(ids) + 1)
        if not low <= held < high:
            raise CheckFailed(f"{node.name} holds {held} facts of {step['of']}, expected at least {low} and below "
                              f"{high}")

    def _missing(self, node: ClusterNode, held: list[dict[str, Any]]) -> list[str]:
        ids = {r.get("id") for r in held}
        return [label for label, (_, _, rec) in self.history.writes.items()
                if self._eligible(label, node.name) and rec["id"] not in ids]

    def _do_converge(self, step: dict[str, Any]) -> None:
        names = step.get("nodes", list(self.cluster.nodes))
        deadline = time.monotonic() + float(step.get("timeout_s", 30))
        snapshots: dict[str, list[dict[str, Any]]] = {}
        for _ in range(60):
            for name in names:
                node = self._node(name)
                if node.federator.pull_mode == "route":
                    node.federator.trigger_pull()
            if self.cluster[names[0]].federator.pull_mode != "route":
                time.sleep(1.0)
            snapshots = {name: self._snapshot(self._node(name)) for name in names}
            if not any(self._missing(self._node(n), snapshots[n]) for n in names) or time.monotonic() > deadline:
                break
        for name, held in snapshots.items():
            self.history.snapshot(self.step, name, held)

    def _do_expect_unchanged(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        for label in step["of"]:
            _, _, record = self.history.writes[label]
            held = records(node.target, entity=record["entity"], relation=record["relation"])
            others = [r for r in held if r.get("id") != record["id"]]
            mine = [r for r in held if r.get("id") == record["id"]]
            if others or len(mine) != 1 or mine[0].get("value") != record["value"] or mine[0].get("contradicted"):
                raise CheckFailed(f"{label} on {node.name} is no longer alone and unchanged: held {held}")

    def _do_expect_conflict(self, step: dict[str, Any]) -> None:
        a, b = (self.history.writes[label][2] for label in step["between"])
        for name in step["on"]:
            node = self._node(name)
            flags = {r.get("id"): r.get("contradicted") for r in
                     records(node.target, entity=a["entity"], relation=a["relation"])}
            problem = ""
            if flags.get(a["id"]) is not True or flags.get(b["id"]) is not True:
                problem = f"include_contradicted=true flags {flags}"
            elif not self._conflict_listed(node, {a["id"], b["id"]}):
                problem = "no unresolved conflict between them in GET /v1/conflicts"
            self.history.conflict(self.step, name, step["between"][0], step["between"][1], problem)

    def _conflict_listed(self, node: ClusterNode, pair: set[str]) -> bool:
        cursor = None
        for _ in range(MAX_PAGES):
            params = {"status": "unresolved", "limit": str(PAGE), **({"cursor": cursor} if cursor else {})}
            ex = node.target.request("GET", "/v1/conflicts", params=params)
            body = ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}
            for c in body.get("conflicts", []):
                if {(c.get("fact_a") or {}).get("id"), (c.get("fact_b") or {}).get("id")} == pair:
                    return True
            cursor = body.get("cursor")
            if not body.get("has_more") or not cursor:
                return False
        return False
