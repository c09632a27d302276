"""Whole-node mutation sweep: mutmut over ``reference_node/`` with the HTTP checks that execute each mutated line.

    python -m tests.mutants.sweep --paths reference_node/ [--max-seconds 2100] [--workspace DIR]
        [--out docs/report-data/power]          # (or python -m tests.mutants.node_sweep, same options)
    python -m tests.mutants.sweep --paths reference_node/api/params.py --workspace DIR   # one module
    python -m tests.mutants.sweep --paths reference_node/ --workspace DIR --report-only
    python -m tests.mutants.node_sweep --combine A.json B.json --name sweep-node   # two sweeps side by side
    python -m tests.mutants.node_sweep --paths reference_node/ --sample 600 --seed 1 --shard 1/2 --workspace W1
        # a uniform random sample of every mutant of the paths; shard 2/2 (same seed) in W2 runs the other half

mutmut 2 runs one mutant at a time; two jobs are two sweeps over disjoint paths in two workspaces (e.g. ``api/``
and ``storage/,federation/,settings.py,clock.py``), whose reports ``--combine`` adds up per directory.

Steps: the workspace (``sweep.prepare``: a copy of the node, vectors and OpenAPI document, and a pristine copy);
once, ``node_worker.py --record-coverage`` on the pristine copy (``coverage-map.json``: per line, the checks that
execute it; the database snapshot); then mutmut 2, whose test command is ``node_worker.py`` (in-process nodes, the
covering checks only, quickest first, stopping at the first failure; the vectors first for ``protocol/``). The run
is bounded by ``--max-seconds`` (mutmut's process group is stopped by its id); ``--workspace`` resumes.

Not mutated: ``cli.py`` (argument parsing and serving glue: the in-process nodes bypass it, the settings it builds
are mutated in ``settings.py``) and ``adapter.py`` (the stdio adapter of the vector runner, not the HTTP node).

A sweep of every mutant takes hours here; ``--sample N --seed S`` runs a uniform random sample of them instead
(mutmut's cache is filled with every mutant first, so the frame is the full set; each sampled one runs as
``mutmut run ID``; ``--rerun-survivors`` records coverage again and runs the sample's survivors again, after new
checks). ``--shard K/M`` runs the K-th of M interleaved slices of the same sample, so two workspaces share
the two cores; ``--combine`` adds their disjoint slices up. A sampled report counts only the sampled mutants and
gives the score's 95% Wilson interval.

Verdicts: killed (a check or vector failed); survived; not covered (no check executes the line: a gap, listed,
never counted killed); start-failed (the mutated node does not start: reported apart, not counted killed);
timeout/suspicious (mutmut's, counted in the denominator). Survivors no black-box run can observe are classified as
in ``sweep.category`` (message text, requirement ids in errors, typing). Score per directory: killed / observable,
observable = killed + survived + timeout + suspicious, without the unobservable, not-covered and start-failed ones;
a stricter figure counts the not-covered mutants as survivors. Writes ``sweep-node.json`` and ``sweep-node.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.mutants import coverage_map
from tests.mutants.run import child_env, reap_group, stop_group
from tests.mutants.sweep import category, enclosing_function, prepare, read_cache, run_mutmut, show

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("node_worker.py")
EXCLUDED = ("reference_node/cli.py", "reference_node/adapter.py", "reference_node/adapter_calls.py",
            "reference_node/adapter_federation.py")  # mutmut matches file names: all are unique
UNOBSERVABLE = ("message", "metadata", "typing", "equivalent")
# Survivors read one by one and found equivalent for a black-box run of the default profiles, each with the
# reason: {"file", "old", "new" (substrings of the mutated line before and after), "reason"}.
EQUIVALENTS = Path(__file__).with_name("sweep_equivalents.json")


def equivalent_reason(file: str, diff: str, table: list[dict[str, str]]) -> str | None:
    """The reason of the first entry of ``table`` that names this mutant (same file, both substrings in its diff),
    or None. (``show`` joins the diff's lines with " / ", which division
    also spells, so the diff is matched whole.)"""
    for entry in table:
        if file.endswith(entry["file"]) and entry["old"] in diff and entry["new"] in diff:
            return entry["reason"]
    return None


def configure(workspace: Path, paths: str) -> None:
    """The workspace's mutmut settings: the given paths, the node worker as the test command."""
    runner = f"{shlex.quote(sys.executable)} {shlex.quote(str(WORKER))} --workspace {shlex.quote(str(workspace))}"
    (workspace / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f"paths_to_mutate = {json.dumps(paths)}\n"
        f"paths_to_exclude = {json.dumps(','.join(Path(p).name for p in EXCLUDED))}\n"
        f"runner = {json.dumps(runner)}\n"
        'tests_dir = "tests/"\n',
        encoding="utf-8",
    )


