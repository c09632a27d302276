"""Import rules (the suite never imports the reference node; the protocol core does no I/O) and house rules."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL_ALLOWED = {"__future__", "base64", "binascii", "collections", "dataclasses", "datetime", "enum", "functools",
                    "hashlib", "json", "math", "re", "threading", "typing", "unicodedata", "uuid", "string",
                    "rfc8785", "cryptography", "reference_node", "itertools", "struct", "decimal", "operator",
                    "types", "collections.abc", "fractions", "pymerkle",
                    "numpy"}  # numpy: recall packing, elementwise arithmetic only (no I/O)


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


# The repository stands alone: sources are cited by their own names (docs/sources.md), never by the private spec
# digest or a path outside the repository. This file is scanned too.
# Spelled from parts, so this file does not itself carry the citations it refuses.
_DIGEST, _SHARED, _MACHINE = "dig" + "est", "sha" + "red", "wo" + "rk"
OUTSIDE_CITATIONS = (f"{_DIGEST} §", f"{_DIGEST} section", f"spec {_DIGEST}", f"{_DIGEST}.md", f"../{_SHARED}",
                     f"{_SHARED}/notes", f"/{_MACHINE}/")


def repository_files() -> list[Path]:
    """Every file git tracks (the working tree, so uncommitted edits count too)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


def outside_citations(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        for number, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), 1):
            hits = [p for p in OUTSIDE_CITATIONS if p in line.lower()]
            if hits:
                found.append(f"{path.relative_to(ROOT)}:{number}: {hits[0]!r}")
    return found


def test_no_citation_outside_the_repository():
    files = repository_files()
    assert len(files) > 100, "git ls-files listed almost nothing"
    found = outside_citations(files)
    assert not found, "cite sources by name (docs/sources.md), not the digest or a path outside:\n" + "\n".join(found)


def test_every_check_names_its_requirements_and_the_catalogue_agrees():
    """Each check's ids are where it is defined; requirements.json names the same checks for the same ids.

    A check built from vectors (a closure, ``<locals>`` in its name) takes its ids from the vectors; the catalogue
    may leave it out, but where it names it, it names the same ids.
    """
    import conformance.checks  # noqa: F401  (registers the checks)
    from conformance.catalog.requirements import by_check, by_id
    from conformance.checks.registry import REGISTRY

    assert len(REGISTRY) > 100
    known, linked = by_id(), by_check()
    problems = []
    for c in REGISTRY.values():
        mine, catalogued = set(c.requirements), set(linked.get(c.id, ()))
        if not mine:
            problems.append(f"{c.id}: no requirement ids where it is defined")
        if mine - set(known):
            problems.append(f"{c.id}: unknown requirement ids {sorted(mine - set(known))}")
        from_vectors = "<locals>" in c.func.__qualname__
        if (catalogued or not from_vectors) and mine != catalogued:
            problems.append(f"{c.id}: decorator only {sorted(mine - catalogued)}, "
                            f"requirements.json only {sorted(catalogued - mine)}")
    assert not problems, "\n".join(problems)


def test_no_relative_imports():
    """Imports name their module from the top (``from reference_node.storage import Store``), so one grep finds
    every user of a module and a moved file cannot silently change what a relative import means."""
    found = []
    for top in ("conformance", "reference_node"):
        for path in (ROOT / top).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "relative imports: " + ", ".join(found)
