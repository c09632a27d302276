"""How many connections the node holds at once, sized so that accepting one never fails for want of a descriptor.

At start-up the soft RLIMIT_NOFILE is raised to the hard limit (STG-ROB-003). The descriptors are then split:

* ``FD_RESERVE`` (64) for the node itself: the SQLite database, its WAL and shared-memory files, stdio, the
  listening socket, the event loop's epoll descriptor, outgoing federation pulls;
* the listen backlog, because the event loop accepts a whole burst of queued connections before the protocol of
  the first one runs (and can close it): at most 2048, at least 16, else an eighth of the limit;
* the rest for client connections, at most ``DEFAULT_MAX_CONNECTIONS`` (4096) unless ``--max-connections``
  asks for more.

With a 1,024-descriptor limit that is a backlog of 128 and 832 connections; with 20,000, 2,048 and 4,096. A
``--max-connections`` above what the limit allows is lowered to it, with a warning.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

__all__ = ["DEFAULT_MAX_CONNECTIONS", "FD_RESERVE", "ConnectionPlan", "plan", "raise_fd_limit"]

FD_RESERVE = 64
DEFAULT_MAX_CONNECTIONS = 4096
MAX_BACKLOG = 2048
# RLIM_INFINITY cannot be a soft limit on Linux (it is above fs.nr_open): aim at this instead.
_INFINITE_AIM = 1 << 20


@dataclass(frozen=True)
class ConnectionPlan:
    """The descriptor limit in force, the listen backlog and the connection cap; ``note`` explains a lowering."""

    fd_limit: int
    backlog: int
    max_connections: int
    note: str = ""


def raise_fd_limit() -> int:
    """Raise the soft descriptor limit to the hard one (or as near as the kernel allows); the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    aim = _INFINITE_AIM if hard == resource.RLIM_INFINITY else hard
    if soft == resource.RLIM_INFINITY or soft >= aim:
        return aim if soft == resource.RLIM_INFINITY else soft
    for target in (aim, 1 << 16, 1 << 14, 4096):
        if soft < target <= aim:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                return target
            except (ValueError, OSError):
                continue
    return soft


def plan(fd_limit: int, requested: int | None = None) -> ConnectionPlan:
    """Split ``fd_limit`` into reserve, backlog and connections; honour ``requested`` up to what fits."""
    backlog = min(MAX_BACKLOG, max(16, fd_limit // 8))
    ceiling = max(1, fd_limit - backlog - FD_RESERVE)
    wanted = DEFAULT_MAX_CONNECTIONS if requested is None else requested
    if wanted <= ceiling:
        return ConnectionPlan(fd_limit, backlog, wanted)
    note = "" if requested is None else (
        f"--max-connections {requested} lowered to {ceiling}: the descriptor limit is {fd_limit} "
        f"({FD_RESERVE} reserved, backlog {backlog})")
    return ConnectionPlan(fd_limit, backlog, ceiling, note)