def restore(workspace: Path) -> None:
    """A stopped mutmut may leave a mutated file (and its .bak) behind: put the pristine file back."""
    pristine = workspace / "pristine" / "reference_node"
    for path in pristine.rglob("*.py"):
        copy = workspace / "reference_node" / path.relative_to(pristine)
        if not copy.is_file() or copy.read_bytes() != path.read_bytes():
            copy.write_bytes(path.read_bytes())
    for backup in (workspace / "reference_node").rglob("*.bak"):
        backup.unlink()


def record_coverage(workspace: Path) -> dict[str, Any]:
    if not (workspace / "coverage-map.json").is_file():
        proc = subprocess.run([sys.executable, str(WORKER), "--workspace", str(workspace), "--record-coverage"],
                              cwd=workspace, env=child_env(workspace), capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"coverage recording failed: {proc.stderr[-2000:]}")
        print(proc.stdout.strip().splitlines()[-1], flush=True)
    data: dict[str, Any] = json.loads((workspace / "coverage-map.json").read_text(encoding="utf-8"))
    return data


POPULATE = """\
import sys
from mutmut import add_mutations_by_file, python_source_files
from mutmut.cache import update_line_numbers
excluded = sys.argv[2].split(",")
for path in sys.argv[1].split(","):
    for name in python_source_files(path.strip(), [], excluded):
        update_line_numbers(name)
        add_mutations_by_file({}, name, [], None)
"""


def populate(workspace: Path, paths: str) -> None:
    """Fill mutmut's cache with every mutant of ``paths`` without running any (``mutmut run ID`` reads it)."""
    if read_cache(workspace):
        return
    excluded = ",".join(Path(p).name for p in EXCLUDED)
    subprocess.run([sys.executable, "-c", POPULATE, paths, excluded], cwd=workspace, env=child_env(workspace),
                   check=True, timeout=600)


def pick_sample(mutants: list[dict[str, Any]], size: int, seed: int, shard: tuple[int, int]) -> list[int]:
    """The ids of a uniform random sample of ``size`` mutants, then the shard's slice. The sample is drawn over
    (file, line, mutation index), which every workspace of the same paths numbers alike (mutmut's ids follow the
    order in which it walked the files)."""
    keyed = sorted((m["file"], m["line_number"], m["index"], m["id"]) for m in mutants)
    chosen = sorted(random.Random(seed).sample(keyed, min(size, len(keyed))))
    k, of = shard
    return [row[3] for row in chosen[k - 1::of]]


