"""Histories of a failure-mode scenario and the invariants checked over them (after Jepsen's Elle).

Every write (acknowledged or not), read, pull and expected rejection is recorded with its node and step. The
checks read the history, never the nodes, and a failure names the smallest witness: which fact, which node,
which step (Elle's "minimal set of transactions which witness a violation").

Invariants (A08 §6.6 security invariants 4 and 5; Spec-18): ``no_lost_write`` (an acknowledged write eligible for
a node is held by it at the end, STG-FAIL-004/013), ``no_duplicate`` (no id twice, no content stored under two ids,
STG-FAIL-013, STG-FED-022/031), ``converged`` (every node holds the same eligible facts after healing,
STG-FAIL-004), ``contradiction_surfaced`` (both facts of a pair flagged and its conflict listed unresolved on
every node, STG-FAIL-005), ``rejections_audited`` (every expected rejection has its audit event, STG-FAIL-007..010,
STG-FAIL-015), ``available_during_fault`` (local reads and writes succeeded during the fault, STG-FAIL-006).
What is eligible where is the scenario runner's business (``scenarios``), passed in as a function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from conformance.outcomes import CheckFailed

INVARIANTS = ("no_lost_write", "no_duplicate", "converged", "contradiction_surfaced", "rejections_audited",
              "available_during_fault", "resumed_from_cursor")


@dataclass(frozen=True)
class Event:
    step: int
    node: str
    kind: str  # write | read | pull | reject | conflict | fault
    label: str = ""
    fact_id: str = ""
    ok: bool = True
    during_fault: bool = False
    detail: str = ""


@dataclass
class Snapshot:
    """What one node returned for the scenario's facts at one step: every record, duplicates kept."""

    step: int
    node: str
    records: list[dict[str, Any]]


@dataclass
class History:
    events: list[Event] = field(default_factory=list)
    writes: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)  # label -> (node, step, record)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)  # node -> its latest snapshot
    conflicts: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # step, node, a, b, problem

    # --- recording -----------------------------------------------------------------------------------------

    def write(self, step: int, node: str, label: str, record: Mapping[str, Any] | None, *,
              during_fault: bool = False, detail: str = "") -> None:
        ok = record is not None and bool(record.get("id"))
        self.events.append(Event(step, node, "write", label, str((record or {}).get("id", "")), ok, during_fault,
                                 detail))
        if ok and record is not None:
            self.writes[label] = (node, step, dict(record))

    def read(self, step: int, node: str, label: str, found: bool, *, during_fault: bool = False,
             detail: str = "") -> None:
        fact_id = self.writes[label][2]["id"] if label in self.writes else ""
        self.events.append(Event(step, node, "read", label, fact_id, found, during_fault, detail))

    def pull(self, step: int, node: str, ok: bool, detail: str = "") -> None:
        self.events.append(Event(step, node, "pull", ok=ok, detail=detail))

    def rejection(self, step: int, node: str, label: str, fact_id: str, audited: bool, detail: str) -> None:
        self.events.append(Event(step, node, "reject", label, fact_id, audited, detail=detail))

    def snapshot(self, step: int, node: str, records: Iterable[Mapping[str, Any]]) -> None:
        self.snapshots[node] = Snapshot(step, node, [dict(r) for r in records])

    def conflict(self, step: int, node: str, a: str, b: str, problem: str = "") -> None:
        self.conflicts.append((step, node, a, b, problem))

    def label_of(self, fact_id: str) -> str:
        return next((label for label, (_, _, rec) in self.writes.items() if rec.get("id") == fact_id), fact_id)

    # --- invariants ----------------------------------------------------------------------------------------

    def check(self, names: Iterable[str], eligible: Callable[[str, str], bool]) -> None:
        """Check each named invariant; ``eligible(label, node)`` says whether ``node`` must hold the write."""
        for name in names:
            if name not in INVARIANTS:
                raise ValueError(f"unknown invariant {name!r}")
            method: Callable[..., None] = getattr(self, f"check_{name}")
            if name in ("no_lost_write", "converged"):
                method(eligible)
            else:
                method()

    def check_no_lost_write(self, eligible: Callable[[str, str], bool]) -> None:
        for node, snap in sorted(self.snapshots.items()):
            held = {r.get("id") for r in snap.records}
            for label, (origin, step, record) in sorted(self.writes.items(), key=lambda kv: kv[1][1]):
                if eligible(label, node) and record["id"] not in held:
                    lost = sum(1 for lb, (_, _, r) in self.writes.items() if eligible(lb, node) and r["id"] not in held)
                    raise CheckFailed(f"lost write: {label} ({record['id']}, hlc {record.get('hlc')}) acknowledged "
                                      f"by {origin} at step {step} is missing on {node} at step {snap.step} "
                                      f"({lost} eligible writes missing there)")

    def check_no_duplicate(self) -> None:
        for node, snap in sorted(self.snapshots.items()):
            by_id: dict[str, int] = {}
            by_cid: dict[str, str] = {}
            for r in snap.records:
                fid, cid = str(r.get("id")), r.get("cid")
                by_id[fid] = by_id.get(fid, 0) + 1
                if by_id[fid] == 2:
                    raise CheckFailed(f"duplicate: {self.label_of(fid)} ({fid}) is returned twice by {node} at "
                                      f"step {snap.step}")
                if isinstance(cid, str) and cid and by_cid.setdefault(cid, fid) != fid:
                    raise CheckFailed(f"duplicate: {node} holds {self.label_of(by_cid[cid])} ({by_cid[cid]}) and "
                                      f"{self.label_of(fid)} ({fid}) with the same CID {cid} at step {snap.step}")

    def check_converged(self, eligible: Callable[[str, str], bool]) -> None:
        nodes = sorted(self.snapshots)
        for label, (origin, step, record) in self.writes.items():
            holders = [n for n in nodes if record["id"] in {r.get("id") for r in self.snapshots[n].records}]
            missing = [n for n in nodes if eligible(label, n) and n not in holders]
            if missing:
                raise CheckFailed(f"not converged: {label} ({record['id']}) written on {origin} at step {step} is "
                                  f"held by {holders or 'no node'} but not by {missing} after healing")
        for node in nodes:
            extra = {r.get("id") for r in self.snapshots[node].records} - {rec["id"] for _, _, rec in
                                                                          self.writes.values()}
            if extra:
                raise CheckFailed(f"not converged: {node} holds {sorted(extra)[0]}, which no step wrote")

    def check_contradiction_surfaced(self) -> None:
        for step, node, a, b, problem in self.conflicts:
            if problem:
                raise CheckFailed(f"contradiction not surfaced on {node} at step {step} between {a} and {b}: "
                                  f"{problem}")

    def check_rejections_audited(self) -> None:
        for e in self.events:
            if e.kind == "reject" and not e.ok:
                raise CheckFailed(f"rejection not audited on {e.node} at step {e.step}: {e.label} ({e.fact_id}): "
                                  f"{e.detail}")

    def check_available_during_fault(self) -> None:
        for e in self.events:
            if e.during_fault and e.kind in ("write", "read") and not e.ok:
                raise CheckFailed(f"unavailable during the fault: {e.kind} of {e.label} on {e.node} at step "
                                  f"{e.step} failed: {e.detail}")

    def check_resumed_from_cursor(self) -> None:
        for e in self.events:
            if e.kind == "pull" and e.detail.startswith("resume:") and not e.ok:
                raise CheckFailed(f"pull on {e.node} at step {e.step} did not resume from the persisted cursor: "
                                  f"{e.detail.removeprefix('resume:')}")
