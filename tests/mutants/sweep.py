"""Automatic mutation sweep (anchors §2.1 step 2): mutmut over ``reference_node/protocol/``, the vectors as tests.

    python -m tests.mutants.sweep [--paths reference_node/protocol/] [--max-seconds 3600] [--out reports/mutants]

mutmut 2 only needs an exit code from its test command, so the "tests" are the black-box vector run: ``python -m
conformance vectors --adapter "python -m reference_node.adapter"``. The sweep never touches the checkout: it copies
``reference_node/`` (and ``schemas/openapi.json``) into a workspace, where mutmut rewrites files in place, and the
adapter imports that copy (workspace first on ``PYTHONPATH`` and as the working directory). The run is bounded:
after ``--max-seconds`` mutmut's process group is stopped by its id and the partial results are reported (untested
mutants are counted as such). ``--workspace DIR`` reuses a workspace, so a stopped sweep resumes where it stopped.

Writes ``mutmut.json`` and ``mutmut.md``: counts per status, the score killed / (killed + survived + timeout +
suspicious), and every survivor as a one-line diff.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"ok_killed": "killed", "bad_survived": "survived", "bad_timeout": "timeout",
            "ok_suspicious": "suspicious", "skipped": "skipped", "untested": "untested"}


def prepare(workspace: Path, paths: str) -> None:
    """A workspace holding the node, the OpenAPI document and a pyproject.toml with the mutmut settings."""
    if not (workspace / "reference_node").is_dir():
        shutil.copytree(ROOT / "reference_node", workspace / "reference_node",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (workspace / "schemas").mkdir(exist_ok=True)
        shutil.copy2(ROOT / "schemas" / "openapi.json", workspace / "schemas" / "openapi.json")
        (workspace / "tests").mkdir(exist_ok=True)
    python = shlex.quote(sys.executable)
    vectors = f"{python} -m conformance vectors --quiet --adapter '{python} -m reference_node.adapter'"
    # Both readings: the upstream preset makes the vectors of the non-default interpretation options applicable.
    runner = f"sh -c \"{vectors} && {vectors} --preset upstream-0.9.0a12\""
    (workspace / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f"paths_to_mutate = {json.dumps(paths)}\n"
        f"runner = {json.dumps(runner)}\n"
        'tests_dir = "tests/"\n',
        encoding="utf-8",
    )


def run_mutmut(workspace: Path, max_seconds: float, test_time_base: float) -> tuple[int | None, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(workspace), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [sys.executable, "-m", "mutmut", "run", "--no-progress", "--simple-output",
           "--test-time-base", str(test_time_base)]
    started = time.monotonic()
    log = (workspace / "mutmut.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        code: int | None = proc.wait(timeout=max_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        code = None
    finally:
        log.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # an adapter left behind in the group
    return code, time.monotonic() - started


def read_cache(workspace: Path) -> list[dict[str, Any]]:
    cache = workspace / ".mutmut-cache"
    if not cache.is_file():
        return []
    with contextlib.closing(sqlite3.connect(cache)) as conn:
        rows = conn.execute(
            "SELECT m.id, m.status, m.\"index\", l.line, l.line_number, s.filename FROM Mutant m "
            "JOIN Line l ON l.id = m.line JOIN SourceFile s ON s.id = l.sourcefile ORDER BY m.id"
        ).fetchall()
    return [{"id": r[0], "status": STATUSES.get(r[1], r[1]), "index": r[2], "line": r[3], "line_number": r[4] + 1,
             "file": r[5]} for r in rows]


def show(workspace: Path, mutant_id: int) -> str:
    """mutmut's diff of one mutant, reduced to its - and + lines."""
    proc = subprocess.run([sys.executable, "-m", "mutmut", "show", str(mutant_id)], cwd=workspace,
                          capture_output=True, text=True, timeout=60)
    lines = [line for line in proc.stdout.splitlines()
             if line[:1] in "-+" and not line.startswith(("---", "+++"))]
    return " / ".join(line.strip() for line in lines)[:300]


def message_only(diff: str) -> bool:
    """A mutant that only rewrites an error message (mutmut wraps string literals in XX): messages are not part
    of the contract (clients read the error code), so no conformance check may depend on one."""
    parts = [part.strip() for part in diff.split(" / ") if part.strip()]
    if len(parts) != 2 or not (parts[0].startswith("-") and parts[1].startswith("+")):
        return False
    old, new = parts[0][1:].strip(), parts[1][1:].strip()
    return "XX" in new and old == new.replace("XX", "") and ("raise " in old or "Error(" in old)


