"""Stopping a process the suite started: by its PID, SIGTERM first, SIGKILL when it does not go within 10 s."""

from __future__ import annotations

import os
import signal
import subprocess


def terminate(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
