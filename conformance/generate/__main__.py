"""``python -m conformance.generate [--check] [--out DIR]``: rebuild (or check) every generated vector file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance.catalog.paths import vectors_dir
from conformance.generate.registry import build_all
from conformance.generate.writer import dumps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if any committed file differs")
    parser.add_argument("--out", type=Path, default=None, help="write here instead of the vectors directory")
    args = parser.parse_args(argv)
    out = args.out or vectors_dir()
    differ: list[str] = []
    files = build_all()
    for vf in files:
        text = dumps(vf.document())
        target = out / vf.path
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                differ.append(vf.path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if args.check:
        for path in differ:
            print(f"differs from the generator: vectors/{path}", file=sys.stderr)
        print(f"{len(files)} generated files checked, {len(differ)} differ")
        return 1 if differ else 0
    print(f"wrote {len(files)} vector files, {sum(len(f.cases) for f in files)} vectors, to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
