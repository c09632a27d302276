"""HLC vectors: ``vectors/hlc/{parse,compare,run}.json`` (STG-HLC-001..013).

Sequences are replayed through ``conformance.oracle.hlc``; the frozen-clock table of Spec-01's advance rules (with the
Spec-12 future bound) is also asserted by hand so the model itself is pinned.
"""

from __future__ import annotations

from typing import Any

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import hlc

T0 = 1746230400000
FUT = 300_000
PAST = 2_592_000_000
LENIENT = {"hlc_input": "lenient"}
CARRY = {"hlc_counter_overflow": "carry"}
KUL = {"hlc_receive": "kulkarni"}

NOTES = {
    "Format": {"description": "13-digit wall, dot, 3-digit counter.", "effect": "Lexicographic order breaks.",
               "requirements": "STG-HLC-001"},
    "Malformed": {"description": "Not an HLC string.", "effect": "Garbage enters ordering.",
                  "requirements": "STG-HLC-013"},
    "Unpadded": {"description": "A counter shorter than three digits.",
                 "effect": "Upstream-style input is refused or misordered.", "requirements": "STG-HLC-001"},
    "Order": {"description": "Order of two HLCs.", "effect": "Causal order is wrong.", "requirements": "STG-HLC-002"},
    "SameMillisecond": {"description": "Several events in one millisecond.",
                        "effect": "Duplicate or decreasing HLCs.", "requirements": "STG-HLC-003"},
    "ClockBackwards": {"description": "The wall clock moves backwards.", "effect": "The HLC goes backwards.",
                       "requirements": "STG-HLC-012"},
    "Receive": {"description": "A remote HLC is merged.", "effect": "Causality across nodes is lost.",
                "requirements": "STG-HLC-004"},
    "SkewFuture": {"description": "A remote wall beyond the future bound.",
                   "effect": "One peer drags every clock forward.", "requirements": "STG-HLC-007"},
    "SkewPast": {"description": "A remote wall beyond the past bound.", "effect": "Stale facts re-enter ordering.",
                 "requirements": "STG-HLC-007"},
    "Overflow": {"description": "Counter beyond 999 in one millisecond.", "effect": "Fixed width or order breaks.",
                 "requirements": "STG-HLC-011"},
    "Alternative": {"description": "Expected value under a non-default option.",
                    "effect": "Only informative for nodes using that option.", "requirements": "STG-HLC-004"},
}


def files() -> list[VectorFile]:
    return [_parse(), _compare(), _run()]


