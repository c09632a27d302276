"""tools/upstream_node.py parses its command line; nothing is installed or started here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "upstream_node.py"


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=30, check=False)


def test_help_lists_every_subcommand():
    proc = run_tool("--help")
    assert proc.returncode == 0, proc.stderr
    for name in ("install", "start", "stop"):
        assert name in proc.stdout


def test_subcommand_help_shows_its_options():
    proc = run_tool("start", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--venv", "--workdir", "--port", "--auth", "--federation"):
        assert option in proc.stdout


def test_rejects_unknown_subcommand():
    proc = run_tool("launch")
    assert proc.returncode == 2
    assert "invalid choice: 'launch'" in proc.stderr


def test_rejects_missing_subcommand():
    proc = run_tool()
    assert proc.returncode == 2
    assert "required" in proc.stderr


def test_rejects_invalid_auth_mode():
    proc = run_tool("start", "--venv", "v", "--workdir", "w", "--auth", "maybe")
    assert proc.returncode == 2
    assert "invalid choice: 'maybe'" in proc.stderr


def test_start_help_shows_plugin_and_setting_options():
    proc = run_tool("start", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--plugins", "--signing-key", "--env"):
        assert option in proc.stdout


def test_rejects_env_outside_stigmem_settings(tmp_path):
    proc = run_tool("start", "--venv", str(tmp_path / "v"), "--workdir", str(tmp_path / "w"), "--env", "PATH=/x")
    assert proc.returncode == 1
    assert "--env takes STIGMEM_NAME=VALUE" in proc.stderr
    assert not (tmp_path / "w").exists()
