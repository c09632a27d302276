"""What an operator does to federate a node, over HTTP only (docs/federation-api.md; Spec-05; A08 §5.6-§5.8, §6.4).

Get a node's declaration (its route, or signed by the harness when the harness holds the key), register it at
another node (``POST /v1/federation/peers``), approve a ``pending_approval`` peer (``POST .../approve`` with the key
fingerprint, which the upstream node requires and the reference node ignores), trigger a pull
(``POST /v1/admin/federation/pull``) or wait for the node's own loop, and read the federation audit log. A
``Federator`` carries how one node does these (from its recipe; the defaults are the reference node's routes).
Requirements touched: STG-FED-002, STG-FED-010, STG-FED-012, STG-AUDIT-001. No verdicts here: callers decide.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from conformance.federation.identity import Identity, declaration, fingerprint, manifest
from conformance.harness.http_target import Exchange, HttpTarget

T = TypeVar("T")
PULL_ROUTE = "/v1/admin/federation/pull"
NO_ROUTE = (404, 405, 501)
FIRST_PAUSE_S = 0.01  # poll: the first pause, doubled up to the interval


class FederationStepFailed(AssertionError):
    """A setup step the scenario depends on was refused by the node (registration, approval, manifest)."""


def poll(probe: Callable[[], T | None], timeout_s: float, interval_s: float = 0.1) -> T | None:
    """Call ``probe`` until it returns something truthy or ``timeout_s`` passes; bounded in count and time.

    The first retries come sooner (10 ms, doubling up to ``interval_s``): most nodes answer within a few
    milliseconds, and a whole interval's wait on every poll is most of a federation run's time."""
    deadline = time.monotonic() + timeout_s
    pause = min(FIRST_PAUSE_S, interval_s)
    for _ in range(int(timeout_s / interval_s) + 10):  # + the doubling steps below interval_s
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(pause)
        pause = min(interval_s, pause * 2)
    return None


@dataclass
class Federator:
    """One node as an operator drives it: its target (admin key), identity facts and federation flow."""

    name: str
    target: HttpTarget
    node_url: str = ""
    node_id: str = ""
    pubkey_b64: str = ""
    identity: Identity | None = None  # when the harness generated the node's key
    declaration_mode: str = "route"
    declaration_fields: str = "a08-jcs"
    manifest_mode: str = "none"
    pull_mode: str = "route"
    pull_wait_s: float = 20.0
    peer_ids: dict[str, str] = field(default_factory=dict)  # node_id of a peer -> its peer_id here
    gone: set[str] = field(default_factory=set)  # node ids of scripted peers that stopped (see trigger_pull)
    gone_refused: bool = False  # the node refused skip_node_ids once

    def refresh(self) -> dict[str, Any]:
        """Read discovery: ``node_id``, ``federation_pubkey`` and ``node_url``."""
        ex = self.target.request("GET", "/.well-known/stigmem", key=None)
        doc = ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}
        self.node_id = str(doc.get("node_id", self.node_id))
        self.pubkey_b64 = str(doc.get("federation_pubkey", self.pubkey_b64))
        self.node_url = self.node_url or str(doc.get("node_url", ""))
        return doc

    def declaration(self, scopes: Sequence[str]) -> dict[str, Any]:
        """This node's own signed declaration for ``scopes``."""
        if self.declaration_mode == "harness":
            if self.identity is None:
                raise FederationStepFailed(f"{self.name}: the harness holds no key to sign a declaration")
            return declaration(self.identity, self.node_url, scopes, fields=self.declaration_fields)
        ex = self.target.request("GET", "/v1/federation/declaration", params={"allowed_scopes": ",".join(scopes)})
        if ex.status != 200 or not isinstance(ex.json, dict):
            raise FederationStepFailed(f"{self.name}: own declaration: {ex.brief()}")
        return ex.json

    def publish_manifest(self) -> None:
        if self.manifest_mode != "put":
            return
        if self.identity is None:
            raise FederationStepFailed(f"{self.name}: the harness holds no key to sign a manifest")
        ex = self.target.request("PUT", "/v1/federation/manifest", json_body=manifest(self.identity, self.node_url))
        if ex.status not in (200, 201):
            raise FederationStepFailed(f"{self.name}: manifest: {ex.brief()}")

    def register(self, decl: Mapping[str, Any]) -> Exchange:
        """``POST /v1/federation/peers``; remembers the peer_id of a 201."""
        ex = self.target.request("POST", "/v1/federation/peers", json_body=dict(decl))
        if ex.status == 201 and isinstance(ex.json, dict) and ex.json.get("peer_id"):
            self.peer_ids[str(decl.get("node_id"))] = str(ex.json["peer_id"])
        return ex

    def approve(self, peer_id: str, pubkey_b64: str) -> Exchange:
        return self.target.request("POST", f"/v1/federation/peers/{peer_id}/approve",
                                   json_body={"pubkey_fingerprint": fingerprint(pubkey_b64)})

    def admit(self, decl: Mapping[str, Any]) -> str:
        """Register ``decl`` and approve it when the node holds it pending; the final status."""
        ex = self.register(decl)
        if ex.status != 201 or not isinstance(ex.json, dict):
            raise FederationStepFailed(f"{self.name}: registering {decl.get('node_id')}: {ex.brief()}")
        status = str(ex.json.get("status", ""))
        if status == "pending_approval":
            approved = self.approve(str(ex.json["peer_id"]), str(decl["federation_pubkey"]))
            if approved.status != 200:
                raise FederationStepFailed(f"{self.name}: approving {decl.get('node_id')}: {approved.brief()}")
            status = str((approved.json or {}).get("status", "active"))
        if status in ("pending_verification", ""):
            status = self.wait_status(str(ex.json["peer_id"]), "active", 5.0) or status
        return status

    def peers(self) -> list[dict[str, Any]]:
        ex = self.target.request("GET", "/v1/federation/peers")
        body = ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}
        return [p for p in body.get("peers", []) if isinstance(p, dict)]

    def peer(self, peer_id: str) -> dict[str, Any] | None:
        return next((p for p in self.peers() if p.get("peer_id") == peer_id), None)

    def wait_status(self, peer_id: str, wanted: str, timeout_s: float) -> str | None:
        def reached() -> str | None:
            entry = self.peer(peer_id)
            return wanted if entry is not None and entry.get("status") == wanted else None
        return poll(reached, timeout_s, 0.2)

    def trigger_pull(self) -> Exchange | None:
        """Run one pull cycle now; None when the node has no trigger (wait for its loop instead).

        The node ids in ``gone`` (scripted peers the harness stopped) are named in ``skip_node_ids``, which the
        reference node honours: each would cost a failed pull. A node that refuses the member is asked again
        without it, and never sent it again."""
        if self.pull_mode != "route":
            return None
        ex = self.target.request("POST", PULL_ROUTE, json_body={"skip_node_ids": sorted(self.gone)}
                                 if self.gone and not self.gone_refused else {})
        if ex.status in (400, 422) and self.gone and not self.gone_refused:
            self.gone_refused = True
            ex = self.target.request("POST", PULL_ROUTE, json_body={})
        if ex.status in NO_ROUTE:
            self.pull_mode = "wait"
            return None
        return ex

    def audit(self, peer_id: str | None = None, event_type: str | None = None,
              raw: bool = False) -> list[dict[str, Any]]:
        """Federation audit events, newest first (at most 500), read leniently unless ``raw``.

        The contract's rows are ``{id, peer_id, peer_node_id, event_type, fact_id, reason, at}`` under ``events``;
        a node that lists ``entries`` with ``detail`` and ``ts`` (upstream) is read too: ``fact_id`` and ``reason``
        are then looked up inside ``detail``. ``raw`` returns the rows as sent."""
        params = {"limit": "500", **({"peer_id": peer_id} if peer_id else {}),
                  **({"event_type": event_type} if event_type else {})}
        ex = self.target.request("GET", "/v1/federation/audit", params=params)
        body = ex.json if ex.status == 200 and isinstance(ex.json, dict) else {}
        rows = body.get("events", body.get("entries", []))
        events = [e for e in rows if isinstance(e, dict)] if isinstance(rows, list) else []
        return events if raw else [_lenient(e) for e in events]


def _lenient(event: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(event)
    detail = event.get("detail")
    if isinstance(detail, dict):
        out.setdefault("fact_id", detail.get("fact_id"))
        out.setdefault("reason", detail.get("reason") or detail.get("code") or detail.get("error"))
    elif isinstance(detail, str):
        out.setdefault("reason", detail)
    out.setdefault("at", event.get("ts"))
    return out


def pull_stats(ex: Exchange | None, peer_node_id: str) -> dict[str, Any] | None:
    """The trigger's entry for one peer: ``{pulled, accepted, rejected, error}``."""
    if ex is None or not isinstance(ex.json, dict):
        return None
    for entry in ex.json.get("peers", []):
        if isinstance(entry, dict) and entry.get("node_id") == peer_node_id:
            return entry
    return None


def new_events(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Audit events present in ``after`` and not in ``before``: a new id, or a row whose ``count`` grew (a node
    that aggregates repeated events, STG-ROB-006, counts a repeat on the row it already listed)."""
    seen = {(e.get("id"), e.get("count")) for e in before}
    return [dict(e) for e in after if (e.get("id"), e.get("count")) not in seen]
