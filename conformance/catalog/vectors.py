"""Loading vector files from the shipped ``vectors/`` directory, validated against ``schemas/vectors/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.catalog.paths import schemas_dir, vectors_dir
from conformance.catalog.schemas import validator
from conformance.errors import SuiteDataError

CATALOGUE_FILES = {"requirements.json", "interpretations.json"}
NODE_AREAS = {"http", "failure_modes"}  # vectors run against nodes, not through an adapter


@dataclass(frozen=True)
class Vector:
    """One golden vector, as read from its file."""

    id: str
    op: str
    file: str
    description: str
    requirements: tuple[str, ...]
    flags: tuple[str, ...]
    interpretations: dict[str, str]
    input: dict[str, Any]
    expected: dict[str, Any]
    retired: bool = False

    @property
    def area(self) -> str:
        return self.op.split(".", 1)[0]


def adapter_vectors(root: Path | None = None) -> list[Vector]:
    """The vectors an adapter answers (not the HTTP exchanges nor the multi-node failure-mode scenarios)."""
    return [v for v in load_vectors(root) if v.area not in NODE_AREAS]


def vector_paths(root: Path | None = None) -> list[Path]:
    root = root or vectors_dir()
    return sorted(p for p in root.glob("*/*.json") if p.name not in CATALOGUE_FILES)


def load_file(path: Path, validate: bool = True) -> dict[str, Any]:
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteDataError(f"cannot read vector file {path}: {exc}") from exc
    if validate:
        schema_path = schemas_dir() / doc.get("schema", "")
        if not schema_path.is_file():
            raise SuiteDataError(f"{path}: schema {doc.get('schema')!r} not found under schemas/")
        errors = sorted(validator(schema_path).iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path)
            raise SuiteDataError(f"{path}: {len(errors)} schema error(s); first at /{where}: {first.message}")
    return doc


def load_vectors(root: Path | None = None, validate: bool = True, area: str | None = None) -> list[Vector]:
    """Every vector file's vectors (``area``: only the files of that directory), schema-validated unless not."""
    vectors: list[Vector] = []
    for path in vector_paths(root):
        if area is not None and path.parent.name != area:
            continue
        doc = load_file(path, validate)
        rel = f"{path.parent.name}/{path.name}"
        for v in doc["vectors"]:
            vectors.append(Vector(
                id=v["id"], op=doc["op"], file=rel, description=v["description"],
                requirements=tuple(v["requirements"]), flags=tuple(v.get("flags", ())),
                interpretations=dict(v.get("interpretations", {})), input=v["input"], expected=v["expected"],
                retired=bool(v.get("retired", False)),
            ))
    return vectors
