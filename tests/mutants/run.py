"""Run the mutant catalogue: copy reference_node/, apply one mutant, run the suite against the copy.

    python -m tests.mutants.run [--only GLOB] [--runner vectors|run] [--jobs N] [--out reports/mutants] [--list]
    python -m tests.mutants.run --write-hints reports/mutants/kill-matrix.json   # refresh tests/mutants/kills.json

For each mutant the pristine ``reference_node/`` (and ``schemas/openapi.json``, which the node serves) is copied
into a fresh temporary directory, the mutant's snippet is replaced, and each runner it names is started with
that directory first on ``PYTHONPATH`` and as the working directory, so the adapter (``python -m
reference_node.adapter``) and the embedded node (``python -m reference_node.cli``) import the mutated copy while
the suite itself is the installed one. Verdicts:

- ``killed``: a runner reported at least one failing or erroring case (exit 1 with failures in report.json);
- ``survived``: every runner passed;
- ``equivalent``: survived, and the catalogue documents why no black-box run can tell it apart;
- ``invalid``: the snippet does not occur exactly once, or the mutated file does not compile;
- ``killed`` also when the node started and the run's preflight refused it (discovery not served, its own admin key
  refused): the run stops before any check, and the failing case is named ``preflight``;
- ``start-failed``: the adapter or node could not start (exit 3): a crash, but not a detection;
- ``error``/``timeout``: anything else (usage error, hang); reported, never counted as killed.

With ``--first-kill`` the cases that killed a mutant last time (``kills.json``) run first, and its runner first: a
verdict in seconds, and the same verdict, since every other case still runs when those pass.

Writes ``kill-matrix.json`` and ``kill-matrix.md`` (mutant x failing check/vector ids, and per requirement whether
some check kills some mutant). Exit 0 when every non-equivalent mutant is killed, else 1.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.harness.redis_server import redis_server
from conformance.reports.markdown import coverage
from tests.mutants.catalogue import CATALOGUE, RUNNERS, Mutant

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "reference_node"
OPENAPI = ROOT / "schemas" / "openapi.json"
TIMEOUTS = {"vectors": 180.0, "run": 420.0}
FAILING = ("fail", "error")
# What the suite prints when the preflight refuses a node that did start (conformance.session.preflight).
REDIS_URL_ENV = "STIGMEM_MUTANT_REDIS_URL"  # the Redis of the hardening-workers-redis configuration
HINTS = Path(__file__).with_name("kills.json")  # mutant id -> runner -> the cases that killed it last time
HINTS_PER_RUNNER = 3
PREFLIGHT = (": not a stigmem node", "the key given is refused", "requires authentication: pass")


@dataclass
class RunnerResult:
    runner: str
    verdict: str  # killed, survived, start-failed, error, timeout
    exit_code: int | None
    seconds: float
    failing: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)  # requirement ids of the failing cases
    note: str = ""


@dataclass
class MutantResult:
    id: str
    description: str
    requirements: list[str]
    file: str
    runners: list[str]
    status: str
    equivalent: str | None
    killed_by: list[str]
    runs: dict[str, RunnerResult]
    note: str = ""


def _ignore(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".db", ".db-wal", ".db-shm"))}


def prepare(workdir: Path, mutant: Mutant | None) -> str:
    """Copy the pristine node into ``workdir`` and apply ``mutant``; returns "" or why the mutant is invalid."""
    shutil.copytree(NODE, workdir / "reference_node", ignore=_ignore)
    (workdir / "schemas").mkdir()
    shutil.copy2(OPENAPI, workdir / "schemas" / "openapi.json")
    if mutant is None:
        return ""
    target = workdir / "reference_node" / mutant.file
    if not target.is_file():
        return f"no file reference_node/{mutant.file}"
    text = target.read_text(encoding="utf-8")
    count = text.count(mutant.find)
    if count != 1:
        return f"snippet occurs {count} times in reference_node/{mutant.file}"
    mutated = text.replace(mutant.find, mutant.replace)
    try:
        compile(mutated, str(target), "exec")
    except SyntaxError as exc:
        return f"mutated file does not compile: {exc}"
    target.write_text(mutated, encoding="utf-8")
    return ""


def child_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(workdir), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc of the same size and second must never mask a mutant
    env.pop("COVERAGE_PROCESS_START", None)
    return env


# Node configurations under which a mutant that is equivalent on the default node becomes observable: the
# runner's extra arguments (the interpretation the configuration follows, and the embedded node's flag).
CONFIGS: dict[str, dict[str, list[str]]] = {
    "default": {"vectors": [], "run": []},
    "pairwise": {"vectors": ["--interpretation", "conflict_cardinality=pairwise"],
                 "run": ["--interpretation", "conflict_cardinality=pairwise",
                         "--embedded-arg=--conflict-cardinality=pairwise"]},
    "hlc-strict": {"vectors": ["--interpretation", "hlc_input=strict"], "run": []},
    "peer-approval": {"vectors": [], "run": ["--interpretation", "peer_lifecycle=verify-then-active",
                                             "--embedded-arg=--peer-approval"]},
    # The quarantine profile: pulled facts are held only in strict trust mode (A20 §19.4).
    "trust-strict": {"vectors": [], "run": ["--embedded-arg=--trust-mode=strict"]},
    # A blind round on the quarantine profile: strict mode and the profiles seen passing there, core-federation
    # included (the scripted peers serve manifests proven in their logs, so strict mode ingests their facts; the
    # checks of held facts use peers without a manifest).
    "trust-strict-all": {"vectors": [], "run": ["--embedded-arg=--trust-mode=strict", "--profile", "core-local",
                                                "--profile", "batch", "--profile", "gardens", "--profile",
                                                "core-federation", "--profile", "federation-trust", "--profile",
                                                "quarantine"]},
    "workers": {"vectors": [], "run": ["--embedded-arg=--workers=2"]},  # docs/workers.md: shared trust state
    # A blind round on the hardening profile: the embedded node over mTLS (it then claims hardening), every profile.
    "hardening-all": {"vectors": [], "run": ["--mtls"]},
    # ... its second pass, bounded: the profiles a hardening fault can reach, without the 1,000-connection crowd.
    "hardening-core": {"vectors": [], "run": ["--mtls", "--profile", "core-local", "--profile", "core-federation",
                                              "--profile", "hardening", "--idle-connections", "100"]},
    # ... its first pass: the hardening profile alone (survivors then run under hardening-all).
    "hardening": {"vectors": [], "run": ["--profile", "hardening"]},
    # ... and with two workers, for the faults only a second worker shows.
    "hardening-workers": {"vectors": [], "run": ["--mtls", "--embedded-arg=--workers=2", "--profile", "core-local",
                                                 "--profile", "hardening", "--idle-connections", "100"]},
    # ... and with their pull loop every 3 s, for the pull-cadence check alone (the others pull on their own cue).
    "hardening-workers-pull": {"vectors": [], "run": ["--embedded-arg=--workers=2", "--embedded-arg=--pull-interval=3",
                                                      "--pull-interval", "3", "--profile", "hardening",
                                                      "--only", "http:workers_pull_cadence"]},
    # First passes of blind rounds 10-12: the profile of the part the round covers (survivors then run under every
    # profile the node claims, config default).
    "federation-trust": {"vectors": [], "run": ["--profile", "federation-trust"]},
    # ... its strict-mode pass: the trust profiles alone (every claimed profile in strict mode outlasts the run
    # timeout on a shared machine).
    "federation-trust-strict": {"vectors": [], "run": ["--embedded-arg=--trust-mode=strict", "--profile",
                                                       "federation-trust", "--profile", "quarantine"]},
    "lifecycle": {"vectors": [], "run": ["--profile", "tombstones", "--profile", "time-travel"]},
    "recall": {"vectors": [], "run": ["--profile", "recall"]},
    # ... and its quarantine faults: strict trust mode holds pulled facts (recall and the graph must leave them out).
    "recall-strict": {"vectors": [], "run": ["--embedded-arg=--trust-mode=strict", "--profile", "recall",
                                             "--profile", "quarantine"]},
    # ... and with the Redis trust cache (docs/workers.md): the URL of a Redis the caller started comes from
    # STIGMEM_MUTANT_REDIS_URL (main() refuses this configuration when it is unset).
    "hardening-workers-redis": {"vectors": [], "run": [
        "--embedded-arg=--workers=2", f"--embedded-arg=--trust-cache={os.environ.get(REDIS_URL_ENV, '')}",
        "--profile", "hardening", "--idle-connections", "100"]},
    # Source trust (A20 19.4): trust_mode off scores nothing; non-default weights are published.
    "trust-off": {"vectors": [], "run": ["--embedded-arg=--trust-mode=off"]},
    "trust-weights": {"vectors": [], "run": ["--embedded-arg=--trust-weights=0.5,0.2,0.2,0.1"]},
    # ... and weights under which a new peer known by its declaration scores 0.035, below strict's 0.2: relaxed mode
    # must still store its facts (A20 19.4: relaxed never quarantines on the score alone); the trust profile only.
    "trust-weights-low": {"vectors": [], "run": ["--embedded-arg=--trust-weights=0.35,0,0,0", "--profile",
                                                 "federation-trust"]},
    # Two workers with the trust cache (nonces, quota buckets) in a Redis that main() starts on a free loopback
    # port; the --embedded-arg=--trust-cache=URL flag is appended then.
    "workers-redis": {"vectors": [], "run": ["--embedded-arg=--workers=2"]},
}
CONFIG: dict[str, list[str]] = CONFIGS["default"]  # chosen by --config
HINTED: dict[str, dict[str, list[str]]] = {}  # load_hints(), unless --no-hints


def load_hints() -> dict[str, dict[str, list[str]]]:
    """The cases that killed each mutant last time, per runner (``kills.json``, written by --write-hints)."""
    if not HINTS.is_file():
        return {}
    data: dict[str, dict[str, list[str]]] = json.loads(HINTS.read_text(encoding="utf-8"))
    return data


def write_hints(matrix: Path) -> int:
    """Merge the killing cases of a kill-matrix.json into ``kills.json``; the count of mutants it names."""
    hints = load_hints()
    for m in json.loads(matrix.read_text(encoding="utf-8"))["mutants"]:
        if m["status"] == "killed":
            hints[m["id"]] = {runner: run["failing"][:HINTS_PER_RUNNER] for runner, run in m["runs"].items()
                              if run["verdict"] == "killed"}
    HINTS.write_text(json.dumps(dict(sorted(hints.items())), indent=1) + "\n", encoding="utf-8")
    return len(hints)


def runner_command(runner: str, report_dir: Path, profile: str | None = None, exitfirst: bool = False,
                   config: str | None = None, first: Sequence[str] = ()) -> list[str]:
    """The suite command for ``runner``; ``profile`` narrows the HTTP run (None: every profile the node claims);
    ``exitfirst`` stops it at the first failing case (enough for a verdict, not for the kill matrix); ``config``
    names the node configuration a mutant needs (else the one --config chose); ``first`` are cases to run before
    the others (the hints: what killed the mutant last time; the verdict does not depend on them)."""
    adapter = f"{shlex.quote(sys.executable)} -m reference_node.adapter"
    cmd = [sys.executable, "-m", "conformance", runner, "--report-dir", str(report_dir), "--quiet"]
    if exitfirst:
        cmd.append("--exitfirst")
    for case in first:
        cmd += ["--first", case]
    if runner == "vectors":
        cmd += ["--adapter", adapter]
    elif profile:
        cmd += ["--profile", profile]
    return cmd + (CONFIGS[config] if config else CONFIG)[runner]


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop the runner and whatever node it started: its own process group, by id."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def reap_group(pgid: int) -> None:
    """A runner that exited may have left a node behind in its process group: stop it by the group id."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run_runner(runner: str, workdir: Path, timeout: float | None = None, profile: str | None = None,
               exitfirst: bool = False, config: str | None = None, first: Sequence[str] = ()) -> RunnerResult:
    report_dir = workdir / f"report-{runner}"
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(runner_command(runner, report_dir, profile, exitfirst, config, first), cwd=workdir,
                                env=child_env(workdir),
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            code: int | None = proc.wait(timeout=timeout or TIMEOUTS[runner])
        except subprocess.TimeoutExpired:
            stop_group(proc)
            code = None
        else:
            reap_group(proc.pid)
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        tail = [line for line in lines if not line.startswith("reports: ")][-3:]  # no temporary paths in notes
    seconds = round(time.monotonic() - started, 2)
    result = RunnerResult(runner, "error", code, seconds, note=" | ".join(tail)[:400])
    if code is None:
        result.verdict = "timeout"
        return result
    report = report_dir / "report.json"
    if code in (0, 1) and report.is_file():
        cases = json.loads(report.read_text(encoding="utf-8"))["results"]
        bad = [c for c in cases if c["outcome"] in FAILING]
        result.failing = sorted(c["id"] for c in bad)
        result.requirements = sorted({r for c in bad for r in c.get("requirements", [])})
        result.verdict = "killed" if bad else "survived" if code == 0 else "error"
    elif code in (2, 3) and any(PREFLIGHT_REFUSAL in line for line in lines for PREFLIGHT_REFUSAL in PREFLIGHT):
        # the node started, and the run's preflight refused it (its discovery or its own admin key): a detection
        result.verdict, result.failing = "killed", ["preflight"]
    elif code == 3:
        result.verdict = "start-failed"
    return result


def _verdict(mutant: Mutant, runs: dict[str, RunnerResult]) -> str:
    verdicts = {r.verdict for r in runs.values()}
    if "killed" in verdicts:
        return "killed"
    for bad in ("start-failed", "timeout", "error"):
        if bad in verdicts:
            return bad
    return "equivalent" if mutant.equivalent else "survived"


def run_mutant(mutant: Mutant, runners: Sequence[str] | None = None, keep: bool = False,
               first_kill: bool = False) -> MutantResult:
    """Apply ``mutant`` to a copy of the node and run its runners; ``first_kill`` stops at the first failing case
    of the first runner that kills (a verdict in a fraction of the time; ``killed_by`` then names that case only)."""
    chosen = [r for r in mutant.runners if runners is None or r in runners]
    result = MutantResult(mutant.id, mutant.description, list(mutant.requirements), mutant.file,
                          list(mutant.runners), "invalid", mutant.equivalent, [], {})
    workdir = Path(tempfile.mkdtemp(prefix=f"stigmem-mutant-{mutant.id}-"))
    try:
        why = prepare(workdir, mutant)
        if why:
            result.note = why
            return result
        hints = HINTED.get(mutant.id, {}) if first_kill else {}
        # a runner that killed it last time goes first: with --first-kill the other is then rarely needed
        for runner in sorted(chosen, key=lambda r: r not in hints):
            result.runs[runner] = run_runner(runner, workdir, profile=mutant.profile, exitfirst=first_kill,
                                            config=mutant.config, first=hints.get(runner, ()))
            if first_kill and result.runs[runner].verdict == "killed":
                break
        result.status = _verdict(mutant, result.runs)
        result.killed_by = sorted({case for r in result.runs.values() for case in r.failing})
        return result
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def baseline(runners: Iterable[str]) -> dict[str, RunnerResult]:
    """The pristine copy must pass every runner, and must be the code the subprocesses import."""
    workdir = Path(tempfile.mkdtemp(prefix="stigmem-mutant-baseline-"))
    try:
        prepare(workdir, None)
        probe = subprocess.run([sys.executable, "-c", "import reference_node; print(reference_node.__file__)"],
                               cwd=workdir, env=child_env(workdir), capture_output=True, text=True, timeout=60)
        imported = Path(probe.stdout.strip()).resolve()
        if workdir.resolve() not in imported.parents:
            raise SystemExit(f"the copy is not what subprocesses import: {imported or probe.stderr.strip()}")
        return {runner: run_runner(runner, workdir) for runner in runners}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def select(only: Sequence[str] = (), runners: Sequence[str] | None = None,
           rounds: Sequence[int] | None = None) -> list[Mutant]:
    """The mutants matching ``only`` (globs over id, file, requirement), ``runners`` and ``rounds`` (0: authored)."""
    chosen = []
    for m in CATALOGUE:
        if rounds is not None and m.round not in rounds:
            continue
        if only and not any(fnmatch.fnmatchcase(name, p) for p in only for name in (m.id, m.file, *m.requirements)):
            continue
        if runners is not None and not set(m.runners) & set(runners):
            continue
        chosen.append(m)
    return chosen


def run_all(mutants: Sequence[Mutant], runners: Sequence[str] | None = None, jobs: int = 2,
            progress: Callable[[MutantResult], None] | None = None, first_kill: bool = False) -> list[MutantResult]:
    def one(m: Mutant) -> MutantResult:
        r = run_mutant(m, runners, first_kill=first_kill)
        if progress:
            progress(r)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, mutants))