def category(diff: str) -> str:
    """Why a survivor cannot matter to a black-box run, or "" when it is a real gap.

    message: only an error message changes (clients read the error code); metadata: only the requirement id an
    error carries changes (it appears in the message text); typing: a type alias or annotation with no runtime
    effect.
    """
    if message_only(diff):
        return "message"
    parts = [part.strip() for part in diff.split(" / ") if part.strip()]
    old = parts[0][1:].strip() if parts and parts[0].startswith("-") else ""
    if old.startswith(("requirement = \"STG-", "requirement: str =")):
        return "metadata"
    if " = Literal[" in old or old.startswith(("Triple = ", "State = ", "CidPreimage = ")):
        return "typing"
    return ""


def score(mutants: Sequence[dict[str, Any]]) -> dict[str, Any]:
    counts = {status: 0 for status in STATUSES.values()}
    for m in mutants:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    tested = counts["killed"] + counts["survived"] + counts["timeout"] + counts["suspicious"]
    return {"mutants": len(mutants), **counts, "tested": tested,
            "score": round(counts["killed"] / tested, 4) if tested else None,
            "score_basis": "killed / (killed + survived + timeout + suspicious)"}


def render(data: dict[str, Any]) -> str:
    s = data["summary"]
    pct = "n/a" if s["score"] is None else f"{100 * s['score']:.1f}%"
    lines = ["# Automatic mutation sweep (mutmut) over " + data["paths"], "",
             f"Test command: the golden vectors through the stdio adapter. Mutation score **{pct}** "
             f"({s['score_basis']}); " + ", ".join(f"{k}: {s[k]}" for k in STATUSES.values())
             + f"; {s['mutants']} mutants, {data['duration_s']} s, finished: {data['finished']}.", "",
             f"Survivors no black-box run can observe: {s['unobservable_survivors']} (error messages, the requirement "
             f"ids inside them, type aliases); without them the score is {s['score_observable']}.", "",
             "## Survivors", "", "| file | line | unobservable | mutation |", "|---|---|---|---|"]
    for m in data["survivors"]:
        diff = m["diff"].replace("|", "\\|")
        lines.append(f"| {m['file']} | {m['line_number']} | {m['category']} | `{diff}` |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants.sweep", description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="reference_node/protocol/", help="what mutmut mutates (workspace paths)")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop mutmut after this long")
    parser.add_argument("--test-time-base", type=float, default=20.0,
                        help="seconds added to mutmut's per-mutant timeout (the machine is noisy)")
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (resume a stopped sweep)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "mutants")
    parser.add_argument("--report-only", action="store_true", help="only report the cache of --workspace")
    args = parser.parse_args(argv)
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="stigmem-mutmut-"))
    workspace.mkdir(parents=True, exist_ok=True)
    if args.report_only:
        code, seconds = None, 0.0
    else:
        prepare(workspace, args.paths)
        print(f"mutmut workspace: {workspace}", flush=True)
        code, seconds = run_mutmut(workspace, args.max_seconds, args.test_time_base)
    mutants = read_cache(workspace)
    survivors = [{**m, "diff": show(workspace, m["id"])} for m in mutants if m["status"] == "survived"]
    for m in survivors:
        m["category"] = category(m["diff"])
    summary = score(mutants)
    ignorable = {name: sum(1 for m in survivors if m["category"] == name) for name in ("message", "metadata", "typing")}
    tested = summary["tested"] - sum(ignorable.values())
    summary["unobservable_survivors"] = ignorable
    summary["score_observable"] = round(summary["killed"] / tested, 4) if tested else None
    data = {"kind": "mutmut-sweep", "paths": args.paths, "test_command": "stigmem-conformance vectors",
            "finished": code is not None, "mutmut_exit": code, "duration_s": round(seconds, 1),
            "summary": summary, "survivors": survivors, "workspace": str(workspace)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "mutmut.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (args.out / "mutmut.md").write_text(render(data), encoding="utf-8")
    print(json.dumps(data["summary"]))
    print(f"wrote {args.out / 'mutmut.json'} and {args.out / 'mutmut.md'}")
    return 0 if mutants else 1


if __name__ == "__main__":
    raise SystemExit(main())
