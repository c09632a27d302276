"""Import rules: the suite never imports the reference node; the protocol core does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL_ALLOWED = {"__future__", "base64", "binascii", "collections", "dataclasses", "datetime", "enum", "functools",
                    "hashlib", "json", "math", "re", "threading", "typing", "unicodedata", "uuid", "string",
                    "rfc8785", "cryptography", "reference_node", "itertools", "struct", "decimal", "operator",
                    "types", "collections.abc"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_conformance_never_imports_reference_node():
    offenders = [p for p in (ROOT / "conformance").rglob("*.py") if "reference_node" in imports(p)]
    assert not offenders, offenders


def test_protocol_core_is_pure():
    for path in (ROOT / "reference_node" / "protocol").rglob("*.py"):
        extra = imports(path) - PROTOCOL_ALLOWED
        assert not extra, f"{path.name} imports {extra}"
        text = path.read_text(encoding="utf-8")
        for banned in ("time.time(", "datetime.now(", "open(", "os.environ", "random."):
            assert banned not in text, f"{path.name} uses {banned}"


def suite_imports(path: Path) -> set[str]:
    """The conformance subpackages or modules a file imports (``conformance.checks`` -> ``checks``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else []
        found |= {n.split(".")[1] for n in names if n.startswith("conformance.") and n.count(".") >= 1}
    return found


# floor -> what it may not import: the harness knows no checks, data loading knows no reports, outcomes nothing
SUITE_NEVER = {"catalog": {"checks", "reports", "cli", "plugin", "harness", "federation", "http_run"},
               "harness": {"checks", "reports", "cli", "plugin", "http_run"},
               "federation": {"checks", "reports", "cli", "plugin", "http_run"},
               "oracle": {"checks", "reports", "cli", "plugin", "harness", "federation", "catalog"}}


def test_suite_layering():
    for floor, banned in SUITE_NEVER.items():
        for path in (ROOT / "conformance" / floor).rglob("*.py"):
            wrong = suite_imports(path) & banned
            assert not wrong, f"conformance/{floor}/{path.name} imports {wrong}"
    assert suite_imports(ROOT / "conformance" / "outcomes.py") == set(), "outcomes.py is the bottom floor"
    # the run session sits between the front ends and the harness: it knows no checks, reports or front end
    session = suite_imports(ROOT / "conformance" / "session.py")
    assert not session & {"checks", "reports", "cli", "plugin", "http_run"}, session
