"""The composite GitHub Action (action.yml): its inputs are options of ``stigmem-conformance run`` (taken from the
command's own parser), and its steps, run here under bash with a stand-in command, pass every input on, write the
job summary from summary.md and upload the report directory."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import _parser

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INPUTS: dict[str, Any] = ACTION["inputs"]
# inputs that configure the action itself rather than name one option of `run`
ACTION_ONLY = {"python-version", "artifact-name", "args"}
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash")


def run_parser() -> argparse.ArgumentParser:
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["run"]


def option_for(name: str) -> argparse.Action:
    """The `run` option an input maps onto: --NAME, or --NAME without its plural s for a list input."""
    actions = {s: a for a in run_parser()._actions for s in a.option_strings}
    for flag in (f"--{name}", f"--{name.removesuffix('s')}"):
        if flag in actions:
            return actions[flag]
    raise AssertionError(f"input {name!r} is no option of stigmem-conformance run")


def steps() -> list[dict[str, Any]]:
    assert ACTION["runs"]["using"] == "composite"
    return list(ACTION["runs"]["steps"])


def step(name: str) -> dict[str, Any]:
    return next(s for s in steps() if s.get("name") == name)


def evaluate(text: str, inputs: dict[str, str]) -> str:
    """Expand the ``${{ inputs.X }}`` and ``${{ github.action_path }}`` expressions the way the runner would."""
    def one(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref == "github.action_path":
            return str(ROOT)
        assert ref.startswith("inputs.") and ref[7:] in INPUTS, f"unknown expression {ref}"
        return inputs.get(ref[7:], INPUTS[ref[7:]].get("default", ""))
    return EXPRESSION.sub(one, text)


def run_step(name: str, inputs: dict[str, str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    s = step(name)
    assert s["shell"] == "bash"
    script = s["run"]
    assert not EXPRESSION.search(script), f"step {name!r} pastes an expression into its script (use env:)"
    variables = {key: evaluate(str(value), inputs) for key, value in s.get("env", {}).items()}
    full_env = {"PATH": env.pop("PATH"), **variables, **env}
    # the runner's own invocation of a bash step
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=60)


def argv_of_run_step(inputs: dict[str, str], tmp_path: Path) -> list[str]:
    """The words the run step hands to stigmem-conformance, caught by a stand-in on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    stand_in = bin_dir / "stigmem-conformance"
    stand_in.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                        "open(os.environ['ARGV_OUT'], 'w').write(json.dumps(sys.argv[1:]))\n", encoding="utf-8")
    stand_in.chmod(0o755)
    python_dir = Path(sys.executable).parent
    out = tmp_path / "argv.json"
    result = run_step("Run stigmem-conformance", inputs, tmp_path,
                      {"PATH": f"{bin_dir}:{python_dir}:/usr/bin:/bin", "ARGV_OUT": str(out)})
    assert result.returncode == 0, result.stderr
    return list(json.loads(out.read_text(encoding="utf-8")))


def test_every_input_is_a_run_option_or_declared_action_only():
    assert {"target", "admin-key", "profiles", "expectations", "report-dir"} <= set(INPUTS)
    assert set(INPUTS) >= ACTION_ONLY
    for name in set(INPUTS) - ACTION_ONLY:
        option_for(name)  # raises for an input the CLI does not know
        assert INPUTS[name]["description"].strip()


def test_run_step_passes_every_input(tmp_path):
    values = {"target": "http://127.0.0.1:8765", "admin-key": "adm secret", "api-key": "rw-key",
              "profiles": "core-local, hardening quarantine", "expectations": "ledger file.yaml",
              "report-dir": "out/reports", "args": "--preset upstream-0.9.0a12 --only 'http:a b' -q"}
    assert set(values) == set(INPUTS) - {"python-version", "artifact-name"}, "give every passed input a value"
    argv = argv_of_run_step(values, tmp_path)
    assert argv[0] == "run"
    args = run_parser().parse_args(argv[1:])
    for name in set(INPUTS) - ACTION_ONLY:
        action = option_for(name)
        got = getattr(args, action.dest)
        if name == "profiles":
            assert got == ["core-local", "hardening", "quarantine"]
        else:
            assert got is not None and str(got) == values[name], (name, got)
    assert args.preset == "upstream-0.9.0a12" and args.only == ["http:a b"] and args.quiet


def test_run_step_refuses_args_it_cannot_split(tmp_path):
    with pytest.raises(AssertionError, match="No closing quotation"):
        argv_of_run_step({"args": "--only 'unbalanced"}, tmp_path)
    assert not (tmp_path / "argv.json").exists()


def test_run_step_with_defaults_only(tmp_path):
    argv = argv_of_run_step({}, tmp_path)
    args = run_parser().parse_args(argv[1:])
    assert str(args.report_dir) == INPUTS["report-dir"]["default"]
    assert args.target is None and args.admin_key is None and args.profile == [] and args.expectations is None


def test_summary_step_writes_summary_md(tmp_path):
    reports = tmp_path / "conformance-reports"
    reports.mkdir()
    (reports / "summary.md").write_text("## stigmem-conformance http: PASS\n", encoding="utf-8")
    summary = tmp_path / "step-summary.md"
    result = run_step("Job summary", {}, tmp_path, {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    assert summary.read_text(encoding="utf-8") == "## stigmem-conformance http: PASS\n"
    (reports / "summary.md").unlink()
    result = run_step("Job summary", {}, tmp_path, {"PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0 and "wrote no conformance-reports/summary.md" in summary.read_text(encoding="utf-8")
    assert step("Job summary").get("if") == "always()"


def test_installs_from_the_action_checkout_and_uploads_the_report_dir():
    install = step("Install stigmem-conformance")
    assert "${{ github.action_path }}" in install["env"].values() and "pip install" in install["run"]
    setup = next(s for s in steps() if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    upload = next(s for s in steps() if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload.get("if") == "always()"
    assert upload["with"]["path"] == "${{ inputs.report-dir }}"
    assert upload["with"]["name"] == "${{ inputs.artifact-name }}"


def test_readme_ci_section_uses_the_action():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In CI", 1)[1].split("\n### ", 1)[0]
    assert "git+https://" not in section and "pip install" not in section
    job = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    used = [s for s in job["conformance"]["steps"]
            if str(s.get("uses", "")).split("@")[0].endswith("/stigmem-conformance")]
    assert len(used) == 1, job
    assert {"target", "admin-key", "report-dir"} <= set(used[0]["with"]) <= set(INPUTS)
