"""REPORT.md's opening verdict: which implementation passes which profile, the share of MUST requirements passed,
the suite's blind-round kill rate, and whether the columns share one vector set (about ten lines)."""

from __future__ import annotations

from collections.abc import Sequence

from conformance.reports.figures import Figures
from conformance.reports.matrix import Column, Verdict, levels, profiles, vector_sets, verdicts


def _profile(profile: str, seen: Sequence[Verdict]) -> str:
    return f"{profile} ({', '.join(f'{v.must_passed}/{v.must_run}' for v in seen)})"


def must_share(cols: Sequence[Column]) -> tuple[int, int]:
    """MUST requirements passed in every column (of the group) that ran them, and those run at all."""
    ran: dict[str, bool] = {}
    for c in cols:
        for rid, st in c.status.items():
            if st in ("pass", "fail") and levels().get(rid) == "MUST":
                ran[rid] = ran.get(rid, True) and st == "pass"
    return sum(ran.values()), len(ran)


def implementation_line(label: str, cols: Sequence[Column]) -> str:
    by_profile = {p: [verdicts(c)[p] for c in cols if verdicts(c)[p].verdict != "not run"] for p in profiles()}
    passes = [_profile(p, v) for p, v in by_profile.items() if v and all(x.verdict == "pass" for x in v)]
    fails = [_profile(p, v) for p, v in by_profile.items() if v and any(x.verdict == "fail" for x in v)]
    parts = ([f"passes {', '.join(passes)}"] if passes else []) + ([f"fails {', '.join(fails)}"] if fails else [])
    passed, run = must_share(cols)
    share = f"; **{100 * passed / run:.0f}%** of the {run} MUST requirements it ran passed" if run else ""
    names = ", ".join(c.name for c in cols)
    return f"- **{label}** ({names}): " + "; ".join(parts or ["no profile run"]) + share + "."


def render(cols: Sequence[Column], figs: Figures, html: str | None = None) -> str:
    groups: dict[str, list[Column]] = {}
    for c in cols:
        groups.setdefault(c.implementation, []).append(c)
    lines = ["## Verdict", ""]
    lines += [implementation_line(label, members) for label, members in groups.items()]
    blind = figs.blind_total
    if blind:
        lines.append(f"- **Detection power**: the blind mutant rounds' first passes killed {blind.killed} of "
                     f"{blind.killed + blind.survived} scored mutants (**{100 * blind.kill_rate:.1f}%**, "
                     f"{len(figs.rounds)} rounds)" + (
                         f"; the authored catalogue (the CI gate, rerun on every commit) at its last committed full "
                         f"run: {figs.catalogue.killed} of {figs.catalogue.killed + figs.catalogue.survived} killed "
                         f"({figs.catalogue.mutants} mutants, {figs.catalogue.equivalent} documented equivalent)."
                         if figs.catalogue else "."))
    sets = vector_sets(cols)
    if len(sets) > 1:
        lines.append(f"- **Warning**: the columns ran {len(sets)} vector sets (" + "; ".join(
            f"`{v}`: {len(names)}" for v, names in sets.items()) + "), so their requirement sets differ a little.")
    if html:
        lines.append(f"- The same data as a page, with drill-down to every check and its first difference: "
                     f"[{html}]({html}).")
    lines += ["", "Per profile and column: MUST requirements passed / exercised (a passing or failing case cites "
              "them); a profile passes when none failed. The share counts a requirement passed when it passed in "
              "every column of the implementation that ran it."]
    return "\n".join(lines)