# --- reports -----------------------------------------------------------------------------------------------------

def _requirement_index(results: Sequence[MutantResult]) -> dict[str, dict[str, Any]]:
    """Per requirement: the mutants tied to it, whether one was killed, and the cases that killed them."""
    index: dict[str, dict[str, Any]] = {}
    for r in results:
        for req in r.requirements:
            row = index.setdefault(req, {"mutants": [], "killed": [], "equivalent": [], "killing_cases": set()})
            row["mutants"].append(r.id)
            if r.status == "killed":
                row["killed"].append(r.id)
                row["killing_cases"].update(r.killed_by)
            elif r.status == "equivalent":
                row["equivalent"].append(r.id)
    out = {}
    for req in sorted(index):
        row = index[req]
        verdict = "killed" if row["killed"] else "equivalent-only" if len(row["equivalent"]) == len(row["mutants"]) \
            else "not-killed"
        out[req] = {**row, "killing_cases": sorted(row["killing_cases"]), "verdict": verdict}
    return out


def summary(results: Sequence[MutantResult]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    scored = [r for r in results if r.status not in ("equivalent", "invalid")]
    killed = counts.get("killed", 0)
    return {"mutants": len(results), **dict(sorted(counts.items())),
            "kill_rate": round(killed / len(scored), 4) if scored else None,
            "kill_rate_basis": "killed / (all - equivalent - invalid)"}


def write_reports(results: Sequence[MutantResult], out: Path, base: dict[str, RunnerResult] | None,
                  seconds: float) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "kind": "mutant-kill-matrix",
        "summary": summary(results),
        "duration_s": round(seconds, 1),
        "baseline": {k: asdict(v) for k, v in (base or {}).items()},
        "mutants": [asdict(r) for r in results],
        "requirements": _requirement_index(results),
    }
    json_path = out / "kill-matrix.json"
    json_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path = out / "kill-matrix.md"
    md_path.write_text(render_markdown(data), encoding="utf-8")
    return json_path, md_path


