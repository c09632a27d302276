"""The sweep's test command: every adapter vector under both presets, one adapter process, stop at the first failure.

    python -m tests.mutants.quick_vectors ["ADAPTER COMMAND"]

Same verdicts as ``stigmem-conformance vectors`` run twice (``--preset default``, then ``--preset
upstream-0.9.0a12``), through the suite's own loader, judge and adapter harness; only faster, because mutmut needs
nothing but an exit code: 0 when every applicable vector passes under both presets, 1 at the first one that does
not (failing, erroring or unsupported), which is printed. Vectors that neither preset reaches (a non-default option
outside the upstream preset, e.g. ``hlc_input=strict``) run once more under their own options.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.catalog.interpretations import applies, resolve
from conformance.catalog.vectors import Vector, adapter_vectors
from conformance.errors import AdapterProtocolError
from conformance.harness.stdio_adapter import StdioAdapter
from conformance.vector_run import judge, select

PRESETS = ("default", "upstream-0.9.0a12")


def plan(vectors: list[Vector]) -> list[tuple[str, Vector, dict[str, str], bool]]:
    """(reading, vector, options, unsupported allowed): both presets, then each vector that neither preset reaches
    under the default preset with its own tagged options (an adapter may not implement those: unsupported)."""
    runs: list[tuple[str, Vector, dict[str, str], bool]] = []
    presets = {name: resolve(name) for name in PRESETS}
    for name, active in presets.items():
        runs += [(name, v, active, False) for v in vectors if applies(v.interpretations, active)]
    for v in vectors:
        if not any(applies(v.interpretations, active) for active in presets.values()):
            runs.append(("own-reading", v, {**presets["default"], **v.interpretations}, True))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="quick_vectors", description=__doc__.splitlines()[0])
    parser.add_argument("adapter", nargs="?", default=f"{sys.executable} -m reference_node.adapter")
    parser.add_argument("--vectors", type=Path, help="a copy of vectors/ (the sweep snapshots it: edits to the "
                                                     "checkout during a sweep must not change its verdicts)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with StdioAdapter(args.adapter) as adapter:
        for reading, v, active, may_be_unsupported in plan(select(adapter_vectors(args.vectors))):
            try:
                answer = adapter.call(v.op, v.input, active)
            except AdapterProtocolError as exc:
                print(f"{reading} {v.id}: error {exc}")
                return 1
            if answer.kind == "unsupported":
                ok, why = may_be_unsupported, "unsupported"
            else:
                ok, why = judge(v.expected, answer)
            if not ok:
                print(f"{reading} {v.id}: {why}")
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
