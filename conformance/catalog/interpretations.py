"""The interpretation register (``vectors/interpretations.json``): defaults, presets, switches.

A run holds one option per entry. A vector that names options in its ``interpretations`` runs only when
every one of them is in force; the others are *not applicable* to the run, never passed or failed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from conformance.catalog.paths import vectors_dir
from conformance.errors import UsageError


@cache
def register() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((vectors_dir() / "interpretations.json").read_text(encoding="utf-8"))
    return doc


def entries() -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in register()["interpretations"]}


def preset(name: str) -> dict[str, str]:
    """The full option set of a preset: ``default`` or ``upstream-0.9.0a12``."""
    if name not in register()["presets"]:
        raise UsageError(f"unknown preset {name!r}; known: {', '.join(register()['presets'])}")
    key = "default" if name == "default" else "upstream"
    return {eid: e[key] for eid, e in entries().items()}


def resolve(preset_name: str = "default", overrides: Iterable[str] = ()) -> dict[str, str]:
    """Apply ``key=option`` overrides to a preset, refusing unknown keys and options."""
    active = preset(preset_name)
    known = entries()
    for item in overrides:
        key, sep, option = item.partition("=")
        if not sep or key not in known:
            raise UsageError(f"--interpretation {item!r}: expected KEY=OPTION with KEY one of {', '.join(known)}")
        if option not in known[key]["options"]:
            raise UsageError(f"--interpretation {item!r}: {key} options are {', '.join(known[key]['options'])}")
        active[key] = option
    return active


def applies(required: Mapping[str, str], active: Mapping[str, str]) -> bool:
    return all(active.get(key) == option for key, option in required.items())
