"""Console conventions, run as a user would (a subprocess): ``--format jsonl``, ``--junit-xml PATH``, ``--color`` and
``NO_COLOR`` (a real pseudo-terminal for ``auto``)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

PY = sys.executable
SGR = re.compile(r"\x1b\[[0-9;]*m")
FEW = ["--only", "cid-compute-00*"]  # 9 vectors


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([PY, "-m", "conformance.cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def environ(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    env["TERM"] = "xterm-256color"
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def in_terminal(*args: str, env: dict[str, str]) -> str:
    """stdout of the command when it is a terminal (a pty), read until the command exits."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([PY, "-m", "conformance.cli", *args], stdin=follower, stdout=follower,
                            stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the command closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(leader)
        proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


def jsonl(stdout: str) -> list[dict]:
    lines = stdout.splitlines()
    assert lines, "no output"
    return [json.loads(line) for line in lines]  # any line that is not JSON fails here


def listed_ids(*only: str) -> list[str]:
    return [line.split()[0] for line in cli("vectors", "--list", *only).stdout.splitlines()]


def test_jsonl_is_one_object_per_finished_vector_then_a_summary():
    r = cli("vectors", *FEW, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    events = jsonl(r.stdout)
    cases, last = events[:-1], events[-1]
    assert [e["event"] for e in cases] == ["case"] * len(cases) and last["event"] == "summary"
    assert [e["id"] for e in cases] == listed_ids(*FEW)
    assert all(e["kind"] == "vectors" and e["requirements"] and e["outcome"] for e in cases)
    counts = Counter(e["outcome"] for e in cases)
    assert {k: v for k, v in last["summary"].items() if v} == dict(counts)
    assert last["exit_code"] == 0 and last["reports"] == []
    assert "adapter: stigmem-reference-node" in r.stderr  # the informational lines leave stdout to the JSON


def test_jsonl_lines_carry_the_ledger_outcome(tmp_path):
    first = listed_ids(*FEW)[0]
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"expectations": {first: {"reason": "listed though it passes"}}}), encoding="utf-8")
    r = cli("vectors", *FEW, "--format", "jsonl", "--expectations", str(ledger))
    assert r.returncode == 1
    events = jsonl(r.stdout)
    mine = [e for e in events if e.get("id") == first]
    assert len(mine) == 1 and mine[0]["outcome"] == "unexpected-pass", mine
    assert events[-1]["summary"]["unexpected-pass"] == 1 and events[-1]["exit_code"] == 1


def test_junit_xml_alone_writes_only_that_file(tmp_path):
    r = cli("vectors", *FEW, "--format", "jsonl", "--junit-xml", "ci/out/results.xml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    events = jsonl(r.stdout)
    path = tmp_path / "ci" / "out" / "results.xml"
    assert events[-1]["reports"] == ["ci/out/results.xml"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == \
        ["ci/out/results.xml"]
    ran = [e["id"] for e in events[:-1] if e["outcome"] != "not-applicable"]
    cases = ET.parse(path).getroot().iter("testcase")
    assert sorted(c.get("name", "") for c in cases) == sorted(ran) and ran


def test_junit_xml_beside_report_dir_matches_its_junit(tmp_path):
    r = cli("vectors", *FEW, "-q", "--report-dir", str(tmp_path / "rep"), "--junit-xml", str(tmp_path / "j.xml"))
    assert r.returncode == 0, r.stderr
    names = [sorted(c.get("name", "") for c in ET.parse(p).getroot().iter("testcase"))
             for p in (tmp_path / "j.xml", tmp_path / "rep" / "junit.xml")]
    assert names[0] == names[1] and names[0]


def test_junit_xml_that_is_a_directory_is_a_usage_error(tmp_path):
    r = cli("vectors", *FEW, "--junit-xml", str(tmp_path))
    assert r.returncode == 2 and "is a directory" in r.stderr and not r.stdout


def test_color_always_never_and_piped_default():
    always = cli("vectors", *FEW, "--color", "always", env=environ())
    assert SGR.search(always.stdout), always.stdout
    summary = next(line for line in always.stdout.splitlines() if "passed" in line)
    assert summary.startswith("\x1b[32m") and summary.endswith("\x1b[0m"), repr(summary)  # a pass is green
    for args in (("--color", "never"), ()):  # never, and auto on a pipe
        r = cli("vectors", *FEW, *args, env=environ())
        assert r.returncode == 0 and "passed" in r.stdout and not SGR.search(r.stdout), (args, r.stdout)
    r = cli("vectors", *FEW, "--color", "always", "--format", "jsonl", env=environ())
    assert not SGR.search(r.stdout) and jsonl(r.stdout)  # JSON lines are never coloured


def test_color_auto_in_a_terminal_and_no_color():
    assert SGR.search(in_terminal("vectors", *FEW, "-q", env=environ()))
    for env, args in ((environ(NO_COLOR="1"), ()), (environ(), ("--color", "never")),
                      (environ(TERM="dumb"), ())):
        out = in_terminal("vectors", *FEW, "-q", *args, env=env)
        assert "passed" in out and not SGR.search(out), (args, out)
    # an empty NO_COLOR does not count (no-color.org), and an explicit --color always beats NO_COLOR
    assert SGR.search(in_terminal("vectors", *FEW, "-q", env=environ(NO_COLOR="")))
    assert SGR.search(in_terminal("vectors", *FEW, "-q", "--color", "always", env=environ(NO_COLOR="1")))


def test_run_jsonl_and_junit_against_the_embedded_node(tmp_path):
    checks = ["http:discovery_open", "http:bad_key_401"]
    r = cli("run", "--profile", "core-local", "--only", checks[0], "--only", checks[1], "--format", "jsonl",
            "--junit-xml", str(tmp_path / "j.xml"))
    assert r.returncode == 0, r.stderr[-2000:]
    events = jsonl(r.stdout)
    assert sorted(e["id"] for e in events if e["event"] == "case") == sorted(checks)
    assert all(e["kind"] == "http" and e["outcome"] == "pass" for e in events if e["event"] == "case")
    assert events[-1]["event"] == "summary" and events[-1]["summary"]["pass"] == 2
    assert "target: http://127.0.0.1:" in r.stderr
    names = sorted(c.get("name", "") for c in ET.parse(tmp_path / "j.xml").getroot().iter("testcase"))
    assert names == sorted(checks)


def test_list_in_jsonl():
    r = cli("run", "--list", "--profile", "core-local", "--only", "http:discovery_*", "--format", "jsonl")
    events = jsonl(r.stdout)
    assert events and all(e["event"] == "listed" and e["profile"] == "core-local" for e in events)
    assert {e["id"] for e in events} >= {"http:discovery_open", "http:discovery_fields"}