def _parse() -> VectorFile:
    vf = VectorFile("hlc", "parse", "Parsing and re-formatting an HLC string.", NOTES)
    good = [("Padded HLC", f"{T0}.003", ()), ("Zero counter", f"{T0}.000", ()),
            ("All-zero HLC", "0000000000000.000", ()), ("Largest HLC", "9999999999999.999", ())]
    for description, text, _ in good:
        wall, counter = hlc.parse(text, lenient=False)
        vf.add(Case(description, ("STG-HLC-001",), {"hlc": text},
                    valid(wall_ms=wall, counter=counter, hlc=hlc.fmt((wall, counter))), ("Format",)))
    for description, text in [("One-digit counter is padded", f"{T0}.9"), ("Two-digit counter is padded", f"{T0}.10")]:
        wall, counter = hlc.parse(text)
        vf.add(Case(description, ("STG-HLC-001",), {"hlc": text},
                    valid(wall_ms=wall, counter=counter, hlc=hlc.fmt((wall, counter))), ("Unpadded",), LENIENT))
    vf.add(Case("Strict input refuses an unpadded counter", ("STG-HLC-001",), {"hlc": f"{T0}.9"},
                invalid("hlc_malformed"), ("Unpadded",), {"hlc_input": "strict"}))
    bad: list[Any] = ["abc", "1.2.3", "-5.000", f"{T0}", f"{T0}.", f"1{T0}.000", f"{str(T0)[1:]}.000",
                      f"{T0}.0000", f"{T0}.-01", f" {T0}.000", f"{T0},000", "", f"{T0}.00a", f"+{str(T0)[1:]}.000",
                      f"{T0}.1e2", 1746230400000.5]
    for text in bad:
        vf.add(Case(f"Malformed HLC {text!r}"[:99], ("STG-HLC-013",), {"hlc": text}, invalid("hlc_malformed"),
                    ("Malformed",)))
    # Appended for the automatic mutation sweep: strict input still accepts the padded form.
    wall, counter = hlc.parse(f"{T0}.042", lenient=False)
    vf.add(Case("Strict input accepts a padded counter", ("STG-HLC-001",), {"hlc": f"{T0}.042"},
                valid(wall_ms=wall, counter=counter, hlc=hlc.fmt((wall, counter))), ("Format",),
                {"hlc_input": "strict"}))
    # Appended for blind round 1 (b1-hlc-unicode-digits, b1-hlc-strict-input-lenient): decimal digits outside ASCII
    # (Arabic-Indic wall, fullwidth counter) are not an HLC; strict input refuses the two-digit counter as well.
    arabic = "".join(chr(0x0660 + int(d)) for d in str(T0))
    for text in (f"{arabic}.000", f"{T0}.\uff10\uff10\uff11"):
        try:
            hlc.parse(text)
        except ValueError:
            pass
        else:
            raise AssertionError(f"oracle accepted non-ASCII digits {text!r}")
        vf.add(Case(f"Malformed HLC {text!r}"[:99], ("STG-HLC-013",), {"hlc": text}, invalid("hlc_malformed"),
                    ("Malformed",)))
    vf.add(Case("Strict input refuses a two-digit counter", ("STG-HLC-001",), {"hlc": f"{T0}.10"},
                invalid("hlc_malformed"), ("Unpadded",), {"hlc_input": "strict"}))
    return vf


def _compare() -> VectorFile:
    vf = VectorFile("hlc", "compare", "Order of two HLC strings.", NOTES)
    pairs = [
        ("Counter 9 precedes counter 10", f"{T0}.009", f"{T0}.010", ()),
        ("Counter 99 precedes counter 100", f"{T0}.099", f"{T0}.100", ()),
        ("Wall time dominates the counter", f"{T0}.999", f"{T0 + 1}.000", ()),
        ("Equal HLCs", f"{T0}.005", f"{T0}.005", ()),
        ("Later wall is greater", f"{T0 + 1000}.000", f"{T0}.500", ()),
        ("Unpadded 9 precedes unpadded 10 numerically", f"{T0}.9", f"{T0}.10", ("Unpadded",)),
        ("Unpadded equals padded", f"{T0}.7", f"{T0}.007", ("Unpadded",)),
    ]
    for description, a, b, flags in pairs:
        order = (hlc.parse(a) > hlc.parse(b)) - (hlc.parse(a) < hlc.parse(b))
        vf.add(Case(description, ("STG-HLC-002",), {"a": a, "b": b}, valid(order=order), ("Order", *flags),
                    LENIENT if flags else None))
    vf.add(Case("Malformed operand", ("STG-HLC-013",), {"a": "abc", "b": f"{T0}.000"}, invalid("hlc_malformed"),
                ("Malformed",)))
    return vf


Event = dict[str, Any]


def t(now: int) -> Event:
    return {"now_ms": now, "kind": "tick"}


def r(now: int, remote: str) -> Event:
    return {"now_ms": now, "kind": "receive", "remote": remote}


def _replay(start: str | None, events: list[Event], fut: int, past: int, overflow: str, rule: str) -> list[dict[str, str]]:
    state = hlc.parse(start) if start is not None else None
    outputs: list[dict[str, str]] = []
    for event in events:
        try:
            if event["kind"] == "tick":
                state = hlc.tick(state, event["now_ms"], overflow)
            else:
                state = hlc.receive(state, hlc.parse(event["remote"]), event["now_ms"], fut, past, overflow, rule)
        except hlc.HlcRejected as exc:
            outputs.append({"error": exc.code})
            continue
        outputs.append({"hlc": hlc.fmt(state)})
    return outputs


