"""Process figures read from ``/proc`` for nodes the suite started: peak resident memory and CPU time.

Linux only; elsewhere (or for a PID that is gone) the functions return None and the report says "n/a".
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["machine", "peak_rss_bytes", "process_cpu_seconds", "rss_bytes"]

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _status_kib(pid: int, field: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1])
    return None


def peak_rss_bytes(pid: int) -> int | None:
    """The process's peak resident set size so far (``VmHWM``), in bytes."""
    kib = _status_kib(pid, "VmHWM")
    return None if kib is None else kib * 1024


def rss_bytes(pid: int) -> int | None:
    """The process's current resident set size (``VmRSS``), in bytes."""
    kib = _status_kib(pid, "VmRSS")
    return None if kib is None else kib * 1024


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process has used (all its threads), from ``/proc/<pid>/stat``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    try:  # fields[0] is the state (field 3); utime and stime are fields 14 and 15
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (IndexError, ValueError):
        return None


def machine() -> dict[str, object]:
    """The machine's size: usable CPUs (what ``nproc`` prints), total memory, and the CPU model."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 0
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": cpus, "mem_total_bytes": mem_total, "cpu_model": model}
