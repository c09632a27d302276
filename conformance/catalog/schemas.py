"""JSON Schema validators for the shipped schemas, with ``$ref`` resolved inside ``schemas/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.catalog.paths import schemas_dir


@cache
def _registry() -> Registry[Any]:
    root = schemas_dir()
    resources = []
    for path in root.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        resources.append((path.resolve().as_uri(), resource))
        if "$id" in doc:
            resources.append((doc["$id"], resource))
    return Registry().with_resources(resources)


@cache
def validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema.setdefault("$id", path.resolve().as_uri())
    return Draft202012Validator(schema, registry=_registry())


def schema_path(relative: str) -> Path:
    return schemas_dir() / relative
