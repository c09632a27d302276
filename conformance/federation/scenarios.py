"""The failure-mode step language (``vectors/failure_modes/*.json``, ``schemas/vectors/failure_modes.json``).

Spec-18 (A08 §11) plus HLC-jump cases (Spec-12 bounded skew) and poison-fact cases (Spec-05 inbound validation).
A vector names its cluster nodes (started from a launch recipe, each behind a fault proxy), its scripted peers and
its steps; the runner executes the steps in order against real processes over HTTP, records a ``History``, fails at
the first step whose own expectation is broken (naming the step), and at the end checks ``expected.invariants`` over
the history. Requirements: STG-FAIL-001..015, STG-TOK-005..008, STG-RPL-009, STG-HLC-005..010, STG-CID-013,
STG-FED-022/031/032/034/036, STG-AUDIT-001. Interpretations read: ``source_ownership`` (who sources the cluster
writes), ``cid_preimage`` and ``peer_declaration_fields`` (the scripted peer's CIDs and declaration),
``hlc_origin`` (whether an accepted fact keeps its origin HLC), ``replay_error_code`` (whether the replay code is
compared), ``total_count`` (whether ``total`` may be used to count). The step semantics are documented in the schema.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conformance.catalog.vectors import Vector
from conformance.errors import ConformanceError
from conformance.federation.cluster import Cluster, ClusterNode
from conformance.federation.history import History
from conformance.federation.identity import Crafted, now_ms
from conformance.federation.operator import FederationStepFailed, new_events, poll, pull_stats
from conformance.federation.peer import ScriptedPeer
from conformance.federation.recipes import Recipe
from conformance.harness.http_target import Exchange, HttpTarget, TargetUnreachable
from conformance.oracle import hlc as hlc_oracle
from conformance.outcomes import CheckFailed, Skip

BATCH = 50
GROUP = 250  # write_many facts per relation: at most one page of 500 per relation
WRITERS = 4
PAGE = 500
MAX_PAGES = 12
COMPARED = ("entity", "relation", "value", "source", "scope", "cid")


def _plain(value: Any) -> Any:
    """A FactValue without ``interpret_as: content``, the default made explicit by some nodes."""
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if not (k == "interpret_as" and v == "content")}


class ScenarioError(ConformanceError):
    """The harness could not set the scenario up as written (not a verdict on the node)."""


def records(target: HttpTarget, **params: str) -> list[dict[str, Any]]:
    """Every record a query returns, following cursors (bounded), contradicted facts included.

    A record repeated on a later page is a pagination fault, not a stored duplicate (core-local checks
    pagination): it is dropped, and a page bringing nothing new ends the walk."""
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    cursor = None
    for _ in range(MAX_PAGES):
        query = {**params, "include_contradicted": "true", "limit": str(PAGE), **({"cursor": cursor} if cursor else {})}
        ex = target.request("GET", "/v1/facts", params=query)
        if ex.status != 200 or not isinstance(ex.json, dict):
            raise CheckFailed(f"query {params} failed: {ex.brief()}")
        facts = [f for f in ex.json.get("facts", []) if isinstance(f, dict)]
        fresh = [f for f in facts if f.get("id") not in seen]
        found += fresh
        seen |= {f.get("id") for f in facts}
        cursor = ex.json.get("cursor")
        if not cursor or not fresh or len(facts) < PAGE:
            break
    return found


class ScenarioRun:
    """One vector against a fresh cluster: ``ScenarioRun(vector, recipe, interpretations).run()``."""

    def __init__(self, vector: Vector, recipe: Recipe, interpretations: Mapping[str, str]) -> None:
        self.vector = vector
        self.recipe = recipe
        self.interp = dict(interpretations)
        self.token = "u" + secrets.token_hex(4)
        self.history = History()
        self.cluster = Cluster(recipe, list(vector.input["nodes"]), proxies=vector.input.get("proxies", True))
        self.peers: dict[str, ScriptedPeer] = {}
        self.registrations: dict[tuple[str, str], list[str]] = {}  # (x, y): x registered at y with these scopes
        self.accepted: dict[str, set[str]] = {}  # node -> peer fact labels it accepted
        self.groups: dict[str, list[str]] = {}  # write_many label -> its labels
        self.at_kill: dict[str, int] = {}
        self.tokens: dict[str, Crafted] = {}
        self.step = 0

    # --- driver --------------------------------------------------------------------------------------------

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

    def _tails(self) -> str:
        return "; ".join(f"{n.name} log: {n.log_tail(5)}" for n in self.cluster.nodes.values())

    def _node(self, name: str) -> ClusterNode:
        return self.cluster[name]

    def _fill(self, text: str) -> str:
        return text.replace("{u}", self.token)

    def _eligible(self, label: str, node: str) -> bool:
        origin, _, record = self.history.writes[label]
        if origin == node:
            return True
        if origin in self.peers:
            return label in self.accepted.get(node, set())
        scope = record.get("scope")
        served = self.registrations.get((node, origin), [])  # what origin serves node
        pulled = self.registrations.get((origin, node), [])  # origin active at node, so node pulls from it
        return scope in served and bool(pulled) and scope not in ("local", "team")

    def _source(self, node: ClusterNode) -> str:
        if self.interp.get("source_ownership") == "exact":
            return node.federator.node_id
        return f"stigmem://{node.authority}/agent/scenario"

    # --- cluster steps -------------------------------------------------------------------------------------

    def _do_federate(self, step: dict[str, Any]) -> None:
        names = list(self.cluster.nodes)
        pairs = [tuple(p) for p in step.get("pairs", [[x, y] for x in names for y in names if x != y])]
        scopes = step.get("scopes", ["public"])
        self.cluster.federate(pairs, scopes)  # type: ignore[arg-type]
        for x, y in pairs:
            self.registrations[(x, y)] = list(scopes)

    def _assert(self, node: ClusterNode, body: dict[str, Any]) -> Exchange:
        return node.target.request("POST", "/v1/facts", key="admin", json_body=body)

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

    def _snapshot(self, node: ClusterNode) -> list[dict[str, Any]]:
        relations = sorted({rec["relation"] for _, _, rec in self.history.writes.values()})
        found: list[dict[str, Any]] = []
        for relation in relations:
            found += records(node.target, relation=relation)
        return found

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

    # --- scripted-peer steps -------------------------------------------------------------------------------

    def _do_register_peer(self, step: dict[str, Any]) -> None:
        peer, node = self.peers[step["peer"]], self._node(step["at"])
        node.federator.refresh()
        peer.trust(node.federator.node_id, node.federator.pubkey_b64)
        status = node.federator.admit(peer.declaration())
        if status != "active":
            raise CheckFailed(f"a valid declaration of scripted peer {step['peer']} ends {status!r} on {node.name}")
        self.registrations[(step["peer"], node.name)] = list(peer.scopes)

    def _do_peer_serve(self, step: dict[str, Any]) -> None:
        peer = self.peers[step["peer"]]
        peer.serve([peer.craft(spec, self.token) for spec in step["facts"]])

    def _peer_of(self, label: str) -> tuple[str, ScriptedPeer]:
        for name, peer in self.peers.items():
            if label in peer.crafted_facts:
                return name, peer
        raise ScenarioError(f"no scripted peer crafted {label}")

    def _audit_event(self, node: ClusterNode, fact_id: str, events: Any, reasons: Any) -> dict[str, Any] | None:
        wanted_events = [events] if isinstance(events, str) else list(events)
        wanted_reasons = None if reasons is None else [reasons] if isinstance(reasons, str) else list(reasons)
        for e in node.federator.audit():
            if e.get("fact_id") == fact_id and e.get("event_type") in wanted_events and (
                    wanted_reasons is None or e.get("reason") in wanted_reasons):
                return e
        return None

    def _fetch(self, node: ClusterNode, fact_id: str) -> dict[str, Any] | None:
        ex = node.target.request("GET", f"/v1/facts/{fact_id}")
        return ex.json if ex.status == 200 and isinstance(ex.json, dict) else None

    def _do_expect_facts(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        wait = 0.0 if node.federator.pull_mode == "route" else node.federator.pull_wait_s
        for label in step.get("accepted", []):
            name, peer = self._peer_of(label)
            served = peer.crafted_facts[label]
            stored = self._fetch(node, served["id"]) or poll(lambda fid=served["id"]: self._fetch(node, fid), wait, 0.5)
            if stored is None:
                asked = peer.facts_requests()
                raise CheckFailed(f"{label} ({served['id']}) served by {name} was not accepted by {node.name} "
                                  f"({len(asked)} pulls reached {name}, answered {sorted({r.status for r in asked})}; "
                                  f"position {peer.log.index(served) if served in peer.log else '?'} of "
                                  f"{len(peer.log)} in its log)")
            compared = (*COMPARED, "hlc") if self.interp.get("hlc_origin", "preserve") == "preserve" else COMPARED
            for key in compared:
                got, want = stored.get(key), served.get(key)
                if key == "value":
                    got, want = _plain(got), _plain(want)
                if got != want:
                    raise CheckFailed(f"{label} accepted by {node.name} with {key} {got!r}; {name} served {want!r}")
            self.history.write(self.step, name, label, stored)
            self.accepted.setdefault(node.name, set()).add(label)
        if step.get("rejected") and wait:
            time.sleep(min(wait, 3.0))
        for item in step.get("rejected", []):
            _, peer = self._peer_of(item["as"])
            fact_id = peer.crafted_facts[item["as"]]["id"]
            if self._fetch(node, fact_id) is not None:
                raise CheckFailed(f"{item['as']} ({fact_id}) should have been rejected but {node.name} serves it")
            event = self._audit_event(node, fact_id, item["event"], item.get("reason"))
            naming = [e for e in node.federator.audit() if e.get("fact_id") == fact_id]
            self.history.rejection(self.step, node.name, item["as"], fact_id, event is not None,
                                   f"audited as {event}" if event else f"expected event {item['event']} reason "
                                   f"{item.get('reason')}; events naming it: {naming}")
        for label in step.get("noop", []):
            _, peer = self._peer_of(label)
            served = peer.crafted_facts[label]
            original_label = next(k for k, f in peer.crafted_facts.items() if f["id"] == served["id"])
            original = peer.crafted_facts[original_label]
            stored = self._fetch(node, served["id"])
            if stored is None or _plain(stored.get("value")) != _plain(original["value"]) \
                    or stored.get("entity") != original["entity"]:
                raise CheckFailed(f"{label} re-served id {served['id']} and {node.name} now holds {stored}; "
                                  f"expected {original_label} unchanged")
            for entity in {served["entity"], original["entity"]}:
                held = [r for r in records(node.target, entity=entity) if r.get("id") == served["id"]
                        or r.get("cid") in (served["cid"], original["cid"])]
                expected = 1 if entity == original["entity"] else 0
                if len(held) != expected:
                    raise CheckFailed(f"after {label}, {node.name} holds {len(held)} records for {entity}, "
                                      f"expected {expected}: {[r.get('id') for r in held]}")
        self.history.snapshot(self.step, node.name, self._snapshot(node))

    def _do_push(self, step: dict[str, Any]) -> None:
        peer, node = self.peers[step["peer"]], self._node(step["at"])
        facts = [peer.craft(spec, self.token) for spec in step["facts"]]
        token = peer.token("fresh", node.federator.node_id)
        body = {"facts": facts, "sender_hlc": facts[0].get("hlc")}
        ex = peer.present(node.target, token.token, method="POST", path="/v1/federation/facts/push", params={},
                          json_body=body)
        refused = ex.status in (403, 404, 405) or (
            ex.status == 202 and isinstance(ex.json, dict) and int(ex.json.get("rejected") or 0) >= len(facts))
        if not refused:
            raise CheckFailed(f"push of refused facts answered {ex.brief()}")
        for fact in facts:
            if self._fetch(node, fact["id"]) is not None:
                raise CheckFailed(f"pushed fact {fact['id']} is readable on {node.name} after {ex.brief()}")

    def _do_present(self, step: dict[str, Any]) -> None:
        peer, node = self.peers[step["peer"]], self._node(step["at"])
        previous = self.tokens.get(step["of"]) if "of" in step else None
        crafted = peer.token(step["variant"], node.federator.node_id, previous)
        if "as" in step:
            self.tokens[step["as"]] = crafted
        expect = step["expect"]
        before = node.federator.audit() if "audit" in expect else []
        ex = peer.present(node.target, crafted.token)
        code = expect.get("code")
        if code == "nonce_already_seen" and self.interp.get("replay_error_code") == "opaque":
            code = None
        if ex.status != expect["status"] or (code is not None and ex.code() != code):
            raise CheckFailed(f"token {step['variant']} answered {ex.brief()}; "
                              f"expected {expect['status']} {code or ''}")
        if "audit" in expect:
            def audited() -> dict[str, Any] | None:
                fresh = new_events(before, node.federator.audit())
                return next((e for e in fresh if e.get("event_type") == expect["audit"]
                             and (code is None or e.get("reason") in (code, None))), None)
            event = poll(audited, 2.0, 0.2)
            self.history.rejection(self.step, node.name, f"token {step['variant']}", "", event is not None,
                                   f"audited as {event}" if event else f"no new {expect['audit']} event after a "
                                   f"{step['variant']} token answered {ex.status} {ex.code()}")

    def _do_expect_unchanged(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        for label in step["of"]:
            _, _, record = self.history.writes[label]
            held = records(node.target, entity=record["entity"], relation=record["relation"])
            others = [r for r in held if r.get("id") != record["id"]]
            mine = [r for r in held if r.get("id") == record["id"]]
            if others or len(mine) != 1 or mine[0].get("value") != record["value"] or mine[0].get("contradicted"):
                raise CheckFailed(f"{label} on {node.name} is no longer alone and unchanged: held {held}")

    def _do_expect_hlc(self, step: dict[str, Any]) -> None:
        node = self._node(step["on"])
        _, peer = self._peer_of(step["after"])
        after = hlc_oracle.parse(peer.crafted_facts[step["after"]]["hlc"])
        body = {"entity": f"stigmem://{node.authority}/test/{self.token}-clock-probe", "relation": "test:probe",
                "value": {"type": "string", "v": "probe"}, "source": self._source(node), "scope": "local"}
        ex = self._assert(node, body)
        if ex.status not in (200, 201) or not isinstance(ex.json, dict):
            raise CheckFailed(f"local probe write refused: {ex.brief()}")
        try:
            probe = hlc_oracle.parse(ex.json.get("hlc"))
        except hlc_oracle.HlcRejected as exc:
            raise CheckFailed(f"local write carries a malformed hlc {ex.json.get('hlc')!r}") from exc
        if probe <= after:
            raise CheckFailed(f"local write after accepting {step['after']} (hlc {hlc_oracle.fmt(after)}) got hlc "
                              f"{ex.json['hlc']}: the receiver did not advance its clock past the fact")
        limit = now_ms() + int(step.get("not_beyond_ms", 300000))
        if probe[0] > limit:
            raise CheckFailed(f"local write got hlc {ex.json['hlc']}, beyond the suite's clock + "
                              f"{step.get('not_beyond_ms', 300000)} ms: a rejected HLC dragged the clock forward")

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


def run_vector(vector: Vector, recipe: Recipe, interpretations: Mapping[str, str]) -> History:
    """Run one scenario vector against a fresh cluster from ``recipe``; raises ``CheckFailed`` or ``Skip``."""
    if vector.retired:
        raise Skip(f"{vector.id} is retired")
    return ScenarioRun(vector, recipe, interpretations).run()