FROZEN_CLOCK_TABLE = [f"{T0}.000", f"{T0}.001", f"{T0 + 1}.000", f"{T0 + 1}.001", f"{T0 + 5}.008", "hlc_skew_future"]

# (description, start, events, flags, requirements, options)
SEQUENCES: list[tuple[str, str | None, list[Event], tuple[str, ...], tuple[str, ...], dict[str, str]]] = [
    ("Frozen-clock table", None,
     [t(T0), t(T0), t(T0 + 1), t(T0 - 1000), r(T0 + 1, f"{T0 + 5}.007"), r(T0 + 1, f"{T0 + 300_002}.000")],
     ("SameMillisecond", "ClockBackwards", "Receive", "SkewFuture"),
     ("STG-HLC-003", "STG-HLC-004", "STG-HLC-007", "STG-HLC-012"), {}),
    ("First tick starts at counter zero", None, [t(T0)], ("SameMillisecond",), ("STG-HLC-003",), {}),
    ("Eleven ticks in one millisecond cross 9 to 10", None, [t(T0)] * 11, ("SameMillisecond",),
     ("STG-HLC-002", "STG-HLC-003"), {}),
    ("Ticks cross 99 to 100 in one millisecond", f"{T0}.097", [t(T0)] * 4, ("SameMillisecond",),
     ("STG-HLC-002", "STG-HLC-003"), {}),
    ("Counter resets when the wall advances", f"{T0}.042", [t(T0 + 7)], ("SameMillisecond",), ("STG-HLC-003",), {}),
    ("Clock far behind keeps incrementing", f"{T0}.000", [t(T0 - 86_400_000), t(T0 - 86_400_000), t(T0 - 1)],
     ("ClockBackwards",), ("STG-HLC-012",), {}),
    ("Clock jumps forward after going back", f"{T0}.005", [t(T0 - 5), t(T0 + 10)], ("ClockBackwards",),
     ("STG-HLC-003", "STG-HLC-012"), {}),
    ("Counter 999 carries into the next millisecond", f"{T0}.998", [t(T0), t(T0), t(T0)], ("Overflow",),
     ("STG-HLC-011",), CARRY),
    ("Carry then the real clock catches up", f"{T0}.999", [t(T0), t(T0 + 1), t(T0 + 2)], ("Overflow",),
     ("STG-HLC-011", "STG-HLC-012"), CARRY),
    ("Remote ahead within bound sets wall and counter", f"{T0}.000", [r(T0, f"{T0 + 100}.004")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Remote behind local increments the local counter", f"{T0 + 50}.003", [r(T0, f"{T0 + 10}.009")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Remote equal wall takes the larger counter plus one", f"{T0}.003", [r(T0, f"{T0}.009")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Local equal wall with the larger counter plus one", f"{T0}.012", [r(T0, f"{T0}.002")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Clock ahead of both resets the counter", f"{T0}.012", [r(T0 + 9, f"{T0 + 3}.050")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Receive before any local event", None, [r(T0, f"{T0 + 20}.001")], ("Receive",), ("STG-HLC-004",), KUL),
    ("Receive result exceeds the remote HLC", f"{T0}.000", [r(T0, f"{T0}.000")], ("Receive",),
     ("STG-HLC-004",), KUL),
    ("Remote exactly at the future bound is accepted", f"{T0}.000", [r(T0, f"{T0 + FUT}.000")], ("SkewFuture",),
     ("STG-HLC-007",), KUL),
    ("Remote one ms past the future bound is rejected", f"{T0}.000", [r(T0, f"{T0 + FUT + 1}.000")],
     ("SkewFuture",), ("STG-HLC-007",), {}),
    ("Year-2286 remote is rejected and does not drag the clock", f"{T0}.000",
     [r(T0, "9999999999999.000"), t(T0)], ("SkewFuture",), ("STG-HLC-007", "STG-HLC-009"), {}),
    ("Rejected receive leaves the clock unchanged", f"{T0}.004", [r(T0, f"{T0 + 999_999}.000"), t(T0)],
     ("SkewFuture",), ("STG-HLC-007",), {}),
    ("Future bound zero disables the check", f"{T0}.000", [r(T0, f"{T0 + 10 * FUT}.000")], ("SkewFuture",),
     ("STG-HLC-007",), KUL),
    ("Remote exactly at the past bound is accepted", f"{T0}.000", [r(T0, f"{T0 - PAST}.000")], ("SkewPast",),
     ("STG-HLC-007",), KUL),
    ("Remote one ms beyond the past bound is rejected", f"{T0}.000", [r(T0, f"{T0 - PAST - 1}.000")],
     ("SkewPast",), ("STG-HLC-007",), {}),
    ("Malformed remote is rejected per event", f"{T0}.000", [r(T0, "abc"), t(T0)], ("Malformed",),
     ("STG-HLC-013",), {}),
    ("Unpadded remote counter is read numerically", f"{T0}.000", [r(T0, f"{T0}.10")], ("Unpadded", "Receive"),
     ("STG-HLC-001", "STG-HLC-004"), KUL | LENIENT),
    ("Remote counter 999 carries on receive", f"{T0}.000", [r(T0, f"{T0}.999")], ("Overflow", "Receive"),
     ("STG-HLC-011",), KUL | CARRY),
    ("Interleaved ticks and receives stay increasing", None,
     [t(T0), r(T0, f"{T0 + 2}.000"), t(T0 + 1), t(T0 + 2), r(T0 + 2, f"{T0 + 2}.007"), t(T0 + 3), t(T0 + 3)],
     ("Receive", "SameMillisecond"), ("STG-HLC-003", "STG-HLC-004", "STG-HLC-012"), KUL),
]

ALTERNATIVES: list[tuple[str, str | None, list[Event], dict[str, str]]] = [
    ("Widened counter past 999", f"{T0}.998", [t(T0), t(T0), t(T0)], {"hlc_counter_overflow": "widen"}),
    ("Local-increment receive ignores the remote counter", f"{T0}.003", [r(T0, f"{T0}.009")],
     {"hlc_receive": "local-increment"}),
    ("Local-increment receive with the remote ahead", f"{T0}.003", [r(T0, f"{T0 + 100}.004")],
     {"hlc_receive": "local-increment"}),
]


def _run() -> VectorFile:
    vf = VectorFile("hlc", "run", "Outputs of a sequence of local ticks and receives under a given clock.", NOTES)
    assert [o.get("hlc") or o.get("error") for o in _replay(*_frozen_clock_args())] == FROZEN_CLOCK_TABLE
    for description, start, events, flags, reqs, options in SEQUENCES:
        fut = 0 if "zero disables" in description else FUT
        overflow = options.get("hlc_counter_overflow", "carry")
        outputs = _replay(start, events, fut, PAST, overflow, options.get("hlc_receive", "kulkarni"))
        interp = dict(options)
        if any(e["kind"] == "receive" for e in events):
            interp.setdefault("hlc_receive", "kulkarni")
        if {"SkewFuture", "SkewPast"} & set(flags):
            interp["hlc_skew_bounds"] = "ref-defaults"
        vf.add(Case(description, reqs, {"start": start, "max_future_skew_ms": fut, "max_past_skew_ms": PAST,
                                        "events": events}, valid(outputs=outputs), flags, interp or None))
    for description, start, events, options in ALTERNATIVES:
        outputs = _replay(start, events, FUT, PAST, options.get("hlc_counter_overflow", "carry"),
                          options.get("hlc_receive", "kulkarni"))
        vf.add(Case(description, ("STG-HLC-004", "STG-HLC-011"), {"start": start, "max_future_skew_ms": FUT,
                    "max_past_skew_ms": PAST, "events": events}, valid(outputs=outputs), ("Alternative",), options))
    vf.add(Case("Malformed start state", ("STG-HLC-013",), {"start": "1.2", "max_future_skew_ms": FUT,
                "max_past_skew_ms": PAST, "events": [t(T0)]}, invalid("hlc_malformed"), ("Malformed",)))
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): bounds left out (the documented
    # defaults, 300 s ahead and 30 days behind), bounds of one millisecond, a zero past bound, and local-increment
    # on a clock that never ticked.
    skew = {"hlc_receive": "kulkarni", "hlc_skew_bounds": "ref-defaults"}
    for description, events, flag in (
        ("Default bounds: a remote exactly 300 s ahead is accepted, 300 s + 1 ms is rejected",
         [r(T0, f"{T0 + FUT}.000"), r(T0, f"{T0 + FUT + 1}.000")], "SkewFuture"),
        ("Default bounds: a remote exactly 30 days behind is accepted, 30 days + 1 ms is rejected",
         [r(T0, f"{T0 - PAST}.000"), r(T0, f"{T0 - PAST - 1}.000")], "SkewPast"),
    ):
        outputs = _replay(f"{T0}.000", events, FUT, PAST, "carry", "kulkarni")
        vf.add(Case(description, ("STG-HLC-007",), {"start": f"{T0}.000", "events": events},
                    valid(outputs=outputs), (flag,), skew))
    for description, events, fut, past, flag in (
        ("Future bound of 1 ms: 1 ms ahead is accepted, 2 ms ahead is rejected",
         [r(T0, f"{T0 + 1}.000"), r(T0, f"{T0 + 2}.000")], 1, PAST, "SkewFuture"),
        ("Past bound of 1 ms: 1 ms behind is accepted, 2 ms behind is rejected",
         [r(T0, f"{T0 - 1}.000"), r(T0, f"{T0 - 2}.000")], FUT, 1, "SkewPast"),
        ("Past bound zero disables the check", [r(T0, f"{T0 - 10 * PAST}.000")], FUT, 0, "SkewPast"),
    ):
        outputs = _replay(f"{T0}.000", events, fut, past, "carry", "kulkarni")
        vf.add(Case(description, ("STG-HLC-007",), {"start": f"{T0}.000", "max_future_skew_ms": fut,
                    "max_past_skew_ms": past, "events": events}, valid(outputs=outputs), (flag,), skew))
    fresh = [r(T0, f"{T0 + 20}.001"), r(T0, f"{T0 + 20}.009")]
    vf.add(Case("Local-increment receive before any local event starts at counter zero", ("STG-HLC-004",),
                {"start": None, "max_future_skew_ms": FUT, "max_past_skew_ms": PAST, "events": fresh},
                valid(outputs=_replay(None, fresh, FUT, PAST, "carry", "local-increment")), ("Alternative",),
                {"hlc_receive": "local-increment"}))
    # A carry past 9999999999999.999 has no 13-digit form (STG-HLC-001): the tick is refused (year 2286).
    top = [t(hlc.WALL_MAX), t(hlc.WALL_MAX), t(hlc.WALL_MAX)]
    vf.add(Case("A carry past the largest 13-digit wall is refused and the clock stays", ("STG-HLC-001", "STG-HLC-011"),
                {"start": f"{hlc.WALL_MAX}.998", "max_future_skew_ms": FUT, "max_past_skew_ms": PAST, "events": top},
                valid(outputs=_replay(f"{hlc.WALL_MAX}.998", top, FUT, PAST, "carry", "kulkarni")), ("Overflow",),
                CARRY))
    return vf


def _frozen_clock_args() -> tuple[None, list[Event], int, int, str, str]:
    return SEQUENCES[0][1], SEQUENCES[0][2], FUT, PAST, "carry", "kulkarni"
