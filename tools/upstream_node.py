#!/usr/bin/env python3
"""Install, start and stop the real upstream node (``stigmem-node`` 0.9.0a12 from PyPI) on 127.0.0.1.

A standalone helper for filling the implementation report: it is not part of the ``conformance`` package
and nothing imports it. It uses the standard library only, so any Python 3.11+ can run it.

    python tools/upstream_node.py install --venv DIR [--plugins]
    python tools/upstream_node.py start --venv DIR --workdir DIR --port 0 [--auth required|none] [--federation]
        [--signing-key] [--plugins] [--env STIGMEM_X=V ...]
    python tools/upstream_node.py stop --pid N

``install`` works around two packaging problems of 0.9.0a12:

- the wheel ships without its SQL migrations, so every data route answers 500 on a fresh database. The
  node's ``db.py`` looks for ``<site-packages>/../migrations``; the migrations are copied there from the
  sdist;
- ``pip install --pre`` resolves ``httpx==1.0.dev6``, which lacks ``httpx.AsyncClient``. The exact pin
  without ``--pre`` plus ``httpx<1`` avoids it.

``install --plugins`` adds the two v2.0 plugins from PyPI (``stigmem-plugin-tombstones``,
``stigmem-plugin-time-travel``, both 0.1.0). ``start --plugins`` lets the node load them: entry-point discovery on,
and, as they are unsigned, ``STIGMEM_PLUGIN_SIGNING_REQUIRED=false`` with its literal acknowledgement; each plugin
stays inert until its own gates are set (``--env STIGMEM_TOMBSTONES_ENABLED=1`` ...). ``--signing-key`` sets a fresh
``STIGMEM_NODE_PRIVATE_KEY`` (the node signs tombstones and capability tokens with it; without it
``POST /v1/tombstones`` answers 500).

``start`` runs the node in the background (new session, log in ``<workdir>/node.log``), waits for
``GET /healthz``, bootstraps an admin key when auth is required, prints one JSON line
``{"url", "pid", "admin_key", "workdir"}`` on stdout and exits, leaving the node running. Progress goes to
stderr. ``stop`` ends the node by its PID: SIGTERM, then SIGKILL after 10 s.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

PACKAGE = "stigmem-node"
VERSION = "0.9.0a12"
REQUIREMENTS = (f"{PACKAGE}=={VERSION}", "httpx<1")
PLUGINS = ("stigmem-plugin-tombstones==0.1.0", "stigmem-plugin-time-travel==0.1.0")
UNSIGNED_ACK = "i-understand-plugins-are-unsigned"  # the literal its settings demand for unsigned plugins
ADMIN_PERMISSIONS = "admin,read,write,federate,admin:federation"
HIGH_RATE_LIMIT = "1000000"  # per hour; the default burst (1000 writes) would throttle the suite
READY_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.1
STOP_GRACE_S = 10.0
COMMAND_TIMEOUT_S = 600.0
START_ATTEMPTS = 3  # --port 0 picks a port, then the node binds it: another process may win the race


class ToolError(Exception):
    """A step failed; the message says which one."""


def progress(message: str) -> None:
    print(f"upstream_node: {message}", file=sys.stderr, flush=True)


def run_command(cmd: list[str], *, timeout: float = COMMAND_TIMEOUT_S, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> str:
    """Run a command to completion; raise ToolError with its output when it fails."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{' '.join(cmd[:4])} … did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise ToolError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


# --- install -------------------------------------------------------------------------------------------

def venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def installed_versions(python: Path) -> dict[str, str]:
    out = run_command([str(python), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"])
    return {row["name"].lower(): row["version"] for row in json.loads(out)}


def migrations_target(python: Path) -> Path:
    """Where the node's db.py looks: ``Path(stigmem_node/db.py).parent.parent.parent / "migrations"``."""
    code = ("import importlib.util, pathlib; spec = importlib.util.find_spec('stigmem_node.db'); "
            "print(pathlib.Path(spec.origin).resolve().parent.parent.parent / 'migrations')")
    return Path(run_command([str(python), "-c", code]).strip())


def extract_migrations(sdist: Path, target: Path) -> int:
    """Copy ``<top>/migrations/*`` from the sdist into target (written aside, then renamed into place)."""
    staging = Path(tempfile.mkdtemp(prefix=".migrations-", dir=target.parent))
    count = 0
    try:
        with tarfile.open(sdist, "r:gz") as tar:
            for member in tar.getmembers():
                parts = PurePosixPath(member.name).parts
                # Only regular files directly under <top>/migrations/; anything else in the archive is ignored.
                if len(parts) != 3 or parts[1] != "migrations" or not member.isfile() or parts[2].startswith("."):
                    continue
                source = tar.extractfile(member)
                if source is None:
                    continue
                (staging / parts[2]).write_bytes(source.read())
                count += 1
        if not any(name.endswith(".sql") for name in os.listdir(staging)):
            raise ToolError(f"{sdist.name} has no migrations/*.sql")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return count


def cmd_install(args: argparse.Namespace) -> int:
    venv: Path = args.venv.resolve()
    python = venv_bin(venv, "python")
    clock = time.monotonic()
    if python.exists():
        progress(f"venv {venv} exists")
    else:
        progress(f"creating venv {venv} with {args.python}")
        run_command([args.python, "-m", "venv", str(venv)])

    versions = installed_versions(python)
    httpx_version = versions.get("httpx", "")
    if versions.get(PACKAGE) == VERSION and httpx_version and not httpx_version.startswith(("1.", "2.")):
        progress(f"{PACKAGE} {VERSION} and httpx {httpx_version} already installed")
    else:
        progress(f"installing {' '.join(REQUIREMENTS)}")
        run_command([str(python), "-m", "pip", "install", "--disable-pip-version-check", *REQUIREMENTS])
    if args.plugins:
        progress(f"installing {' '.join(PLUGINS)}")
        run_command([str(python), "-m", "pip", "install", "--disable-pip-version-check", *REQUIREMENTS, *PLUGINS])

    target = migrations_target(python)
    if target.is_dir() and any(p.suffix == ".sql" for p in target.iterdir()):
        progress(f"migrations already in {target}")
    else:
        sdist_dir = venv / "upstream-sdist"
        sdists = sorted(sdist_dir.glob(f"stigmem_node-{VERSION}.tar.gz")) if sdist_dir.is_dir() else []
        if not sdists:
            progress(f"downloading the {PACKAGE} {VERSION} sdist")
            run_command([str(python), "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                         "--no-binary", ":all:", f"{PACKAGE}=={VERSION}", "-d", str(sdist_dir)])
            sdists = sorted(sdist_dir.glob(f"stigmem_node-{VERSION}.tar.gz"))
        if not sdists:
            raise ToolError(f"pip download left no stigmem_node-{VERSION}.tar.gz in {sdist_dir}")
        count = extract_migrations(sdists[0], target)
        progress(f"copied {count} migration files to {target}")
    progress(f"install done in {time.monotonic() - clock:.1f} s")
    return 0


# --- start ---------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Loopback only: never route the readiness probe through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# Set by --tls-ca: the readiness probe and key check verify the node and present the client certificate.
_TLS: ssl.SSLContext | None = None


def http_status(url: str, token: str | None = None, timeout: float = 2.0) -> int | None:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    opener = _OPENER if _TLS is None else urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=_TLS))
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


def node_env(port: int, workdir: Path, auth: str, federation: bool,
             tls: tuple[Path, Path, Path] | None = None, *, plugins: bool = False, signing_key: bool = False,
             extra: dict[str, str] | None = None) -> dict[str, str]:
    # Inherited STIGMEM_* settings would silently change the node under test: drop them all.
    env = {k: v for k, v in os.environ.items() if not k.startswith("STIGMEM_")}
    env.update({
        "STIGMEM_HOST": "127.0.0.1",
        "STIGMEM_PORT": str(port),
        "STIGMEM_NODE_URL": f"{'https' if tls else 'http'}://127.0.0.1:{port}",
        "STIGMEM_DB_PATH": str(workdir / "node.db"),
        "STIGMEM_TL_LOCAL_PATH": str(workdir / "tl.jsonl"),
        "STIGMEM_AUTH_REQUIRED": "true" if auth == "required" else "false",
        "STIGMEM_PLUGIN_AUTO_DISCOVERY_ENABLED": "false",
        "STIGMEM_RATE_LIMIT_WRITE_PER_HOUR": HIGH_RATE_LIMIT,
        "STIGMEM_RATE_LIMIT_READ_PER_HOUR": HIGH_RATE_LIMIT,
    })
    if federation:
        env["STIGMEM_FEDERATION_ENABLED"] = "true"
        # Plain http is accepted for a loopback NODE_URL only; under mTLS the flag still lifts its SSRF guard for
        # loopback peers (it refuses private addresses otherwise), which every peer of a loopback run is.
        env["STIGMEM_FEDERATION_INSECURE"] = "1"
    if tls is not None:  # its mTLS transport (A20 22.1): every connection needs a client certificate
        env.update({"STIGMEM_TLS_CERT_PATH": str(tls[0]), "STIGMEM_TLS_KEY_PATH": str(tls[1]),
                    "STIGMEM_TLS_CA_BUNDLE": str(tls[2])})
    if plugins:
        env.update({"STIGMEM_PLUGIN_AUTO_DISCOVERY_ENABLED": "true", "STIGMEM_PLUGIN_SIGNING_REQUIRED": "false",
                    "STIGMEM_PLUGIN_UNSIGNED_ACK": UNSIGNED_ACK})
    if signing_key:  # base64url of a raw 32-byte Ed25519 seed, unpadded
        env["STIGMEM_NODE_PRIVATE_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    env.update(extra or {})
    return env


def env_pairs(pairs: list[str]) -> dict[str, str]:
    """``--env STIGMEM_X=V`` (repeatable); only STIGMEM_ settings, so nothing else of the environment is changed."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.startswith("STIGMEM_"):
            raise ToolError(f"--env takes STIGMEM_NAME=VALUE, got {pair!r}")
        out[name] = value
    return out


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def spawn(venv: Path, workdir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = workdir / "node.log"
    with open(log, "ab") as out:
        return subprocess.Popen([str(venv_bin(venv, "stigmem-node"))], cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    """Poll /healthz until 200; False when the process exits first. Bounded in time and in count."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / POLL_INTERVAL_S) + 1):
        if proc.poll() is not None:
            return False
        if http_status(f"{url}/healthz", timeout=1.0) == 200:
            return True
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL_S)
    raise ToolError(f"{url}/healthz did not answer 200 within {timeout:.0f} s")


def bootstrap_key(venv: Path, workdir: Path, env: dict[str, str], url: str) -> str:
    """Create the first (admin) key with the upstream CLI, against the DB the running node created."""
    key = secrets.token_hex(32)
    run_command([str(venv_bin(venv, "stigmem")), "auth", "bootstrap-key", "--key", key,
                 "--permissions", ADMIN_PERMISSIONS], cwd=workdir, env=env, timeout=60)
    # The node verifies keys against its DB on every request; confirm this one is accepted.
    status = http_status(f"{url}/v1/me", token=key, timeout=10.0)
    if status != 200:
        raise ToolError(f"bootstrapped key rejected: GET /v1/me answered {status}")
    return key


def tls_files(args: argparse.Namespace) -> tuple[Path, Path, Path] | None:
    """--tls-cert/--tls-key/--tls-ca (all or none); the node's own leaf doubles as the probe's client certificate."""
    given = (args.tls_cert, args.tls_key, args.tls_ca)
    if not any(given):
        return None
    if not all(given):
        raise ToolError("--tls-cert, --tls-key and --tls-ca go together")
    cert, key, ca = (Path(p).resolve() for p in given)
    global _TLS
    _TLS = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    _TLS.load_cert_chain(str(cert), str(key))
    return cert, key, ca


def cmd_start(args: argparse.Namespace) -> int:
    extra = env_pairs(args.env)  # refused before anything is created
    venv: Path = args.venv.resolve()
    workdir: Path = args.workdir.resolve()
    if not venv_bin(venv, "stigmem-node").exists():
        raise ToolError(f"{venv} has no stigmem-node; run the install subcommand first")
    workdir.mkdir(parents=True, exist_ok=True)
    # The node reads .env from its CWD, and bootstrap-key refuses a DB that already has keys.
    leftovers = [name for name in (".env", "node.db") if (workdir / name).exists()]
    if leftovers:
        raise ToolError(f"{workdir} is not clean (has {', '.join(leftovers)}); use an empty directory")
    tls = tls_files(args)
    scheme = "https" if tls else "http"
    clock = time.monotonic()
    for attempt in range(1, START_ATTEMPTS + 1):
        port = args.port or free_port()
        url = f"{scheme}://127.0.0.1:{port}"
        env = node_env(port, workdir, args.auth, args.federation, tls, plugins=args.plugins,
                       signing_key=args.signing_key, extra=extra)
        proc = spawn(venv, workdir, port, env)
        try:
            ready = wait_ready(proc, url, READY_TIMEOUT_S)
        except ToolError:
            stop_pid(proc.pid)
            raise
        if ready:
            break
        tail = log_tail(workdir / "node.log")
        if args.port or attempt == START_ATTEMPTS:
            raise ToolError(f"the node exited with {proc.returncode} before becoming ready; log tail:\n{tail}")
        progress(f"the node exited with {proc.returncode} on port {port}; retrying on another port")
        for name in ("node.db", "node.db-wal", "node.db-shm", "tl.jsonl"):
            (workdir / name).unlink(missing_ok=True)
    progress(f"{url} ready in {time.monotonic() - clock:.2f} s (pid {proc.pid}, auth {args.auth})")
    admin_key = None
    if args.auth == "required":
        try:
            admin_key = bootstrap_key(venv, workdir, env, url)
        except ToolError:
            stop_pid(proc.pid)
            raise
        progress(f"admin key bootstrapped ({ADMIN_PERMISSIONS})")
    print(json.dumps({"url": url, "pid": proc.pid, "admin_key": admin_key, "workdir": str(workdir)}), flush=True)
    return 0


# --- stop ----------------------------------------------------------------------------------------------

def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # not our child: its parent (or init) reaps it
        os.waitpid(pid, os.WNOHANG)


def stop_pid(pid: int, grace: float = STOP_GRACE_S) -> bool:
    """SIGTERM, wait up to grace seconds, then SIGKILL. True when it ended on SIGTERM."""
    if not alive(pid):
        return True
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for _ in range(int(grace / POLL_INTERVAL_S) + 1):
        reap(pid)
        if not alive(pid) or time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL_S)
    if not alive(pid):
        return True
    os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        reap(pid)
        if not alive(pid):
            break
        time.sleep(POLL_INTERVAL_S)
    return False


def is_upstream_node(pid: int) -> bool | None:
    """Whether the PID runs stigmem-node (None when /proc cannot tell), so a reused PID is not killed."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False if not Path("/proc/self").exists() else None
    except OSError:
        return None
    return b"stigmem-node" in cmdline


def cmd_stop(args: argparse.Namespace) -> int:
    pid: int = args.pid
    if not alive(pid):
        progress(f"pid {pid} is not running")
        return 0
    if is_upstream_node(pid) is False and not args.force:
        raise ToolError(f"pid {pid} is not a stigmem-node process; not stopping it (use --force to override)")
    clock = time.monotonic()
    graceful = stop_pid(pid)
    progress(f"pid {pid} stopped {'on SIGTERM' if graceful else 'with SIGKILL'} in {time.monotonic() - clock:.1f} s")
    return 0


# --- command line --------------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="upstream_node.py", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install", help=f"create a venv with {PACKAGE} {VERSION} and its migrations")
    install.add_argument("--venv", type=Path, required=True, help="virtual environment to create or complete")
    install.add_argument("--python", default=sys.executable, help="interpreter for a new venv (default: this one)")
    install.add_argument("--plugins", action="store_true", help="also install the tombstones and time-travel plugins")
    install.set_defaults(func=cmd_install)
    start = sub.add_parser("start", help="start a node in the background and print one JSON line")
    start.add_argument("--venv", type=Path, required=True, help="venv made by the install subcommand")
    start.add_argument("--workdir", type=Path, required=True, help="empty directory for the DB, log and CWD")
    start.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: pick a free one)")
    start.add_argument("--auth", choices=("required", "none"), default="required")
    start.add_argument("--federation", action="store_true", help="enable federation (plain http, loopback only)")
    start.add_argument("--tls-cert", help="serve mTLS with this certificate (PEM; with --tls-key and --tls-ca)")
    start.add_argument("--tls-key", help="the key of --tls-cert (PEM)")
    start.add_argument("--tls-ca", help="the CA bundle client certificates must chain to (PEM)")
    start.add_argument("--plugins", action="store_true",
                       help="load installed plugins (unsigned: signing check off with its acknowledgement)")
    start.add_argument("--signing-key", action="store_true",
                       help="set a fresh STIGMEM_NODE_PRIVATE_KEY (tombstone and capability-token signing)")
    start.add_argument("--env", action="append", default=[], metavar="STIGMEM_X=V",
                       help="extra node setting (repeatable), e.g. STIGMEM_TOMBSTONES_ENABLED=1")
    start.set_defaults(func=cmd_start)
    stop = sub.add_parser("stop", help="stop a node by PID: SIGTERM, then SIGKILL after 10 s")
    stop.add_argument("--pid", type=int, required=True)
    stop.add_argument("--force", action="store_true", help="stop the PID even if it does not look like stigmem-node")
    stop.set_defaults(func=cmd_stop)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ToolError as exc:
        print(f"upstream_node: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
