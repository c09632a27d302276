"""The container recipe (tools/container/Containerfile) against Spec-10's deployment SHOULDs.

No container engine runs on the project's machines, so the image is not built here. What can be shown without
one is shown: the recipe's final stage is read for the SHOULDs (a non-root USER, a HEALTHCHECK, the database on the
declared VOLUME, no secret-looking ENV or ARG, no database or key file copied in), and the node is run the way the
image runs it: as UID/GID 1000 through ``setpriv``, from a code tree it cannot write (a root-owned copy), with
HOME on the data directory and no bytecode writes, bootstrapped with the recipe's key command, probed with the
recipe's own HEALTHCHECK command, and asserted into. Needs root (for ``setpriv``); otherwise it skips with the
reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "tools" / "container" / "Containerfile"
UID = 1000


def _final_stage() -> list[str]:
    """The instructions after the last FROM, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", RECIPE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    last_from = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return lines[last_from:]


def _instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name):].strip() for line in stage if line.upper().startswith(name + " ")]


def test_recipe_declares_the_spec_10_shoulds() -> None:
    stage = _final_stage()
    users = _instruction(stage, "USER")
    assert users and users[-1].split(":")[0] not in ("0", "root"), f"the image runs as {users or 'root'}"
    assert _instruction(stage, "HEALTHCHECK"), "no HEALTHCHECK in the final stage"
    volumes = _instruction(stage, "VOLUME")
    entry = json.loads(_instruction(stage, "ENTRYPOINT")[-1])
    db = entry[entry.index("--db") + 1]
    assert any(db.startswith(v.rstrip("/") + "/") for v in volumes), f"the database {db} is not on a VOLUME {volumes}"
    secretish = re.compile(r"KEY|SECRET|TOKEN|PASSW", re.IGNORECASE)
    for name in ("ENV", "ARG"):
        for line in _instruction(_final_stage(), name):
            assert not secretish.search(line.split("=")[0]), f"{name} {line} looks like a secret baked into a layer"
    copied = " ".join(_instruction(RECIPE.read_text(encoding="utf-8").splitlines(), "COPY"))
    assert not re.search(r"\.db\b|\.key\b|\.pem\b", copied), f"a database or key file is copied in: {copied}"


def _as_uid(args: list[str]) -> list[str]:
    """``args`` as UID/GID 1000, keeping only the right to read any file (CAP_DAC_READ_SEARCH: the interpreter and
    its packages may live where UID 1000 could not read them; in an image they are world-readable): every write
    is checked as UID 1000's."""
    return ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups", "--inh-caps=+dac_read_search",
            "--ambient-caps=+dac_read_search", "--", *args]


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="running as UID 1000 needs root and setpriv (util-linux)")
def test_node_runs_as_the_image_runs_it(tmp_path: Path) -> None:
    code = tmp_path / "code"  # root-owned and 0755: readable, not writable, by UID 1000
    for package in ("reference_node", "conformance", "schemas", "vectors"):
        shutil.copytree(ROOT / package, code / package, ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, UID, UID)
    tmp_path.chmod(0o755)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data), "PYTHONPATH": str(code),
           "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": str(data)}
    node = [sys.executable, "-m", "reference_node.cli"]
    boot = subprocess.run(_as_uid([*node, "keys", "bootstrap", "--db", str(data / "node.db")]), cwd="/", env=env,
                          capture_output=True, text=True, timeout=60)
    assert boot.returncode == 0, boot.stderr
    key = re.search(r"\b(sk_[A-Za-z0-9_\-]+|[A-Za-z0-9_\-]{32,})\b", boot.stdout)
    assert key, f"no key in the bootstrap output: {boot.stdout!r}"
    proc = subprocess.Popen(_as_uid([*node, "serve", "--db", str(data / "node.db"), "--host", "127.0.0.1",
                                     "--port", "0"]), cwd="/", env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"listening on (http://\S+)", line)
        assert url, f"no listening line: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        base = url.group(1)
        health = json.loads(_instruction(_final_stage(), "HEALTHCHECK")[-1].split("CMD", 1)[1].strip())
        health = [sys.executable if part == "python" else part.replace("http://127.0.0.1:8787", base)
                  for part in health]
        probe = subprocess.run(_as_uid(health), cwd="/", env=env, capture_output=True, text=True, timeout=30)
        assert probe.returncode == 0, f"the recipe's HEALTHCHECK failed: {probe.stderr}"
        fact = {"entity": "stigmem://container.test/user/a", "relation": "memory:role",
                "value": {"type": "string", "v": "x"}, "source": "agent:container", "scope": "local"}
        written = httpx.post(f"{base}/v1/facts", json=fact, headers={"Authorization": f"Bearer {key.group(1)}"},
                             timeout=10)
        assert written.status_code == 201, written.text
        assert {p.name for p in data.iterdir()} <= {"node.db", "node.db-wal", "node.db-shm",
                                                 "node.db-vec", "node.db-vec-wal", "node.db-vec-shm"}
        assert not any(p.name == "__pycache__" for p in code.rglob("*")), "the node wrote into its code tree"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