def _cases(ids: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:limit])
    return shown + (f" (+{len(ids) - limit} more)" if len(ids) > limit else "")


def render_markdown(data: dict[str, Any]) -> str:
    s = data["summary"]
    rate = "n/a" if s["kill_rate"] is None else f"{100 * s['kill_rate']:.1f}%"
    lines = [
        "# Mutant kill matrix (HTTP runs: core-local; `fed-*` mutants: core-federation)",
        "",
        f"{s['mutants']} semantic mutants of the reference node; kill rate **{rate}** ({s['kill_rate_basis']}). "
        + ", ".join(f"{k}: {v}" for k, v in s.items() if k not in ("mutants", "kill_rate", "kill_rate_basis"))
        + f". Run took {data['duration_s']} s.",
        "",
        "Generated by `python -m tests.mutants.run` from `tests/mutants/catalogue.py`.",
        "",
        "## Mutants",
        "",
        "| mutant | requirements | runners | status | killed by (failing checks / vectors) |",
        "|---|---|---|---|---|",
    ]
    for m in data["mutants"]:
        killers = _cases(m["killed_by"]) if m["killed_by"] else (m["equivalent"] or m["note"] or "")
        killers = killers.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{m['id']}` | {' '.join(m['requirements'])} | {' '.join(m['runners'])} | "
                     f"{m['status']} | {killers} |")
    lines += ["", "## Requirements", "",
              "| requirement | mutants | verdict | killing checks / vectors |", "|---|---|---|---|"]
    for req, row in data["requirements"].items():
        lines.append(f"| {req} | {len(row['mutants'])} | {row['verdict']} | {_cases(row['killing_cases'], 4)} |")
    return "\n".join(lines) + "\n"


def render_must_table(data: dict[str, Any], requirements: Sequence[dict[str, Any]]) -> str:
    """REPORT.md: each MUST requirement with the mutants that prove a check for it can fail (issue 6)."""
    index = data["requirements"]
    musts = [r for r in requirements if r["level"] == "MUST" and r.get("status", "active") == "active"]
    proven = [r for r in musts if index.get(r["id"], {}).get("killed")]
    lines = ["", "### MUST requirements and the mutants that prove their checks can fail", "",
             f"{len(proven)} of {len(musts)} MUST requirements are tied to at least one killed mutant of the "
             "catalogue (killed: some check or vector for the requirement failed against the mutant). The others "
             "are proven by the miniature wrong adapters and nodes (every vector and check fails against one), "
             "and by the automatic sweep for the pure rules.", "",
             "| requirement | summary | killed mutants | failing checks / vectors |", "|---|---|---|---|"]
    for r in proven:
        row = index[r["id"]]
        summary = r.get("summary", "").replace("|", "\\|")
        lines.append(f"| {r['id']} | {summary} | {', '.join(f'`{m}`' for m in row['killed'])} | "
                     f"{_cases(row['killing_cases'], 3)} |")
    how = coverage()
    rest = [r for r in musts if r not in proven]
    lines.append("")
    for kind, words in (("vector", "covered by golden vectors (each fails under a wrong miniature adapter)"),
                        ("check", "covered by implemented checks (each fails or errors against a miniature node)"),
                        ("planned", "covered only by a planned check, so nothing can fail yet"),
                        ("untestable", "untestable from outside, with the reason in vectors/requirements.json")):
        ids = [r["id"] for r in rest if how[r["id"]] == kind]
        if ids:
            lines.append(f"- No catalogue mutant, {words} ({len(ids)}): {', '.join(ids)}.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", "-k", action="append", default=[], help="glob over mutant id, file, requirement")
    parser.add_argument("--runner", action="append", choices=RUNNERS, help="only this runner (repeatable)")
    parser.add_argument("--round", action="append", type=int, dest="rounds",
                        help="only this round (repeatable): 0 the mutants written beside the checks, N blind round N")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "mutants", help="where the matrix goes")
    parser.add_argument("--list", action="store_true", help="print the selected mutants and exit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated baseline run")
    parser.add_argument("--first-kill", action="store_true",
                        help="stop each mutant at its first failing case (fast verdicts; the kill matrix then names "
                             "one case per killed mutant)")
    parser.add_argument("--must-table", type=Path, metavar="KILL_MATRIX_JSON",
                        help="print the MUST-requirement table for REPORT.md from an existing kill-matrix.json")
    parser.add_argument("--no-hints", action="store_true",
                        help="with --first-kill, do not run first the cases that killed each mutant last time")
    parser.add_argument("--write-hints", type=Path, metavar="KILL_MATRIX_JSON",
                        help="merge the killing cases of a kill-matrix.json into tests/mutants/kills.json and exit")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="default",
                        help="run under this node configuration (its interpretation and embedded-node flag): "
                             "mutants equivalent on the default node are counted there")
    args = parser.parse_args(argv)
    global CONFIG
    if args.config == "hardening-workers-redis" and not os.environ.get(REDIS_URL_ENV):
        print(f"skipped: --config hardening-workers-redis needs {REDIS_URL_ENV}=redis://127.0.0.1:PORT/0, the URL of "
              "a redis-server you started", file=sys.stderr)
        return 2
    CONFIG = CONFIGS[args.config]
    if args.write_hints:
        try:
            print(f"{write_hints(args.write_hints)} mutants hinted in {HINTS}")
        except (OSError, ValueError, KeyError) as exc:
            print(f"--write-hints {args.write_hints}: not a readable kill-matrix.json ({exc})", file=sys.stderr)
            return 2
        return 0
    HINTED.update({} if args.no_hints else load_hints())
    if args.must_table:
        reqs = json.loads((ROOT / "vectors" / "requirements.json").read_text(encoding="utf-8"))["requirements"]
        print(render_must_table(json.loads(args.must_table.read_text(encoding="utf-8")), reqs), end="")
        return 0
    mutants = select(args.only, args.runner, args.rounds)
    if args.list:
        for m in mutants:
            flag = "  (equivalent)" if m.equivalent else ""
            print(f"{m.id:<40} {' '.join(m.runners):<12} {' '.join(m.requirements)}{flag}")
        return 0
    if not mutants:
        print("no mutant matches", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        if args.config == "workers-redis" or any(m.config == "workers-redis" for m in mutants):
            url, note = stack.enter_context(redis_server())
            if url is None:
                print(f"the workers-redis configuration needs Redis: {note}", file=sys.stderr)
                return 2
            CONFIGS["workers-redis"]["run"].append(f"--embedded-arg=--trust-cache={url}")
        return _run(args, mutants)


def _run(args: argparse.Namespace, mutants: list[Mutant]) -> int:
    started = time.monotonic()
    runners = sorted({r for m in mutants for r in m.runners if args.runner is None or r in args.runner})
    base = None
    if not args.no_baseline:
        base = baseline(runners)
        broken = {k: v for k, v in base.items() if v.verdict != "survived"}
        if broken:
            for name, r in broken.items():
                print(f"baseline {name} does not pass ({r.verdict}): {r.failing[:5]} {r.note}", file=sys.stderr)
            return 2

    def progress(r: MutantResult) -> None:
        took = sum(x.seconds for x in r.runs.values())
        print(f"{r.status:<12} {r.id:<42} {took:6.1f}s {_cases(r.killed_by, 3) or r.note[:80]}", flush=True)

    results = run_all(mutants, args.runner, args.jobs, progress, args.first_kill)
    json_path, md_path = write_reports(results, args.out, base, time.monotonic() - started)
    s = summary(results)
    print(json.dumps(s))
    print(f"wrote {json_path} and {md_path}")
    return 0 if all(r.status in ("killed", "equivalent") for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
