"""Task runner. ``nox -s tests`` is the test job; ``nox -s suite`` is the main job."""

from __future__ import annotations

import json
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "vectors", "tests", "suite"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The project's own tests (data lint, protocol unit tests, adapters, runner)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def suite(session: nox.Session) -> None:
    """The main job: every golden vector through the embedded reference core, then the HTTP suite against the
    embedded reference node."""
    session.install(".")
    session.run("stigmem-conformance", "vectors", "--report-dir", "reports/vectors", *session.posargs)
    session.run("stigmem-conformance", "run", "--report-dir", "reports/reference-node", *session.posargs)


REPORT_COLUMNS = json.loads(Path("docs/report-data/columns.json").read_text(encoding="utf-8"))


@nox.session
def report(session: nox.Session) -> None:
    """REPORT.md, its linked tables (docs/report-data/tables/), the figures (docs/report-data/plots/) and the HTML
    page (docs/report-data/report.html), all from the committed report data."""
    session.install("-e", ".[report]")
    data = "docs/report-data"
    session.run("stigmem-conformance", "report", *(f"{data}/{c}" for c in REPORT_COLUMNS),
                *(arg for name in ("notes.md", "power.md", "bench.md") for arg in ("--append", f"{data}/{name}")),
                "--plots", "--html", f"{data}/report.html", "-o", "REPORT.md", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "conformance", "reference_node", "tests", "tools", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the pure protocol core and the suite's oracle."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def stateful(session: nox.Session) -> None:
    """The long lanes of the differential state machines, core and gardens (60 examples x 40 steps each; the short
    lanes run in tests).

    ``nox -s stateful -- --hypothesis-seed=N`` replays one run; STIGMEM_TARGET / STIGMEM_ADMIN_KEY name any node.
    """
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "tests/properties/test_stateful_node.py",
                "tests/properties/test_stateful_gardens.py", "-m", "slow",
                "--hypothesis-show-statistics", *session.posargs)


@nox.session
def vectors(session: nox.Session) -> None:
    """Regenerate the vector files and fail if they differ from the committed ones."""
    session.install("-e", ".")
    session.run("python", "-m", "conformance.generate", "--check")


@nox.session
def upstream(session: nox.Session) -> None:
    """The HTTP checks against the real upstream node (stigmem-node 0.9.0a12 from PyPI), auth off and on.

    Failures are expected (the report records them), so exit code 1 counts as success here. Every node
    is stopped by its PID, whatever happens.
    """
    import json
    import shutil
    from pathlib import Path

    session.install(".")
    tool = ["python", "tools/upstream_node.py"]
    venv = Path(session.cache_dir) / "upstream-node"
    session.run(*tool, "install", "--venv", str(venv))
    tmp = Path(session.create_tmp())
    for auth in ("none", "required"):
        workdir = tmp / f"upstream-auth-{auth}"
        shutil.rmtree(workdir, ignore_errors=True)
        out = session.run(*tool, "start", "--venv", str(venv), "--workdir", str(workdir), "--port", "0",
                          "--auth", auth, silent=True)
        if not isinstance(out, str):  # --install-only: nothing was started
            return
        session.log(out.strip())
        node = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        try:
            key = ["--admin-key", node["admin_key"]] if node["admin_key"] else []
            for preset, label in (("default", "default"), ("upstream-0.9.0a12", "upstream")):
                session.run("stigmem-conformance", "run", "--target", node["url"], *key, "--preset", preset,
                            "--report-dir", f"reports/upstream-auth-{auth}-{label}", *session.posargs,
                            success_codes=[0, 1])
        finally:
            session.run(*tool, "stop", "--pid", str(node["pid"]))


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark: the reference node and the upstream node side by side, with the trivial endpoint, in one run.

    Both nodes run with auth off (upstream's auth-on mode verifies an Argon2id hash on every request, about 20 ms;
    benchmarking it would measure Argon2) and upstream with high rate limits (the launcher sets them). Each node is
    preloaded to N=10000, then the reference node to N=100000. Upstream has no batch route and asserts about 95
    facts/s, so 100k would take about 17 minutes: ``--preload-budget 300`` skips any node whose next level would take
    longer than 300 s at its measured rate, and the decision is printed and written to the report. Bounded: a
    preload stops after 300 s per node and N, a row after 2000 requests or 60 s per target; a run takes about 6
    minutes on 2 cores, most of it upstream's preload and rows. Writes ``reports/bench/bench.md`` and
    ``reports/bench/bench.json``; extra arguments go to the bench command (e.g. ``-- --client httpx``). The
    upstream node is stopped by its PID, the embedded nodes by the bench command. ``--configs`` adds the reference node
    with auth on, quotas on and 2 workers (SQLite, and Redis when redis-server is installed) at N=10000 beside a
    baseline with both off (then the baseline has quotas off); ``-- --rounds 3`` repeats every row, interleaved.
    """
    import json
    import shutil
    from pathlib import Path

    session.install(".")
    tool = ["python", "tools/upstream_node.py"]
    venv = Path(session.cache_dir) / "upstream-node"
    session.run(*tool, "install", "--venv", str(venv))
    workdir = Path(session.create_tmp()) / "upstream-bench"
    shutil.rmtree(workdir, ignore_errors=True)
    out = session.run(*tool, "start", "--venv", str(venv), "--workdir", str(workdir), "--port", "0", "--auth", "none",
                      silent=True)
    if not isinstance(out, str):  # --install-only: nothing was started
        return
    session.log(out.strip())
    node = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    try:
        session.run("python", "-m", "conformance.bench", "--embedded", "--auth", "none",
                    "--target", node["url"], "--target-name", "upstream", "--target-pid", str(node["pid"]),
                    "--n", "10000,100000", "--requests", "2000", "--concurrency", "8", "--preload-budget", "300",
                    "--configs",
                    "--json", "reports/bench/bench.json", "--markdown", "reports/bench/bench.md", *session.posargs)
    finally:
        session.run(*tool, "stop", "--pid", str(node["pid"]))


@nox.session
def mutants(session: nox.Session) -> None:
    """The semantic mutant catalogue (tests/mutants/catalogue.py): kill matrix in reports/mutants/."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tests.mutants.run", *session.posargs)


@nox.session
def mutmut(session: nox.Session) -> None:
    """The automatic sweep: mutmut over reference_node/protocol/ with the vector run as the test command, then
    every survivor against the HTTP suite (``--http-stage``).

    Bounded (default one hour each; ``nox -s mutmut -- --max-seconds 600``); results in reports/mutants/mutmut.*.
    The whole node, the HTTP checks that execute each mutated line as the test (nodes in-process, coverage per
    check): ``nox -s mutmut -- --paths reference_node/ --max-seconds 2100 --workspace DIR`` (the same command with
    the same workspace resumes; ``--report-only`` reports it); results in docs/report-data/power/sweep-node.*.
    """
    session.install("-e", ".[test]")
    session.run("python", "-m", "tests.mutants.sweep", *(session.posargs or ["--http-stage"]))


@nox.session
def fuzz(session: nox.Session) -> None:
    """The long Schemathesis run (>= 5,000 requests) against the embedded node; report in reports/fuzz/."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "tests.fuzz.openapi_fuzz", "--per-operation", "250", "--max-seconds", "1800",
                *session.posargs)


@nox.session
def crash(session: nox.Session) -> None:
    """SIGKILL the node under eight writers (>= 20 kills), then the bounded memory soak."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "-m", "slow", "-s", "tests/system/test_crash.py", *session.posargs)
