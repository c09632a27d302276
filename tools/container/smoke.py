"""Build the reference node's image from tools/container/Containerfile and smoke-test it the way its header says to
run it (issue 14; Spec-10's deployment SHOULDs).

    python tools/container/smoke.py [--engine podman] [--base IMAGE] [--rootfs DIR] [--port 8787]

``--base`` is the image both stages start from (default ``python:3.12-slim``, which needs a registry). Where no
registry is reachable, ``--rootfs DIR`` imports a Debian root filesystem made by
``debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm DIR`` as the local base
``localhost/stigmem-base:bookworm``. The smoke test:

1. builds the image (``--network host``: the build stage installs the package's dependencies from PyPI);
2. checks the image: its user is 1000, a health check is declared, no secret-looking variable is in its config;
3. makes the first admin key with the header's own ``keys bootstrap`` command (read-only root, data volume);
4. runs the node with ``--read-only --cap-drop ALL --security-opt no-new-privileges`` on the host network, bound to
   127.0.0.1 only (the entry point's ``--host 0.0.0.0`` is overridden by a later ``--host``);
5. waits for ``GET /healthz``, runs the image's HEALTHCHECK inside the container, asserts a fact with the admin key
   and reads it back, checks that the process runs as UID 1000 and that the root filesystem refuses a write;
6. stops the container by its id and removes it, the volume and the image.

On this project's machines (a Firecracker VM: cgroups v1 and v2 mixed, no raising of resource limits, a TLS proxy
in front of PyPI) podman 4.3 needed, beside ``--rootfs``: ``--build-opt=--isolation=chroot`` with the host's CA
bundle and pip.conf mounted into the build only (``--build-opt=-v=/etc/ssl/certs/ca-certificates.crt:/etc/ssl/
certs/ca-certificates.crt:ro --build-opt=-v=/etc/pip.conf:/etc/pip.conf:ro``: build-time mounts, in no layer), and
``--run-opt=--runtime=runc --run-opt=--ulimit=nofile=20000:20000 --run-opt=--ulimit=nproc=1000:1000``.

Prints one line per step and exits 0 when every step passed, 1 at the first failure, 2 when no engine is found.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "tools" / "container" / "Containerfile"
IMAGE = "localhost/stigmem-reference-node:smoke"
LOCAL_BASE = "localhost/stigmem-base:bookworm"


class Failed(Exception):
    """A smoke step failed."""


def run(engine: str, *args: str, timeout: float = 120.0, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([engine, *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise Failed(f"{engine} {' '.join(args[:3])} ... exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
    return proc


def step(name: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        raise Failed(name)


def import_rootfs(engine: str, rootfs: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "rootfs.tar"
        with tarfile.open(archive, "w") as tar:
            for child in sorted(rootfs.iterdir()):
                tar.add(child, arcname=child.name)
        run(engine, "import", str(archive), LOCAL_BASE, timeout=600)
    return LOCAL_BASE


def get(url: str, key: str | None = None, body: dict[str, object] | None = None) -> tuple[int, object]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def smoke(engine: str, base: str, port: int, build_opts: list[str], run_opts: list[str]) -> None:
    started = time.monotonic()
    keep = ["--format", "docker"] if engine == "podman" else []  # podman's OCI format drops HEALTHCHECK
    run(engine, "build", *keep, "--network", "host", *build_opts, "--build-arg", f"BASE={base}", "-f", str(RECIPE),
        "-t", IMAGE, str(ROOT), timeout=1200)
    step("build", True, f"{time.monotonic() - started:.0f} s from {base}")
    config = json.loads(run(engine, "image", "inspect", IMAGE).stdout)[0]["Config"]
    step("runs as UID 1000", str(config.get("User", "")).split(":")[0] == "1000", repr(config.get("User")))
    history = run(engine, "image", "inspect", "--format", "{{json .Config}}", IMAGE).stdout
    step("no secret-looking variable", not any(word in env.split("=")[0].upper()
                                               for env in config.get("Env") or []
                                               for word in ("KEY", "SECRET", "TOKEN", "PASSW")), history.strip()[:200])
    volume = f"stigmem-smoke-{port}"
    hardening = [*run_opts, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
    boot = run(engine, "run", "--rm", *hardening, "-v", f"{volume}:/data", "--entrypoint", "stigmem-reference-node",
               IMAGE, "keys", "bootstrap", "--db", "/data/node.db", timeout=120)
    key = boot.stdout.strip().splitlines()[-1] if boot.stdout.strip() else ""
    step("first admin key from the header's bootstrap command", bool(key), f"{len(key)} characters")
    container = run(engine, "run", "-d", *hardening, "--network", "host", "-v", f"{volume}:/data", IMAGE,
                    "--host", "127.0.0.1", "--port", str(port)).stdout.strip()
    try:
        url = f"http://127.0.0.1:{port}"
        deadline, status = time.monotonic() + 60, 0
        while time.monotonic() < deadline:
            try:
                status, _ = get(f"{url}/healthz")
            except (OSError, ValueError):
                status = 0
            if status == 200:
                break
            time.sleep(0.5)
        step("GET /healthz", status == 200, f"{status}")
        health = run(engine, "healthcheck", "run", container, check=False) if engine == "podman" else None
        step("the image's HEALTHCHECK inside the container", health is None or health.returncode == 0,
             (health.stdout or health.stderr).strip()[:200] if health else "not run by this engine")
        fact = {"entity": "stigmem://smoke.test/agent/probe", "relation": "memory:role",
                "value": {"type": "string", "v": "container"}, "source": "stigmem://smoke.test/agent/probe",
                "confidence": 0.9, "scope": "local"}
        status, written = get(f"{url}/v1/facts", key, fact)
        step("POST /v1/facts with the admin key", status in (200, 201), f"{status}")
        fact_id = written.get("id") if isinstance(written, dict) else None
        status, read = get(f"{url}/v1/facts/{fact_id}", key)
        step("the fact reads back", status == 200 and isinstance(read, dict) and read.get("id") == fact_id, f"{status}")
        uid = run(engine, "exec", container, "python", "-c", "import os; print(os.getuid(), os.getgid())").stdout
        step("the node's process runs as 1000:1000", uid.split() == ["1000", "1000"], uid.strip())
        write = run(engine, "exec", container, "python", "-c", "open('/opt/probe', 'w')", check=False)
        step("the root filesystem refuses a write", write.returncode != 0 and "Read-only" in write.stderr,
             write.stderr.strip().splitlines()[-1][:120] if write.stderr.strip() else "the write succeeded")
    finally:
        run(engine, "stop", "-t", "5", container, check=False, timeout=60)
        run(engine, "rm", "-f", "-v", container, check=False, timeout=60)
        run(engine, "volume", "rm", "-f", volume, check=False, timeout=60)
    print(f"smoke test passed in {time.monotonic() - started:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default=None, help="podman or docker (default: whichever answers)")
    parser.add_argument("--base", default="python:3.12-slim", help="the image both stages start from")
    parser.add_argument("--rootfs", type=Path, help="import this root filesystem as the local base image")
    parser.add_argument("--port", type=int, default=8787,
                        help="loopback port of the smoke-tested node (the image's HEALTHCHECK probes 8787)")
    parser.add_argument("--keep-image", action="store_true", help="do not remove the built image")
    parser.add_argument("--build-opt", action="append", default=[], metavar="OPT",
                        help="extra option of the build command (repeatable; e.g. --build-opt=--isolation=chroot)")
    parser.add_argument("--run-opt", action="append", default=[], metavar="OPT",
                        help="extra option of every run command (repeatable; e.g. --run-opt=--runtime=runc)")
    args = parser.parse_args(argv)
    engines = [args.engine] if args.engine else ["podman", "docker"]
    engine = next((e for e in engines if shutil.which(e) and subprocess.run(
        [e, "info"], capture_output=True, timeout=60, check=False).returncode == 0), None)
    if engine is None:
        print(f"no container engine answers ({', '.join(engines)})", file=sys.stderr)
        return 2
    try:
        base = import_rootfs(engine, args.rootfs) if args.rootfs else args.base
        smoke(engine, base, args.port, args.build_opt, args.run_opt)
    except (Failed, subprocess.TimeoutExpired) as exc:
        print(f"smoke test failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep_image:
            run(engine, "rmi", "-f", IMAGE, check=False, timeout=120)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
