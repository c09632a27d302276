"""Run the upstream project's own HTTP vector files (its ``data/conformance/v2.0/*.json`` format) against a node.

``python tools/upstream_vectors.py FILE... --target URL [--api-key K] [--json OUT]`` (prints one line a vector and
a total; asserts nothing). The files are not in this repository: fetch them from the upstream project.

A vector is ``{id, method, path, body?, expected_status | expected_status_in, expected_body_contains?,
expected_body_has_keys?, expected_body_value_in?, expected_nested?, requires_auth?}``. Upstream's own runner skips
``requires_auth`` vectors; their descriptions say what they probe ("401/403 without credentials", "without token"),
so here they are sent **without** credentials, to a node that requires auth. The others carry ``--api-key`` when
given. An assertion of a kind this runner does not read makes the vector ``unsupported``, never a pass.
Outcomes: pass, fail (with the first mismatch), unsupported. Bounded: one request a vector, 10 s each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import httpx

READ = {"id", "description", "method", "path", "body", "expected_status", "expected_status_in",
        "expected_body_contains", "expected_body_has_keys", "expected_body_value_in", "expected_nested",
        "requires_auth"}
MISSING = object()


def nested(body: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(body, dict) or part not in body:
            return MISSING
        body = body[part]
    return body


def judge(vector: dict[str, Any], status: int, body: Any) -> str | None:
    """None when the answer meets every assertion, else the first mismatch."""
    wanted = vector.get("expected_status_in") or [vector.get("expected_status")]
    if status not in wanted:
        return f"status {status}, expected {wanted}"
    obj = body if isinstance(body, dict) else {}
    for key, value in (vector.get("expected_body_contains") or {}).items():
        if obj.get(key, MISSING) != value:
            return f"{key} is {obj.get(key, '(absent)')!r}, expected {value!r}"
    for key in vector.get("expected_body_has_keys") or []:
        if key not in obj:
            return f"no key {key!r}"
    for key, allowed in (vector.get("expected_body_value_in") or {}).items():
        if obj.get(key, MISSING) not in allowed:
            return f"{key} is {obj.get(key, '(absent)')!r}, expected one of {allowed!r}"
    for dotted, value in (vector.get("expected_nested") or {}).items():
        if nested(body, dotted) != value:
            return f"{dotted} is not {value!r}"
    return None


def run(files: list[Path], target: str, api_key: str | None) -> list[dict[str, Any]]:
    rows = []
    with httpx.Client(base_url=target.rstrip("/"), timeout=10.0, trust_env=False) as client:
        for file in files:
            for vector in json.loads(file.read_text(encoding="utf-8"))["vectors"]:
                row = {"file": file.name, "id": vector["id"]}
                unread = sorted(set(vector) - READ)
                if unread:
                    rows.append(row | {"outcome": "unsupported", "why": f"assertions not read: {unread}"})
                    continue
                auth = not vector.get("requires_auth") and api_key
                headers = {"Authorization": f"Bearer {api_key}"} if auth else {}
                answer = client.request(vector["method"], vector["path"], headers=headers,
                                        json=vector.get("body"))
                try:
                    body = answer.json()
                except ValueError:
                    body = None
                why = judge(vector, answer.status_code, body)
                rows.append(row | {"outcome": "fail" if why else "pass", "status": answer.status_code,
                                   **({"why": why} if why else {})})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--target", required=True)
    parser.add_argument("--api-key")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = run(args.files, args.target, args.api_key)
    for row in rows:
        print(f"{row['outcome']:11s} {row['id']}  {row.get('why', '')}")
    counts = {k: sum(r["outcome"] == k for r in rows) for k in ("pass", "fail", "unsupported")}
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
