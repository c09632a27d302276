"""Talking to an adapter process over stdin/stdout (docs/adapter-protocol.md).

The adapter is started from a command line, greeted with ``hello``, asked one request at a time with a
per-call timeout, and stopped by closing stdin, then by its PID if it does not exit.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shlex
import subprocess
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.errors import AdapterDied, AdapterProtocolError, AdapterStartFailed, AdapterVersionMismatch

PROTOCOL = 1


@dataclass(frozen=True)
class Answer:
    """One response: ``kind`` is result, error or unsupported."""

    kind: str
    result: dict[str, Any] | None = None
    code: str | None = None
    message: str = ""


class StdioAdapter:
    def __init__(self, command: str, timeout: float = 10.0, validate: bool = False) -> None:
        self.command = command
        self.timeout = timeout
        self.validate = validate
        self.hello: dict[str, Any] = {}
        self._next_id = 0
        self._lines: queue.Queue[str | None] = queue.Queue()
        try:
            self._proc = subprocess.Popen(
                shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", bufsize=1,
            )
        except OSError as exc:
            raise AdapterStartFailed(f"cannot start adapter {command!r}: {exc}") from exc
        threading.Thread(target=self._pump, daemon=True).start()
        self._stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            if len(self._stderr) < 200:
                self._stderr.append(line.rstrip())

    def start(self) -> dict[str, Any]:
        try:
            answer = self.call("hello", {"protocol": PROTOCOL}, {})
        except AdapterProtocolError as exc:
            raise AdapterStartFailed(f"adapter {self.command!r} did not answer hello: {exc}") from exc
        if answer.kind != "result" or answer.result is None:
            raise AdapterStartFailed(f"adapter {self.command!r} refused hello: {answer}")
        if answer.result.get("protocol") != PROTOCOL:
            raise AdapterVersionMismatch(PROTOCOL, answer.result.get("protocol"))
        self.hello = answer.result
        return self.hello

    def call(self, op: str, payload: Mapping[str, Any], interpretations: Mapping[str, str]) -> Answer:
        self._next_id += 1
        request = {"id": self._next_id, "op": op, "input": payload, "interpretations": dict(interpretations)}
        if self.validate:
            self._check(request, "request.json")
        if self._proc.poll() is not None:
            raise AdapterDied(f"adapter exited with status {self._proc.returncode} during {op}{self._tail()}")
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise AdapterDied(f"adapter closed its stdin: {exc}{self._tail()}") from exc
        try:
            line = self._lines.get(timeout=self.timeout)
        except queue.Empty as exc:
            raise AdapterProtocolError(f"no answer to {op} within {self.timeout} s") from exc
        if line is None:
            self._settle()
            raise AdapterDied(f"adapter closed stdout while answering {op}{self._tail()}")
        try:
            message = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AdapterProtocolError(f"answer to {op} is not JSON: {line[:200]!r}") from exc
        if self.validate:
            self._check(message, "response.json")
        if not isinstance(message, dict) or message.get("id") != request["id"]:
            raise AdapterProtocolError(f"answer to request {request['id']} has id {message.get('id')!r}")
        return self._answer(message, op)

    @staticmethod
    def _answer(message: dict[str, Any], op: str) -> Answer:
        if isinstance(message.get("result"), dict):
            return Answer("result", result=message["result"])
        error = message.get("error")
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            return Answer("error", code=error["code"], message=str(error.get("message", "")))
        if "unsupported" in message:
            return Answer("unsupported", message=str(message["unsupported"]))
        raise AdapterProtocolError(f"answer to {op} has none of result, error, unsupported: {message}")

    def _check(self, message: Any, schema: str) -> None:
        errors = list(validator(schemas_dir() / "adapter" / "v1" / schema).iter_errors(message))
        if errors:
            raise AdapterProtocolError(f"{schema} violation: {errors[0].message} in {json.dumps(message)[:200]}")

    def _settle(self) -> None:
        """Give a dying adapter a moment to exit and flush its stderr, so its last words are reported."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=1)
        time.sleep(0.05)

    def _tail(self) -> str:
        useful = [line for line in self._stderr if line.strip() and not line.startswith(("Traceback", "  "))]
        return ("; stderr: " + " | ".join((useful or self._stderr)[-3:])) if self._stderr else ""

    def stop(self) -> None:
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait(timeout=5)

    def __enter__(self) -> StdioAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
