"""SIGTERM at any moment of a node's start stops it (the reference node's ``serve``), black box.

The node is started as the suite starts it (``python -m reference_node.cli``, port 0) and sent SIGTERM by its PID:
at once (before it listens), the moment it prints ``listening on``, and a few instants after. Each time it must
exit within ``EXIT_BOUND_S``; before the fix a signal right after the listening line was swallowed and the node
served on. A process that outlives the bound is SIGKILLed, so nothing is left running.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXIT_BOUND_S = 10.0


def _start(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "reference_node.cli", "--host", "127.0.0.1", "--port", "0",
                             "--db", str(db), "--auth", "none"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _stopped(proc: subprocess.Popen[str]) -> bool:
    try:
        proc.wait(timeout=EXIT_BOUND_S)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=EXIT_BOUND_S)
        return False


@pytest.mark.parametrize("delay_s", [None, 0.0, 0.01, 0.1, 0.5])
def test_sigterm_stops_the_node(tmp_path: Path, delay_s: float | None) -> None:
    """delay_s None: at once after spawning; otherwise that long after the listening line."""
    proc = _start(tmp_path / "node.db")
    assert proc.stdout is not None
    if delay_s is not None:
        line = proc.stdout.readline()
        assert "listening on" in line, line
        time.sleep(delay_s)
    proc.send_signal(signal.SIGTERM)
    assert _stopped(proc), f"the node ignored a SIGTERM sent {delay_s} s after listening"
    if delay_s is not None:
        assert proc.returncode == 0, proc.returncode
