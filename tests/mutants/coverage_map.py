"""Which checks execute which node line (coverage per check), and which checks a mutant on a line needs.

The map is recorded once on the pristine node (``node_worker.py --record-coverage``): for each file (relative to
the workspace, e.g. ``reference_node/api/params.py``) and 1-based line, the coverage.py contexts that executed it.
A context is a check id, ``import`` (module import: constants, ``def`` lines), ``setup`` (node start, key bootstrap
and provisioning) or ``teardown``. Only checks that passed on the pristine node are ever selected.

Selection (``select``): the passing checks that executed a mutated line. A line that only ran at import or setup
(a constant, a migration) gets the passing checks of any line of the same file, then every other passing check,
since its effect is not tied to one call (a constant imported by name acts in the importing module), unless no
check runs any line of that file; a line no check reaches is "not covered" (an empty selection): reported as a
gap, never as killed.
"""

from __future__ import annotations

import ast
import difflib
import functools
from pathlib import Path
from typing import Any

PHASES = frozenset({"import", "setup", "teardown", ""})


def from_coverage(data: Any, workspace: Path) -> dict[str, dict[str, list[str]]]:
    """file -> line (as a string, JSON keys) -> sorted contexts, from a coverage.CoverageData."""
    root = workspace.resolve()
    out: dict[str, dict[str, list[str]]] = {}
    for measured in data.measured_files():
        path = Path(measured).resolve()
        if root not in path.parents:
            continue
        rel = path.relative_to(root).as_posix()
        contexts = data.contexts_by_lineno(measured)
        if contexts:
            out[rel] = {str(line): sorted(set(ctx)) for line, ctx in sorted(contexts.items())}
    return out


def merge(in_process: dict[str, dict[str, list[str]]],
          spawned: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    """Add the contexts of spawned nodes (the check id, static) to the in-process map, except on lines that ran at
    import in this process: a spawned node imports every module inside its check, which says nothing about which
    check needs the line."""
    out = {file: {line: list(ctxs) for line, ctxs in lines.items()} for file, lines in in_process.items()}
    for file, lines in spawned.items():
        mine = out.setdefault(file, {})
        for line, ctxs in lines.items():
            if "import" in mine.get(line, []):
                continue
            mine[line] = sorted(set(mine.get(line, [])) | set(ctxs))
    return out


def contexts_of(cmap: dict[str, Any], file: str, lines: list[int], source: Path | None = None) -> set[str]:
    """The contexts that ran ``lines``; with the pristine ``source``, a line inside a statement that spans several
    lines counts as the statement's first line, where coverage.py records the whole statement."""
    by_line = cmap["lines"].get(file, {})
    starts = statement_starts(source) if source is not None else {}
    return {ctx for line in lines for ctx in by_line.get(str(line)) or by_line.get(str(starts.get(line, line)), [])}


@functools.cache
def statement_starts(source: Path) -> dict[int, int]:
    """Every later line of a statement that spans lines -> its first line (a compound statement: its header only)."""
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or node.end_lineno is None:
            continue
        body = getattr(node, "body", None)
        last = body[0].lineno - 1 if isinstance(body, list) and body and isinstance(body[0], ast.stmt) \
            else node.end_lineno
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.decorator_list:
            continue  # decorators and the def line are separate events
        for line in range(node.lineno + 1, last + 1):
            if line not in starts or starts[line] < node.lineno:
                starts[line] = node.lineno  # the innermost statement wins
    return starts


def _passing(cmap: dict[str, Any], contexts: set[str]) -> list[str]:
    """The checks among ``contexts`` that passed on the pristine node, quickest first (a kill comes sooner)."""
    durations = cmap.get("durations_ms", {})
    chosen = [c for c in contexts if c not in PHASES and cmap["outcomes"].get(c) == "pass"]
    return sorted(chosen, key=lambda c: (durations.get(c, 0.0), c))


def select(cmap: dict[str, Any], file: str, lines: list[int], source: Path | None = None) -> list[str]:
    """The check ids to run for a mutant on ``lines`` of ``file`` (``source``: its pristine copy), in running
    order ([] = not covered)."""
    contexts = contexts_of(cmap, file, lines, source)
    checks = _passing(cmap, contexts)
    if checks or not contexts & {"import", "setup"}:
        return checks
    # A line that ran only at import or setup: the file's own checks first, then every other passing check (a
    # constant bound elsewhere by ``from module import NAME`` acts where no line of its own file runs).
    # A file no check runs a line of (a command-line module, say) stays not covered.
    whole_file = _passing(cmap, {ctx for ctxs in cmap["lines"].get(file, {}).values() for ctx in ctxs})
    if not whole_file:
        return []
    return whole_file + _passing(cmap, set(cmap["outcomes"]) - set(whole_file))


def touches_setup(cmap: dict[str, Any], file: str, lines: list[int], source: Path | None = None) -> bool:
    """True when the line ran while the nodes were built: the database snapshot would hide the mutant."""
    return bool(contexts_of(cmap, file, lines, source) & {"import", "setup"})


def changed_lines(tree: Path, pristine: Path) -> tuple[str, list[int]] | None:
    """The one file of ``tree`` that differs from ``pristine`` (as ``reference_node/...``) and its changed
    1-based lines (in the pristine numbering), or None when nothing differs."""
    for path in sorted(pristine.rglob("*.py")):
        rel = path.relative_to(pristine)
        mutated = tree / rel
        old = path.read_bytes()
        new = mutated.read_bytes() if mutated.is_file() else b""
        if old == new:
            continue
        a = old.decode("utf-8").splitlines()
        b = new.decode("utf-8").splitlines()
        lines: list[int] = []
        for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "equal":
                lines += list(range(i1 + 1, max(i2, i1 + 1) + 1))
        return (Path(pristine.name, rel).as_posix(), sorted(set(lines)))
    return None
