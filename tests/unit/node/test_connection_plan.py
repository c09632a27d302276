"""The node's descriptor budget (STG-ROB-003): 64 reserved, one listen backlog, the rest (up to 4096) connections."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from reference_node.api.connections import plan


@pytest.mark.parametrize(("fd_limit", "backlog", "connections"), [
    (1024, 128, 832),  # 1024 // 8 = 128; 1024 - 128 - 64 = 832
    (20000, 2048, 4096),  # backlog at its 2048 ceiling; 17,888 would fit, the default stops at 4096
    (4096, 512, 3520),
    (100, 16, 20),  # backlog at its floor of 16
])
def test_default_plan(fd_limit: int, backlog: int, connections: int) -> None:
    got = plan(fd_limit)
    assert (got.backlog, got.max_connections, got.note) == (backlog, connections, "")


def test_requested_cap_within_the_limit_is_kept() -> None:
    assert plan(20000, 10000).max_connections == 10000
    assert plan(1024, 100).max_connections == 100


def test_requested_cap_above_the_limit_is_lowered_with_a_note() -> None:
    got = plan(1024, 5000)
    assert got.max_connections == 832
    assert "5000" in got.note and "832" in got.note


def test_soft_limit_raised_to_hard() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip(f"the hard limit is {hard}: nothing above a soft limit of 256 to raise to")
    code = ("import resource; h = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; "
            "resource.setrlimit(resource.RLIMIT_NOFILE, (256, h)); "
            "from reference_node.api.connections import raise_fd_limit; "
            "print(raise_fd_limit(), resource.getrlimit(resource.RLIMIT_NOFILE)[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    returned, soft = map(int, out.stdout.split())
    assert returned == soft > 256
    if hard != resource.RLIM_INFINITY:
        assert soft == hard