def run_sample(workspace: Path, ids: list[int], max_seconds: float, test_time_base: float,
               again: bool = False) -> bool:
    """``mutmut run ID`` for each sampled mutant not yet tested (``again``: for each of ``ids``), within
    ``max_seconds``; True when all ran."""
    status = {m["id"]: m["status"] for m in read_cache(workspace)}
    env = child_env(workspace)
    started = time.monotonic()
    todo = list(ids) if again else [i for i in ids if status.get(i) == "untested"]
    random.Random(len(ids)).shuffle(todo)  # in random order: a run stopped by the budget is still a uniform sample
    for n, mutant_id in enumerate(todo, 1):
        left = max_seconds - (time.monotonic() - started)
        if left <= 0:
            return False
        restore(workspace)
        proc = subprocess.Popen([sys.executable, "-m", "mutmut", "run", str(mutant_id), "--no-progress",
                                 "--simple-output", "--test-time-base", str(test_time_base)], cwd=workspace, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            proc.wait(timeout=max(left, 1.0))
        except subprocess.TimeoutExpired:
            stop_group(proc)
            restore(workspace)
            return False
        finally:
            reap_group(proc.pid)
        if n == 1 and not _baseline_cached(workspace):
            raise SystemExit("mutmut's baseline run failed (the pristine node fails a check): see verdicts.jsonl")
        if n % 25 == 0:
            print(f"sample: {n}/{len(todo)} run, {time.monotonic() - started:.0f} s", flush=True)
    restore(workspace)
    return True


def _baseline_cached(workspace: Path) -> bool:
    """Whether mutmut kept a baseline time (it keeps none when the unmutated run fails, and runs it again)."""
    with contextlib.closing(sqlite3.connect(workspace / ".mutmut-cache")) as conn:
        return conn.execute("SELECT 1 FROM MiscData WHERE key = 'baseline_time_elapsed'").fetchone() is not None


def wilson(killed: int, observable: int, z: float = 1.96) -> list[float] | None:
    """The 95% Wilson score interval of killed / observable."""
    if not observable:
        return None
    p = killed / observable
    centre = (p + z * z / (2 * observable)) / (1 + z * z / observable)
    half = z * math.sqrt(p * (1 - p) / observable + z * z / (4 * observable ** 2)) / (1 + z * z / observable)
    return [round(centre - half, 4), round(centre + half, 4)]


def read_verdicts(workspace: Path) -> list[dict[str, Any]]:
    path = workspace / "verdicts.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def directory(file: str) -> str:
    parts = Path(file).parts
    return parts[1] if len(parts) > 2 else "(top level)"


def classify(mutants: list[dict[str, Any]], cmap: dict[str, Any], verdicts: list[dict[str, Any]],
             diff_of: Any, equivalents: list[dict[str, str]] | None = None) -> None:
    """Set ``verdict`` (and ``diff``, ``category`` for survivors) on each mutant from mutmut's cache."""
    if equivalents is None:
        equivalents = json.loads(EQUIVALENTS.read_text(encoding="utf-8")) if EQUIVALENTS.is_file() else []
    start_failed = Counter((v["file"], v["lines"][0]) for v in verdicts
                           if v.get("verdict") == "start-failed" and v["lines"])
    for m in mutants:
        status = m["status"]
        # mutmut 2 files the worker's exit 3 under killed or survived: the worker's own record decides.
        if status in ("killed", "survived") and start_failed[(m["file"], m["line_number"])] > 0:
            start_failed[(m["file"], m["line_number"])] -= 1
            m["verdict"] = "start-failed"
        elif status == "survived":
            m["diff"] = diff_of(m["id"])
            pristine = ROOT / m["file"]
            m["function"] = enclosing_function(pristine, m["line_number"])
            m["category"] = category(m["diff"], m["function"])
            reason = None if m["category"] else equivalent_reason(m["file"], m["diff"], equivalents)
            if reason:
                m["category"], m["reason"] = "equivalent", reason
            in_protocol = m["file"].startswith("reference_node/protocol/")
            covered = coverage_map.select(cmap, m["file"], [m["line_number"]], pristine) or in_protocol
            m["verdict"] = m["category"] or ("survived" if covered else "not-covered")
        else:
            m["verdict"] = status


def tally(mutants: list[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(m["verdict"] for m in mutants)
    killed = counts["killed"]
    observable = killed + counts["survived"] + counts["timeout"] + counts["suspicious"]
    return {"mutants": len(mutants), **{k: counts[k] for k in sorted(counts)}, "observable": observable,
            "score": round(killed / observable, 4) if observable else None,
            "score_with_not_covered": round(killed / (observable + counts["not-covered"]), 4)
            if observable + counts["not-covered"] else None}


def summarize(mutants: list[dict[str, Any]]) -> dict[str, Any]:
    dirs = sorted({directory(m["file"]) for m in mutants})
    total = tally(mutants)
    total["interval"] = wilson(total.get("killed", 0), total["observable"])
    return {"total": total,
            "by_directory": {d: tally([m for m in mutants if directory(m["file"]) == d]) for d in dirs},
            "unobservable": {name: sum(1 for m in mutants if m["verdict"] == name) for name in UNOBSERVABLE}}


def _rescore(row: dict[str, Any]) -> dict[str, Any]:
    observable = sum(row.get(k, 0) for k in ("killed", "survived", "timeout", "suspicious"))
    wider = observable + row.get("not-covered", 0)
    return {**row, "observable": observable, "score": round(row.get("killed", 0) / observable, 4) if observable
            else None, "score_with_not_covered": round(row.get("killed", 0) / wider, 4) if wider else None,
            "interval": wilson(row.get("killed", 0), observable)}


def combine(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report from sweeps of disjoint paths run side by side (``--jobs 2``): counts add up, the wall time is
    the longest of them."""
    counted = ("observable", "score", "score_with_not_covered", "interval")
    by_dir: dict[str, Counter[str]] = {}
    for r in reports:
        for d, row in r["summary"]["by_directory"].items():
            by_dir.setdefault(d, Counter()).update({k: v for k, v in row.items() if k not in counted})
    total: Counter[str] = Counter()
    for row in by_dir.values():
        total.update(row)
    runs = sum(r["tested_now"] for r in reports)
    return {"kind": "mutmut-node-sweep", "paths": ", ".join(dict.fromkeys(r["paths"] for r in reports)),
            "excluded": reports[0]["excluded"], "finished": all(r["finished"] for r in reports),
            "mutmut_exit": [r["mutmut_exit"] for r in reports],
            "duration_s": max(r["duration_s"] for r in reports), "coverage_s": max(r["coverage_s"] for r in reports),
            "tested_now": runs, "jobs": len(reports),
            "mean_mutant_s": round(sum(r["mean_mutant_s"] * r["tested_now"] for r in reports if r["tested_now"])
                                   / runs, 2) if runs else None,
            "summary": {"total": _rescore(dict(total)),
                        "by_directory": {d: _rescore(dict(row)) for d, row in sorted(by_dir.items())},
                        "unobservable": {k: sum(r["summary"]["unobservable"].get(k, 0) for r in reports)
                                         for k in UNOBSERVABLE}},
            "sample": _combine_samples([r.get("sample") for r in reports]),
            "survivors": [s for r in reports for s in r["survivors"]]}


def _combine_samples(samples: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """Shards of one sample (same seed and size) add up to it; anything else is not a sample."""
    if not samples or any(s is None for s in samples):
        return None
    first = samples[0]
    assert first is not None
    return {"size": first["size"], "seed": first["seed"], "frame": first["frame"],
            "shards": sorted(s["shard"] for s in samples if s is not None)}


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _sample_lines(data: dict[str, Any]) -> list[str]:
    sample, t = data.get("sample"), data["summary"]["total"]
    if not sample:
        return []
    low, high = t.get("interval") or (None, None)
    return [f"A uniform random sample: {sample['size']} of the {sample['frame']} mutants of these paths (seed "
            f"{sample['seed']}, shards {sample['shards']}); the table counts the sampled mutants only. 95% Wilson "
            f"interval of the score: {_pct(low)} to {_pct(high)}.", ""]


def render(data: dict[str, Any]) -> str:
    s = data["summary"]
    t = s["total"]
    lines = [f"# Whole-node mutation sweep (mutmut) over {data['paths']}", "",
             "Test command: `tests/mutants/node_worker.py`: the nodes in-process (uvicorn in threads; clusters "
             "spawned), the HTTP checks that executed the mutated line on the pristine node (coverage.py contexts), "
             "plus the golden vectors for `protocol/`.", "",
             f"Wall time {data['duration_s']} s (coverage recording {data['coverage_s']} s), finished: "
             f"{data['finished']}; {t['mutants']} mutants in the cache, {data['tested_now']} runs this time; mean "
             f"{data['mean_mutant_s']} s per mutant run. Score killed / observable **{_pct(t['score'])}**; counting "
             f"not-covered as survivors {_pct(t['score_with_not_covered'])}.", "",
             *_sample_lines(data),
             "Unobservable survivors (message text, requirement ids in errors, typing; equivalent: read one by one, "
             "reason in the table below): "
             + ", ".join(f"{k} {v}" for k, v in s["unobservable"].items()) + ".", "",
             "| directory | mutants | killed | survived | not covered | start-failed | timeout | suspicious | "
             "untested | observable | score | with not covered |", "|---" * 12 + "|"]
    for d, row in [*s["by_directory"].items(), ("**all**", t)]:
        lines.append(f"| {d} | {row['mutants']} | {row.get('killed', 0)} | {row.get('survived', 0)} | "
                     f"{row.get('not-covered', 0)} | {row.get('start-failed', 0)} | {row.get('timeout', 0)} | "
                     f"{row.get('suspicious', 0)} | {row.get('untested', 0)} | {row['observable']} | "
                     f"{_pct(row['score'])} | {_pct(row['score_with_not_covered'])} |")
    lines += ["", "## Survivors and gaps", "", "| file | line | verdict | mutation |", "|---|---|---|---|"]
    for m in data["survivors"]:
        diff = m.get("diff", "")[:300].replace("|", "\\|")
        why = f" ({m['reason']})" if m.get("reason") else ""
        lines.append(f"| {m['file']} | {m['line_number']} | {m['verdict']}{why} | `{diff}` |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants.node_sweep", description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="reference_node/", help="what mutmut mutates (comma-separated)")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop mutmut after this long")
    parser.add_argument("--test-time-base", type=float, default=240.0, help="seconds added to mutmut's timeout")
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (resume a stopped sweep)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-data" / "power")
    parser.add_argument("--name", default="sweep-node", help="report file stem")
    parser.add_argument("--report-only", action="store_true", help="only report the cache of --workspace")
    parser.add_argument("--combine", type=Path, nargs="+", metavar="JSON",
                        help="write one report from the reports of sweeps over disjoint paths, run side by side")
    parser.add_argument("--sample", type=int, metavar="N", help="run a uniform random sample of N mutants only")
    parser.add_argument("--seed", type=int, default=1, help="seed of --sample")
    parser.add_argument("--shard", default="1/1", metavar="K/M", help="run the K-th of M slices of --sample")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="with --sample: record coverage again (new checks) and run the sample's survivors again")
    args = parser.parse_args(argv)
    try:
        k, of = (int(x) for x in args.shard.split("/"))
        if not 1 <= k <= of:
            raise ValueError
    except ValueError:
        parser.error(f"--shard: expected K/M with 1 <= K <= M, got {args.shard!r}")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample: expected a positive count")
    if args.combine:
        data = combine([json.loads(p.read_text(encoding="utf-8")) for p in args.combine])
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{args.name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        (args.out / f"{args.name}.md").write_text(render(data), encoding="utf-8")
        print(json.dumps(data["summary"]["total"]))
        return 0
    workspace = (args.workspace or Path(tempfile.mkdtemp(prefix="stigmem-node-sweep-"))).resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    prepare(workspace, args.paths)
    configure(workspace, args.paths)
    if args.rerun_survivors:
        # The checks added since: coverage is recorded again, so the selection can choose them.
        (workspace / "coverage-map.json").unlink(missing_ok=True)
    cmap = record_coverage(workspace)
    coverage_s = round(time.monotonic() - started, 1)
    before = len(read_verdicts(workspace))
    code: int | None = None
    sample: dict[str, Any] | None = None
    chosen: set[int] | None = None
    if args.sample is not None:
        populate(workspace, args.paths)
        frame = read_cache(workspace)
        # The ids are drawn once and kept: ``mutmut run ID`` may renumber a file's rows in the cache, so drawing
        # again later (``--report-only``) could name other mutants than the ones that ran.
        kept = workspace / "sample.json"
        draw = {"size": args.sample, "seed": args.seed, "shard": args.shard}
        stored = json.loads(kept.read_text(encoding="utf-8")) if kept.is_file() else {}
        if {name: stored.get(name) for name in draw} == draw:
            chosen = set(stored["ids"])
        else:
            chosen = set(pick_sample(frame, args.sample, args.seed, (k, of)))
            kept.write_text(json.dumps({**draw, "ids": sorted(chosen)}), encoding="utf-8")
        sample = {"size": min(args.sample, len(frame)), "seed": args.seed, "frame": len(frame), "shards": [args.shard],
                  "shard": args.shard}
    if not args.report_only:
        restore(workspace)
        print(f"node sweep workspace: {workspace}", flush=True)
        if chosen is not None and args.rerun_survivors:
            sampled = [m for m in read_cache(workspace) if m["id"] in chosen]
            classify(sampled, cmap, read_verdicts(workspace), lambda i: show(workspace, i))
            again = sorted(m["id"] for m in sampled if m["verdict"] == "survived")
            print(f"rerunning {len(again)} survivors", flush=True)
            code = 0 if run_sample(workspace, again, args.max_seconds, args.test_time_base, again=True) else None
        elif chosen is not None:
            code = 0 if run_sample(workspace, sorted(chosen), args.max_seconds, args.test_time_base) else None
        else:
            code, _ = run_mutmut(workspace, args.max_seconds, args.test_time_base)
    verdicts = read_verdicts(workspace)
    mutants = [m for m in read_cache(workspace) if chosen is None or m["id"] in chosen]
    classify(mutants, cmap, verdicts, lambda i: show(workspace, i))
    runs = [v for v in verdicts[before:] if v.get("verdict") != "baseline"]
    data = {"kind": "mutmut-node-sweep", "paths": args.paths, "excluded": list(EXCLUDED),
            "finished": code is not None and not args.report_only, "mutmut_exit": code,
            "duration_s": round(time.monotonic() - started, 1), "coverage_s": coverage_s,
            "tested_now": len(runs),
            "mean_mutant_s": round(sum(v["seconds"] for v in runs) / len(runs), 2) if runs else None,
            "mean_checks_per_run": round(sum(len(v["checks"]) for v in runs) / len(runs), 1) if runs else None,
            "summary": summarize(mutants), "sample": sample,
            "survivors": [m for m in mutants if m["verdict"] not in ("killed", "start-failed", "untested",
                                                                       "timeout", "suspicious", "skipped")]}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(render(data), encoding="utf-8")
    print(json.dumps(data["summary"]["total"]))
    print(f"wrote {args.out / (args.name + '.json')} and .md (workspace {workspace})")
    return 0 if mutants else 1


if __name__ == "__main__":
    raise SystemExit(main())
