"""``report.json``: one run, machine-readable, validated against ``schemas/report.schema.json``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.catalog.paths import schemas_dir
from conformance.catalog.schemas import validator
from conformance.catalog.vectors import vector_paths
from conformance.errors import SuiteDataError
from conformance.outcomes import CaseResult, by_area, summarize

SPEC_VERSION = "stigmem 0.9.0a (component specs 0.1.0-alpha.0; upstream 77989cc)"


def vector_set_version() -> str:
    """A digest of every shipped vector file, so a report names the exact data it ran."""
    digest = hashlib.sha256()
    for path in vector_paths():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def build(kind: str, target: Mapping[str, Any], interpretations: Mapping[str, str], preset: str,
          started_at: str, duration_s: float, results: list[CaseResult]) -> dict[str, Any]:
    return {
        "report_version": 1,
        "kind": kind,
        "suite_version": __version__,
        "vector_set_version": vector_set_version(),
        "spec_version": SPEC_VERSION,
        "target": dict(target),
        "preset": preset,
        "interpretations": dict(interpretations),
        "started_at": started_at,
        "duration_s": round(duration_s, 3),
        "summary": summarize(results),
        "areas": by_area(results),
        "results": [r.as_dict() for r in results],
    }


def write(report: Mapping[str, Any], directory: Path) -> Path:
    errors = list(validator(schemas_dir() / "report.schema.json").iter_errors(report))
    if errors:
        raise SuiteDataError(f"report does not match report.schema.json: {errors[0].message}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "report.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
