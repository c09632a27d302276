"""Smoke test of the Node.js example adapter (examples/adapters/node) over the stdio adapter protocol.

The test speaks docs/adapter-protocol.md directly (no suite harness): it starts the adapter, greets it
with hello, sends a few requests and checks the JSON lines that come back. It is skipped when node or
npm is not on PATH.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.nodejs_adapter

ADAPTER_DIR = Path(__file__).resolve().parent.parent / "examples" / "adapters" / "node"

# RFC 8785 section 3.2.3's sorting example, written unsorted with insignificant whitespace.
JCS_INPUT = (
    '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n'
    '  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "1": "One",\n'
    '  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n'
    '  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}'
)
JCS_OUTPUT = (
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",'
    '"\u20ac":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
)

# RFC 8032 section 7.1, TEST 1 (empty message).
RFC8032_TEST1 = {
    "public_key_hex": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "message_hex": "",
    "signature_hex": (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    ),
}


class Session:
    """One adapter process; ``call`` sends a request and returns the decoded answer line."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(ADAPTER_DIR / "adapter.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.next_id = 0
        self.hello: dict[str, Any] = {}

    def send_line(self, line: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer, f"adapter closed stdout; stderr: {self.proc.stderr.read() if self.proc.stderr else ''}"
        return json.loads(answer)

    def call(self, op: str, payload: dict[str, Any], interpretations: dict[str, str] | None = None) -> dict[str, Any]:
        self.next_id += 1
        request = {"id": self.next_id, "op": op, "input": payload, "interpretations": interpretations or {}}
        answer = self.send_line(json.dumps(request))
        assert answer.get("id") == self.next_id
        return answer

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=10)


def require_node() -> None:
    """Skip without node/npm; install the adapter's locked dependencies when they are missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the Node.js example adapter and are not on PATH")
    if not (ADAPTER_DIR / "node_modules" / "canonicalize").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=ADAPTER_DIR,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=300,
        )


@pytest.fixture(scope="module")
def adapter() -> Iterator[Session]:
    require_node()
    session = Session()
    hello = session.call("hello", {"protocol": 1})
    assert hello["result"]["protocol"] == 1, hello
    session.hello = hello["result"]
    yield session
    if session.proc.poll() is None:
        session.proc.kill()
        session.proc.wait(timeout=10)


def test_hello_lists_ops(adapter: Session) -> None:
    hello = adapter.hello
    assert hello["implementation"]["language"].startswith("JavaScript")
    assert {"jcs.canonicalize", "ed25519.verify", "cid.compute"} <= set(hello["ops"])


def test_jcs_rfc8785_sorting_example(adapter: Session) -> None:
    answer = adapter.call("jcs.canonicalize", {"input_hex": JCS_INPUT.encode().hex()})
    assert answer == {"id": adapter.next_id, "result": {"output_hex": JCS_OUTPUT.encode().hex()}}


def test_ed25519_rfc8032_test1_verifies(adapter: Session) -> None:
    assert adapter.call("ed25519.verify", RFC8032_TEST1)["result"] == {}


def test_ed25519_tampered_message_is_rejected(adapter: Session) -> None:
    answer = adapter.call("ed25519.verify", {**RFC8032_TEST1, "message_hex": "00"})
    assert answer["error"]["code"] == "signature_invalid"


def test_jcs_duplicate_key_is_an_error_not_a_crash(adapter: Session) -> None:
    answer = adapter.call("jcs.canonicalize", {"input_hex": b'{"a":1,"a":2}'.hex()})
    assert answer["error"]["code"] == "jcs_duplicate_key"
    # The process is still alive and answering.
    assert adapter.call("jcs.canonicalize", {"input_hex": b"[1.0,-0]".hex()})["result"] == {
        "output_hex": b"[1,0]".hex()
    }


def test_unknown_op_and_non_default_option_are_unsupported(adapter: Session) -> None:
    assert "unsupported" in adapter.call("no.such_op", {})
    answer = adapter.call("ed25519.verify", RFC8032_TEST1, {"ed25519_policy": "zip215"})
    assert "unsupported" in answer


def test_exits_zero_when_stdin_closes() -> None:
    require_node()
    session = Session()
    assert session.call("hello", {"protocol": 1})["result"]["protocol"] == 1
    assert session.close() == 0


def test_full_vector_set_through_the_nodejs_adapter(tmp_path: Path) -> None:
    """The independent Node.js implementation passes every default vector it supports (findings in REPORT.md)."""
    require_node()
    import sys

    proc = subprocess.run([sys.executable, "-m", "conformance", "vectors", "--quiet", "--validate-protocol",
                           "--adapter", f"node {ADAPTER_DIR / 'adapter.js'}", "--report-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads((tmp_path / "report.json").read_text())
    summary = report["summary"]
    assert summary["fail"] == 0 and summary["error"] == 0, proc.stdout
    assert summary["pass"] > 450
