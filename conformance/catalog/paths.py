"""Where the shipped data lives.

An installed wheel carries ``vectors/`` and ``schemas/`` under ``conformance/_data/``; a source checkout
(editable install) has them at the repository root. Nothing is ever loaded relative to the working directory.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from conformance.errors import SuiteDataError


def data_dir(name: str) -> Path:
    """Return the directory of shipped data ``name`` ("vectors" or "schemas")."""
    packaged = Path(str(resources.files("conformance"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise SuiteDataError(f"cannot find the suite's {name}/ directory (looked in {packaged} and {checkout})")


def vectors_dir() -> Path:
    return data_dir("vectors")


def schemas_dir() -> Path:
    return data_dir("schemas")
