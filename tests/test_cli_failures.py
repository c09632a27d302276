"""Mistakes a user makes, run as the user would (a subprocess): one-line cause, documented exit code, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "cli_failures"
PY = sys.executable


def run(*args: str, shell: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = shell if shell is not None else [PY, "-m", "conformance.cli", *args]
    result = subprocess.run(cmd, shell=shell is not None, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def node_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "reference_node.cli", *args], capture_output=True, text=True, timeout=60)


def _serve(cmd: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


@pytest.fixture(scope="module")
def html_url():
    proc, port = _serve([PY, str(HERE / "html_server.py")])
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """A reference node (auth required, no federation), its admin key and a read/write key."""
    db = str(tmp_path_factory.mktemp("node") / "n.db")
    # every default quota ceiling raised, as the embedded node does: a run sends thousands of requests from one key
    proc, line = _serve([PY, "-m", "reference_node.cli", "--port", "0", "--db", db, "--quota", "all=1000000@100000"])
    url = re.search(r"http://\S+", line)
    assert url, line
    admin = node_cli("keys", "bootstrap", "--db", db).stdout.strip()
    rw = node_cli("keys", "create", "--db", db, "--permissions", "read,write",
                  "--entity-uri", "stigmem://localhost/user/rw").stdout.strip()
    yield {"url": url.group(0), "admin": admin, "rw": rw}
    proc.terminate()
    proc.wait(timeout=10)


def test_target_that_is_not_a_stigmem_node(html_url):
    r = run("run", "--target", html_url)
    assert r.returncode == 3
    assert "/.well-known/stigmem -> 404 text/html: not a stigmem node" in r.stderr


def test_refused_key_stops_the_run(node):
    r = run("run", "--target", node["url"], "--admin-key", "nope")
    assert r.returncode == 2 and "refused" in r.stderr and "FAIL" not in r.stdout


def test_auth_required_node_without_a_key(node):
    r = run("run", "--target", node["url"])
    assert r.returncode == 2 and "pass --admin-key or --api-key" in r.stderr


def test_api_key_only_skips_admin_checks(node):
    """With only --api-key (read/write), checks needing admin rights skip with the reason; none fails on a 403."""
    r = run("run", "--target", node["url"], "--api-key", node["rw"], "--profile", "core-local")
    assert r.returncode == 0, r.stdout[-3000:]
    assert "FAIL" not in r.stdout and "403" not in r.stdout
    assert re.search(r"skipped \d+: needs an admin key; this run holds only --api-key", r.stdout), r.stdout[-2000:]


def test_all_skipped_profile_is_not_checked(node):
    r = run("run", "--target", node["url"], "--admin-key", node["admin"], "--profile", "core-federation", "-q")
    assert r.returncode == 1 and "profile core-federation: not checked" in r.stdout


def test_embedded_arg_with_a_target_is_a_usage_error(node):
    r = run("run", "--target", node["url"], "--admin-key", node["admin"], "--embedded-arg=--peer-approval")
    assert r.returncode == 2 and "--embedded-arg configures the embedded reference node" in r.stderr


@pytest.mark.parametrize("extra", [["--list"], []])
def test_unknown_profile_is_a_usage_error(extra):
    r = run("run", "--profile", "nonsense", *extra)
    assert r.returncode == 2 and "unknown profile nonsense" in r.stderr


def test_missing_ledger_is_reported_before_the_run(tmp_path):
    r = run("run", "--expectations", str(tmp_path / "missing.yaml"))
    assert r.returncode == 2 and "cannot read expectations file" in r.stderr and "target:" not in r.stdout


def test_missing_recipe_is_a_usage_error(node, tmp_path):
    r = run("run", "--target", node["url"], "--admin-key", node["admin"], "--recipe", str(tmp_path / "no.toml"))
    assert r.returncode == 2 and "cannot read recipe" in r.stderr


@pytest.mark.parametrize(("adapter", "says"), [("", "--adapter is empty"), ("'python", "No closing quotation")])
def test_bad_adapter_command(adapter, says):
    r = run("vectors", "--adapter", adapter)
    assert r.returncode == 2 and says in r.stderr


@pytest.mark.parametrize(("name", "text", "says"), [("bad.yaml", "expectations:\n  a: [x\n", "not valid YAML"),
                                                     ("bad.json", '{"expectations": ', "not valid JSON")])
def test_malformed_ledger(tmp_path, name, text, says):
    (tmp_path / name).write_text(text)
    r = run("vectors", "--expectations", str(tmp_path / name))
    assert r.returncode == 2 and says in r.stderr and "vectors:" not in r.stdout


def test_report_dir_naming_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    r = run("vectors", "-q", "--report-dir", str(tmp_path / "afile"))
    assert r.returncode == 2 and "is a file" in r.stderr


def test_report_dir_unwritable():
    r = run("vectors", "-q", "--report-dir", "/proc/stigmem-report")
    assert r.returncode == 2 and "not writable" in r.stderr


def test_report_over_a_broken_report_json(tmp_path):
    (tmp_path / "col").mkdir()
    (tmp_path / "col" / "report.json").write_text("{not json")
    r = run("report", str(tmp_path / "col"), "-o", str(tmp_path / "R.md"))
    assert r.returncode == 2 and "not a readable report" in r.stderr


def test_diff_against_a_missing_path(tmp_path):
    r = run("diff", "--against", str(tmp_path / "nothing"))
    assert r.returncode == 2 and "not a vectors directory" in r.stderr


def test_output_piped_into_head():
    r = run(shell=f"{PY} -m conformance.cli vectors --list | head -1")
    assert r.returncode == 0 and r.stdout.count("\n") == 1


def test_adapter_dying_mid_run():
    r = run("vectors", "--adapter", f"{PY} {HERE / 'adapter_dies.py'}")
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "MemoryError: simulated crash" in r.stderr
    assert "ERROR [" not in r.stdout


def test_ledger_ids_matching_no_case_are_reported(tmp_path):
    (tmp_path / "l.yaml").write_text("expectations:\n  jcs-nothing-999: {reason: gone}\n")
    r = run("vectors", "-q", "--only", "jcs-*", "--expectations", str(tmp_path / "l.yaml"))
    assert "'jcs-nothing-999' matches no case" in r.stdout


def test_reference_node_help_and_version():
    helped = node_cli("--help")
    for word in ("keys bootstrap", "keys create", "backfill-cids", "port 8787", "auth required"):
        assert word in helped.stdout
    assert node_cli("--version").stdout.startswith("stigmem-reference-node ")


def test_keys_bootstrap_on_an_unopenable_database(tmp_path):
    r = node_cli("keys", "bootstrap", "--db", str(tmp_path / "no" / "dir" / "x.db"))
    assert r.returncode == 1 and "Traceback" not in r.stderr and "cannot open database" in r.stderr


def test_junit_counts_ledger_outcomes_and_summary_escapes_node_text(tmp_path):
    (tmp_path / "l.yaml").write_text("expectations:\n  jcs-canonicalize-001: {reason: listed but passes}\n")
    r = run("vectors", "-q", "--only", "jcs-canonicalize-00[12]", "--expectations", str(tmp_path / "l.yaml"),
            "--report-dir", str(tmp_path / "rep"))
    assert r.returncode == 1
    junit = (tmp_path / "rep" / "junit.xml").read_text()
    assert 'failures="1"' in junit and "<failure" in junit
    from conformance.reports import junit as junit_writer
    from conformance.reports.markdown import escape

    report = {"kind": "http", "results": [{"id": "x", "area": "a", "requirements": [], "outcome": "expected-fail",
                                           "message": "expected failure: known bug"}]}
    assert '<skipped message="expected-fail: expected failure: known bug"' in junit_writer.write(
        report, tmp_path).read_text()
    assert "<h1>" not in escape("<h1>Not Found</h1>\n# heading | cell")
    assert "\n" not in escape("a\n# b")


def test_node_and_keys_bootstrap_on_one_fresh_database_never_race(tmp_path):
    """Issue 12: the node starting and ``keys bootstrap`` on the same fresh database, at once, ten times: every
    bootstrap prints a key and every node listens (before the fix 3 of 25 tries failed with a migration error)."""
    for attempt in range(10):
        db = str(tmp_path / f"race{attempt}.db")
        node = subprocess.Popen([PY, "-m", "reference_node.cli", "--port", "0", "--db", db],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            keys = node_cli("keys", "bootstrap", "--db", db)
            assert node.stdout is not None
            line = node.stdout.readline()
            assert keys.returncode == 0 and keys.stdout.strip(), (attempt, keys.stderr)
            assert "listening on" in line, (attempt, line)
        finally:
            node.terminate()
            node.wait(timeout=10)
