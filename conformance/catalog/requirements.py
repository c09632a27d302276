"""The requirement catalogue (``vectors/requirements.json``): lookup by id and by named check."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from conformance.catalog.paths import vectors_dir


@cache
def catalogue() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((vectors_dir() / "requirements.json").read_text(encoding="utf-8"))
    return doc


@cache
def by_id() -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in catalogue()["requirements"]}


@cache
def by_check() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for r in catalogue()["requirements"]:
        for name in r.get("checks", ()):
            index.setdefault(name, []).append(r["id"])
    return {name: tuple(ids) for name, ids in index.items()}
