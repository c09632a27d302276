"""Peak memory of a reference node under clients that ask for the largest conflict page and never read it.

``python tools/slow_readers.py [--pairs 150] [--readers 10] [-- NODE FLAGS...]``: starts the node (auth none,
loopback), writes ``pairs`` contradicting pairs of 60 KB text values, opens ``readers`` sockets that each send
``GET /v1/conflicts?limit=500`` and never read, waits, and prints the node's peak RSS (VmHWM) before and after
and the size of one full answer. Every socket is closed and the node stopped by its PID.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def vm_hwm(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=150)
    p.add_argument("--readers", type=int, default=10)
    p.add_argument("node_args", nargs="*")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "reference_node.cli", "--port", "0", "--auth", "none",
                                 "--db", f"{tmp}/n.db", *args.node_args], stdout=subprocess.PIPE, text=True)
        sockets: list[socket.socket] = []
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip().split()[-1]
            host, port = url.removeprefix("http://").split(":")
            with httpx.Client(base_url=url, timeout=60) as client:
                for i in range(args.pairs):
                    for v in ("a", "b"):
                        client.post("/v1/facts", json={
                            "entity": f"stigmem://slow.test/user/u{i}", "relation": "memory:r",
                            "value": {"type": "text", "v": v * 60_000}, "source": "stigmem://slow.test/agent/w",
                            "confidence": 0.9, "scope": "local"})
                full = len(client.get("/v1/conflicts", params={"limit": "500"}).content)
            before = vm_hwm(proc.pid)
            request = f"GET /v1/conflicts?limit=500 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            for _ in range(args.readers):
                s = socket.create_connection((host, int(port)), timeout=10)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(request)
                sockets.append(s)
            time.sleep(5)
            after = vm_hwm(proc.pid)
            print(f"one answer of GET /v1/conflicts?limit=500: {full} bytes; {args.readers} readers that never "
                  f"read: peak RSS {before / 2**20:.1f} MiB before, {after / 2**20:.1f} MiB after "
                  f"(+{(after - before) / 2**20:.1f} MiB)")
        finally:
            for s in sockets:
                s.close()
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
