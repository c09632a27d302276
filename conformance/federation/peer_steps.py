"""The scripted-peer steps of the failure-mode step language: a scripted peer registers, serves crafted facts,
pushes and presents tokens, and the receiving node's verdicts are checked (``register_peer``, ``peer_serve``,
``expect_facts``, ``push``, ``present``, ``expect_hlc``). The semantics of each step are documented in
schemas/vectors/failure_modes.json.
"""

from __future__ import annotations

import time
from typing import Any

from conformance.federation.cluster import ClusterNode
from conformance.federation.identity import now_ms
from conformance.federation.operator import new_events, poll
from conformance.federation.peer import ScriptedPeer
from conformance.federation.scenario_state import COMPARED, ScenarioError, ScenarioState, plain, records
from conformance.oracle import hlc as hlc_oracle
from conformance.outcomes import CheckFailed

__all__ = ["PeerSteps"]


class PeerSteps(ScenarioState):
    """The ``_do_<step>`` handlers that drive a scripted peer against a cluster node."""

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
                    got, want = plain(got), plain(want)
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
            if stored is None or plain(stored.get("value")) != plain(original["value"]) \
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
