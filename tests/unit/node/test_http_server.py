"""The real server: ``stigmem-reference-node --port 0`` in a subprocess, driven over loopback, stopped by PID."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import httpx
import pytest

from reference_node.cli import main

NODE = [sys.executable, "-m", "reference_node.cli"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NODE, *args], capture_output=True, text=True, timeout=30, check=False)


def first_line(process: subprocess.Popen[str], timeout: float = 20) -> str:
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline() if process.stdout else ""))
    reader.start()
    reader.join(timeout)
    if not line:
        process.kill()
        raise AssertionError("the server printed nothing")
    return line[0].strip()


def test_serve_port_zero_and_stop_on_sigterm(tmp_path):
    db = str(tmp_path / "node.db")
    bootstrap = run_cli("keys", "bootstrap", "--db", db)
    assert bootstrap.returncode == 0
    admin = bootstrap.stdout.strip()
    assert run_cli("keys", "bootstrap", "--db", db).returncode == 1
    reader = run_cli("keys", "create", "--db", db, "--permissions", "read", "--scopes", "local",
                     "--entity-uri", "user:reader")
    assert reader.returncode == 0

    process = subprocess.Popen([*NODE, "--db", db, "--host", "127.0.0.1", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = first_line(process)
        assert line.startswith("listening on http://127.0.0.1:")
        base = line.removeprefix("listening on ")
        with httpx.Client(base_url=base, trust_env=False, timeout=10) as client:
            discovery = client.get("/.well-known/stigmem").json()
            assert discovery["node_url"] == base and discovery["auth"] == "required"
            assert client.get("/v1/facts").status_code == 401
            fact = {"entity": "user:alice", "relation": "memory:role", "value": {"type": "string", "v": "CEO"},
                    "source": "agent:x", "scope": "local"}
            assert client.post("/v1/facts", json=fact, headers={"Authorization": f"Bearer {admin}"}).status_code == 201
            read = client.get("/v1/facts", headers={"Authorization": f"Bearer {reader.stdout.strip()}"})
            assert read.json()["total"] == 1
            too_big = client.post("/v1/facts", content=b"x" * (2 * 1024 * 1024),
                                  headers={"Authorization": f"Bearer {admin}"})
            assert (too_big.status_code, too_big.json()["error"]) == (413, "body_too_large")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0, process.stderr.read() if process.stderr else ""


def test_auth_none_only_on_loopback(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--port", "0", "--auth", "none"]) == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [["keys", "create", "--permissions", "fly", "--entity-uri", "user:x"],
     ["keys", "create", "--permissions", "read", "--entity-uri", "no scheme"]],
)
def test_keys_create_rejects_bad_input(tmp_path, capsys, args):
    assert main([*args[:2], "--db", str(tmp_path / "k.db"), *args[2:]]) == 1
    assert capsys.readouterr().err.startswith("error:")


def test_backfill_command(tmp_path, capsys):
    assert main(["backfill-cids", "--db", str(tmp_path / "b.db")]) == 0
    assert '"backfill_complete": true' in capsys.readouterr().out
