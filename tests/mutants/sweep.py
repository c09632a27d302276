"""Automatic mutation sweep (mutation testing, step 2): mutmut over ``reference_node/protocol/``, the vectors as tests.

    python -m tests.mutants.sweep [--paths reference_node/protocol/] [--max-seconds 3600] [--out reports/mutants]
    python -m tests.mutants.sweep --paths reference_node/ [--max-seconds 2100] [--workspace DIR]   # whole node

Any ``--paths`` outside ``reference_node/protocol/`` is the whole-node sweep (``tests/mutants/node_sweep.py``: the
HTTP checks that execute the mutated line, nodes in-process, results in ``docs/report-data/power/sweep-node.*``).

mutmut 2 only needs an exit code from its test command, so the "tests" are the black-box vector run, stopping at
the first failure (``tests/mutants/quick_vectors.py``: the suite's loader, judge and adapter harness, one ``python -m
reference_node.adapter`` process; both presets, then the vectors neither preset reaches under their own readings).
The sweep never touches the checkout: it copies ``reference_node/``, ``vectors/`` and ``schemas/openapi.json`` into
a workspace, where mutmut rewrites files in place, and the adapter imports that copy (workspace first on
``PYTHONPATH`` and as the working directory). The run is bounded: after ``--max-seconds`` mutmut's process group is
stopped by its id and the partial results are reported (untested mutants are counted as such). ``--workspace DIR``
reuses a workspace, so a stopped sweep resumes where it stopped.

After vectors are added, ``--rerun-survivors --workspace DIR`` runs only the survivors again (vectors are
append-only, so killed mutants stay killed). ``--http-stage`` then runs each survivor that is not a message or type
change against the HTTP suite (the embedded node built from the mutated copy); ``--http-from`` reuses the verdicts
of an earlier HTTP stage over the same mutants.

Writes ``mutmut.json`` and ``mutmut.md``: counts per status, the score killed / (killed + survived + timeout +
suspicious), and every survivor as a one-line diff.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tokenize
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.mutants.run import child_env, reap_group, run_runner, stop_group

ROOT = Path(__file__).resolve().parents[2]
FEDERATION_MODULES = {"peering", "replay", "replication"}
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
        shutil.copytree(ROOT / "vectors", workspace / "vectors")
        # The HTTP stage restores each mutated file from here (mutmut's own copy may be mid-mutation).
        shutil.copytree(workspace / "reference_node", workspace / "pristine" / "reference_node")
    # Both readings (the upstream preset makes the vectors of non-default options applicable), one adapter
    # process, stopping at the first failure: tests/mutants/quick_vectors.py, run by path so that the workspace's
    # empty tests/ directory does not shadow it.
    script = shlex.quote(str(Path(__file__).with_name("quick_vectors.py")))
    runner = f"{shlex.quote(sys.executable)} {script} --vectors {shlex.quote(str(workspace / 'vectors'))}"
    (workspace / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        f"paths_to_mutate = {json.dumps(paths)}\n"
        f"runner = {json.dumps(runner)}\n"
        'tests_dir = "tests/"\n',
        encoding="utf-8",
    )


def run_mutmut(workspace: Path, max_seconds: float, test_time_base: float) -> tuple[int | None, float]:
    cmd = [sys.executable, "-m", "mutmut", "run", "--no-progress", "--simple-output",
           "--test-time-base", str(test_time_base)]
    started = time.monotonic()
    log = (workspace / "mutmut.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=workspace, env=child_env(workspace), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    (workspace / "mutmut.pid").write_text(str(proc.pid), encoding="utf-8")
    try:
        code: int | None = proc.wait(timeout=max_seconds)
    except subprocess.TimeoutExpired:
        stop_group(proc)
        code = None
    finally:
        log.close()
        reap_group(proc.pid)  # an adapter left behind in the group
        (workspace / "mutmut.pid").unlink(missing_ok=True)
    return code, time.monotonic() - started


def rerun_survivors(workspace: Path, max_seconds: float) -> int:
    """Vectors grow append-only, so a killed mutant stays killed: refresh the workspace's copy of vectors/ from the
    checkout and run only the survivors again (``mutmut run ID``). Returns how many were run."""
    shutil.rmtree(workspace / "vectors", ignore_errors=True)
    shutil.copytree(ROOT / "vectors", workspace / "vectors")
    env = child_env(workspace)
    started, ran = time.monotonic(), 0
    survivors = [m["id"] for m in read_cache(workspace) if m["status"] == "survived"]
    (workspace / "mutmut.pid").write_text(str(os.getpid()), encoding="utf-8")
    try:
        for mutant_id in survivors:
            if time.monotonic() - started > max_seconds:
                break
            subprocess.run([sys.executable, "-m", "mutmut", "run", str(mutant_id), "--no-progress", "--simple-output"],
                           cwd=workspace, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, timeout=600, check=False)
            ran += 1
    finally:
        (workspace / "mutmut.pid").unlink(missing_ok=True)
    return ran


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
    return " / ".join(line.strip() for line in lines)


def _tokens(line: str) -> list[tuple[int, str]] | None:
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return [(tok.type, tok.string) for tok in toks if tok.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)]


def _sides(diff: str) -> tuple[str, str] | None:
    parts = [part.strip() for part in diff.split(" / ") if part.strip()]
    if len(parts) != 2 or not (parts[0].startswith("-") and parts[1].startswith("+")):
        return None
    return parts[0][1:].strip(), parts[1][1:].strip()


# Calls whose given argument is a human-readable detail (replication._reject(reason, detail, ...)).
DETAIL_ARGUMENT = {"_reject": 1}
# Functions that return a human-readable reason (None when all is well): peering.shape_problem.
REASON_FUNCTIONS = {"shape_problem"}


def _error_classes() -> frozenset[str]:
    """The names of reference_node/protocol/errors.py's classes and of their subclasses in the other protocol
    modules (their first two arguments are message and id; ManifestError's own order is in MESSAGE_ARGUMENTS)."""
    protocol = ROOT / "reference_node" / "protocol"
    found = {node.name for node in ast.parse((protocol / "errors.py").read_text(encoding="utf-8")).body
             if isinstance(node, ast.ClassDef)}
    classes = [node for path in sorted(protocol.glob("*.py")) for node in ast.parse(path.read_text("utf-8")).body
               if isinstance(node, ast.ClassDef)]
    while grown := {c.name for c in classes if c.name not in found
                    and any((b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")) in found for b in c.bases)}:
        found |= grown
    return frozenset(found)


ERROR_CLASSES = _error_classes()


# Where the human-readable text sits in the errors the node raises, by callee (argument indexes); an error code, a
# parameter name or a reason in any other argument is part of the response. protocol/errors.py's classes take
# (message, requirement id); a callee not listed here is never excused.
MESSAGE_ARGUMENTS: dict[str, frozenset[int]] = {
    **{name: frozenset({0, 1}) for name in ERROR_CLASSES},
    "ApiError": frozenset({1}), "StoreError": frozenset({1}), "Refused": frozenset({1}),
    "ManifestError": frozenset({1, 2}), "_failed": frozenset({2}),
    **{name: frozenset({0}) for name in ("ValueError", "TypeError", "RuntimeError", "ArgumentTypeError",
                                         "PullError", "EmbedError", "MigrationError")},
}


def _raised_message(tokens: list[tuple[int, str]], changed: list[int]) -> bool:
    """Whether every changed token of a ``raise`` line is in the message argument of the error it raises.

    ``_bad`` builds an ApiError: ``_bad(detail)`` in api/capability_tokens.py, ``_bad(name, why)`` elsewhere,
    where the name is the body's ``parameter``."""
    names = [s for _, s in tokens]
    callee = next((names[i] for i in range(1, len(names) - 1) if names[i + 1] == "("), "")
    allowed = MESSAGE_ARGUMENTS.get(callee)
    if callee == "_bad":
        arguments = {_argument_index(tokens, callee, i) for i in range(len(tokens))} - {None}
        allowed = frozenset({max(arguments)}) if arguments else None
    return allowed is not None and all(_argument_index(tokens, callee, i) in allowed for i in changed)


def _changed(old: str, new: str) -> list[int] | None:
    """Indexes of the tokens that differ, or None when the lines do not tokenize to the same length."""
    a, b = _tokens(old), _tokens(new)
    if a is None or b is None or len(a) != len(b):
        return None
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def _argument_index(tokens: list[tuple[int, str]], callee: str, at: int) -> int | None:
    """Which argument of the first call to ``callee`` token ``at`` lies in (depth one), or None."""
    names = [s for _, s in tokens]
    if callee not in names or names.index(callee) + 1 >= len(names) or names[names.index(callee) + 1] != "(":
        return None
    start, depth, arg = names.index(callee) + 1, 0, 0
    for i in range(start, len(tokens)):
        s = names[i]
        if s in "([{":
            depth += 1
        elif s in ")]}":
            depth -= 1
            if depth == 0:
                return None
        elif s == "," and depth == 1:
            arg += 1
        if i == at:
            return arg if depth == 1 else None
    return None


def message_only(diff: str, function: str = "") -> bool:
    """A mutant that only changes human-readable text: a string literal or f-string (one token in Python 3.11)
    inside a ``raise`` line or in the arguments of an error built to be raised later (the message or the
    requirement id it carries), the detail argument of a rejection,
    or the reason a REASON_FUNCTIONS function returns. Messages are not part of the contract (clients read the
    error code), so no conformance check may depend on one."""
    sides = _sides(diff)
    if sides is None:
        return False
    old, new = sides
    changed = _changed(old, new)
    tokens = _tokens(old)
    if not changed or tokens is None or not all(tokens[i][0] == tokenize.STRING for i in changed):
        return False
    if old.startswith("raise "):
        return _raised_message(tokens, changed)
    errors = [name for _, name in tokens if name in ERROR_CLASSES]  # an error built here and raised later
    if errors and all(_argument_index(tokens, errors[0], i) in (0, 1) for i in changed):
        return True
    if function in REASON_FUNCTIONS and old.startswith("return ") and len(tokens) == 2:
        return True
    return any(all(_argument_index(tokens, callee, i) == arg for i in changed)
               for callee, arg in DETAIL_ARGUMENT.items())


def category(diff: str, function: str = "") -> str:
    """Why a survivor cannot matter to a black-box run, or "" when it is a real gap.

    message: only human-readable text changes (see ``message_only``); metadata: only the requirement id an error
    class carries changes (it appears in the message text); typing: a type alias or annotation with no runtime
    effect.
    """
    if message_only(diff, function):
        return "message"
    sides = _sides(diff)
    old = sides[0] if sides else ""
    if old.startswith(("requirement = \"STG-", "requirement: str =")):
        return "metadata"
    if " = Literal[" in old or old.startswith(("Triple = ", "State = ", "CidPreimage = ")):
        return "typing"
    if sides and _annotation_only(*sides):
        return "typing"
    return ""


_ANNOTATED = re.compile(r"^(\w+): (.+?)(?: = (.+))?$")


def _annotation_only(old: str, new: str) -> bool:
    """An annotated name whose annotation alone changed (``x: A | None = v`` to ``x: A & None = v``): every module
    of the node has ``from __future__ import annotations``, so no annotation is ever evaluated."""
    a, b = _ANNOTATED.match(old), _ANNOTATED.match(new)
    return bool(a and b and a.group(1) == b.group(1) and a.group(3) == b.group(3) and a.group(2) != b.group(2))


def enclosing_function(path: Path, line_number: int) -> str:
    """The name of the innermost function around ``line_number`` (1-based) in ``path``, or ""."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return ""
    around = [(node.end_lineno - node.lineno, node.name) for node in ast.walk(tree)
              if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None
              and node.lineno <= line_number <= node.end_lineno]
    return min(around)[1] if around else ""


def http_profile(file: str) -> str:
    """The HTTP profile that exercises a protocol module: the federation rules need core-federation."""
    return "core-federation" if Path(file).stem in FEDERATION_MODULES else "core-local"


def http_stage(workspace: Path, survivors: list[dict[str, Any]], max_seconds: float) -> None:
    """Stage two: every survivor of the vector run against the HTTP suite, one at a time.

    ``mutmut apply`` writes the mutant into the workspace, ``tests/mutants/run.py``'s runner starts the embedded
    node from that copy and runs the module's profile, and the file is restored from the pristine snapshot. Sets
    ``http`` on each survivor: killed, survived, start-failed, error, timeout, or untested (time ran out).
    """
    started = time.monotonic()
    for i, m in enumerate(survivors, 1):
        if m["category"] or time.monotonic() - started > max_seconds:
            m["http"] = "not-run" if m["category"] else "untested"
            continue
        target = workspace / m["file"]
        try:
            subprocess.run([sys.executable, "-m", "mutmut", "apply", str(m["id"])], cwd=workspace, check=True,
                           capture_output=True, timeout=120)
            result = run_runner("run", workspace, profile=http_profile(m["file"]))
        finally:
            shutil.copy2(workspace / "pristine" / m["file"], target)
        m["http"], m["http_killed_by"] = result.verdict, result.failing[:5]
        print(f"[{i}/{len(survivors)}] {result.verdict:<12} {m['file']}:{m['line_number']} "
              f"{', '.join(result.failing[:3])}", flush=True)


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
             + f"; {s['mutants']} mutants; " + (f"{data['duration_s']} s, finished: {data['finished']}."
                                                   if data["duration_s"] else "reported from the workspace's cache."),
             "",
             f"Survivors no black-box run can observe: {s['unobservable_survivors']} (error messages, the requirement "
             f"ids inside them, type aliases); without them the score is {s['score_observable']}.", "",
             ]
    if "killed_by_http_stage" in s:
        lines += [f"HTTP stage (each observable survivor against the embedded node, `conformance run` with the "
                  f"module's profile): {s['killed_by_http_stage']} more killed. Score with it "
                  f"**{100 * s['score_with_http']:.1f}%**; without the unobservable survivors "
                  f"{100 * s['score_observable_with_http']:.1f}%.", ""]
    lines += ["## Survivors", "", "| file | line | unobservable | HTTP stage | mutation |", "|---|---|---|---|---|"]
    for m in data["survivors"]:
        diff = m["diff"][:300].replace("|", "\\|")
        http = m.get("http", "")
        if m.get("http_killed_by"):
            http += " (" + ", ".join(f"`{c}`" for c in m["http_killed_by"][:2]) + ")"
        lines.append(f"| {m['file']} | {m['line_number']} | {m['category']} | {http} | `{diff}` |")
    return "\n".join(lines) + "\n"


def _whole_node(argv: Sequence[str]) -> bool:
    """True when ``--paths`` names anything outside protocol/ (the whole-node sweep's job)."""
    words = list(argv)
    paths = next((w.split("=", 1)[1] for w in words if w.startswith("--paths=")), None)
    if "--paths" in words and words.index("--paths") + 1 < len(words):
        paths = words[words.index("--paths") + 1]
    return paths is not None and any(not p.strip().startswith("reference_node/protocol")
                                     for p in paths.split(",") if p.strip())


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if _whole_node(words):
        from tests.mutants import node_sweep

        return node_sweep.main(words)
    parser = argparse.ArgumentParser(prog="python -m tests.mutants.sweep", description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="reference_node/protocol/", help="what mutmut mutates (workspace paths)")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="stop mutmut after this long")
    parser.add_argument("--test-time-base", type=float, default=20.0,
                        help="seconds added to mutmut's per-mutant timeout (the machine is noisy)")
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (resume a stopped sweep)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "mutants")
    parser.add_argument("--report-only", action="store_true", help="only report the cache of --workspace")
    parser.add_argument("--http-stage", action="store_true",
                        help="then run each observable survivor against the HTTP suite (embedded node)")
    parser.add_argument("--http-max-seconds", type=float, default=3600.0, help="time limit of the HTTP stage")
    parser.add_argument("--rerun-survivors", action="store_true",
                        help="refresh the workspace's vectors from the checkout and run only the survivors again")
    parser.add_argument("--http-from", type=Path, metavar="MUTMUT_JSON",
                        help="take HTTP-stage verdicts from an earlier report of the same mutants instead of rerunning")
    args = parser.parse_args(argv)
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="stigmem-mutmut-"))
    workspace.mkdir(parents=True, exist_ok=True)
    running = workspace / "mutmut.pid"
    if running.is_file() and Path(f"/proc/{running.read_text().strip()}").exists():
        # mutmut show rewrites the cache's line table; next to a running mutmut that crashes the run.
        print(f"a sweep is running in {workspace} (pid {running.read_text().strip()}); report when it ends",
              file=sys.stderr)
        return 2
    if args.rerun_survivors:
        started = time.monotonic()
        print(f"reran {rerun_survivors(workspace, args.max_seconds)} survivors", flush=True)
        code, seconds = 0, time.monotonic() - started
    elif args.report_only:
        code, seconds = None, 0.0
    else:
        prepare(workspace, args.paths)
        print(f"mutmut workspace: {workspace}", flush=True)
        code, seconds = run_mutmut(workspace, args.max_seconds, args.test_time_base)
    mutants = read_cache(workspace)
    survivors = [{**m, "diff": show(workspace, m["id"])} for m in mutants if m["status"] == "survived"]
    for m in survivors:
        pristine = workspace / "pristine" / m["file"]
        m["function"] = enclosing_function(pristine if pristine.is_file() else ROOT / m["file"], m["line_number"])
        m["category"] = category(m["diff"], m["function"])
    summary = score(mutants)
    ignorable = {name: sum(1 for m in survivors if m["category"] == name) for name in ("message", "metadata", "typing")}
    tested = summary["tested"] - sum(ignorable.values())
    summary["unobservable_survivors"] = ignorable
    summary["score_observable"] = round(summary["killed"] / tested, 4) if tested else None
    if args.http_from:
        earlier = {m["id"]: m for m in json.loads(args.http_from.read_text(encoding="utf-8"))["survivors"]}
        for m in survivors:
            m["http"] = earlier.get(m["id"], {}).get("http", "not-run" if m["category"] else "untested")
            m["http_killed_by"] = earlier.get(m["id"], {}).get("http_killed_by", [])
    elif args.http_stage:
        http_stage(workspace, survivors, args.http_max_seconds)
    if args.http_from or args.http_stage:
        by_http = sum(1 for m in survivors if m.get("http") == "killed")
        summary["killed_by_http_stage"] = by_http
        summary["score_with_http"] = round((summary["killed"] + by_http) / summary["tested"], 4) \
            if summary["tested"] else None
        summary["score_observable_with_http"] = round((summary["killed"] + by_http) / tested, 4) if tested else None
    data = {"kind": "mutmut-sweep", "paths": args.paths,
            "test_command": "tests/mutants/quick_vectors.py (the vectors under both presets and their own readings)",
            "finished": code is not None, "mutmut_exit": code, "duration_s": round(seconds, 1),
            "summary": summary, "survivors": survivors}  # no machine paths: the workspace is printed below
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "mutmut.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (args.out / "mutmut.md").write_text(render(data), encoding="utf-8")
    print(json.dumps(data["summary"]))
    print(f"wrote {args.out / 'mutmut.json'} and {args.out / 'mutmut.md'} (workspace {workspace})")
    return 0 if mutants else 1


if __name__ == "__main__":
    raise SystemExit(main())
