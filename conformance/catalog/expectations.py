"""The implementer's known-failure ledger (``--expectations FILE``, YAML or JSON).

Keyed by case id (check id or vector id; shell-style globs allowed), each entry gives a ``reason`` and
optionally a ``link``. A listed case that fails is reported ``expected-fail`` and does not fail the run; a
listed case that passes is ``unexpected-pass`` and does fail the run (strict), so the ledger cannot rot.

    expectations:
      http:cid_on_assert: {reason: "CID over Python json.dumps", link: "https://example.org/issue/1"}
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.errors import UsageError
from conformance.outcomes import CaseResult


@dataclass(frozen=True)
class Expectation:
    pattern: str
    reason: str
    link: str = ""


def load(path: Path) -> list[Expectation]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read expectations file {path}: {exc}") from exc
    data: Any
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError and yaml.YAMLError (a ValueError subclass is not enough)
        raise UsageError(f"{path} is not valid {'YAML' if path.suffix in ('.yaml', '.yml') else 'JSON'}: "
                         f"{str(exc).splitlines()[0]}") from exc
    except Exception as exc:
        if type(exc).__module__.startswith("yaml"):
            raise UsageError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from exc
        raise
    entries = data.get("expectations") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise UsageError(f"{path}: expected a top-level 'expectations' mapping of case id -> {{reason, link}}")
    out = []
    for pattern, body in entries.items():
        if not isinstance(body, dict) or not isinstance(body.get("reason"), str):
            raise UsageError(f"{path}: entry {pattern!r} needs a 'reason'")
        out.append(Expectation(str(pattern), body["reason"], str(body.get("link", ""))))
    return out


def apply(results: Iterable[CaseResult], ledger: list[Expectation]) -> list[str]:
    """Rewrite outcomes of listed cases in place; returns the ledger patterns that matched no case."""
    results = list(results)
    unmatched = [e.pattern for e in ledger if not any(fnmatch.fnmatchcase(r.id, e.pattern) for r in results)]
    for r in results:
        match = next((e for e in ledger if fnmatch.fnmatchcase(r.id, e.pattern)), None)
        if match is None:
            continue
        note = f"expected failure: {match.reason}" + (f" ({match.link})" if match.link else "")
        if r.outcome in ("fail", "error"):
            r.outcome, r.message = "expected-fail", f"{note}; {r.message}"
        elif r.outcome == "pass":
            r.outcome, r.message = "unexpected-pass", f"listed as failing but passed: {match.reason}"
    return unmatched
