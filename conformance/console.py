"""Console output conventions: colour (``--color``, ``NO_COLOR``) and the console format (``--format``).

``text`` is for people; ``jsonl`` writes one JSON object a line to stdout (an ``event: "case"`` object per
finished check or vector, then one ``event: "summary"``) and sends the informational lines to stderr, so stdout
stays parseable. Colour follows https://no-color.org: ``--color always`` or ``never`` decide; ``auto`` colours a
terminal unless ``NO_COLOR`` is set to a non-empty value or ``TERM`` is ``dumb``; ``jsonl`` is never coloured.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from conformance.outcomes import CaseResult

FORMATS = ("text", "jsonl")
COLORS = ("auto", "always", "never")
# SGR codes: red for what fails a run, yellow for what did not run, green for a pass
STYLE = {"pass": "32", "fail": "31", "error": "1;31", "unexpected-pass": "31", "skip": "33", "expected-fail": "33",
         "unsupported": "33", "not-implemented": "33"}


def color_enabled(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


class Console:
    """Where and how a run talks: ``say`` for informational lines, ``case`` per finished case, ``paint`` for colour."""

    def __init__(self, fmt: str = "text", color: str = "auto", stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.jsonl = fmt == "jsonl"
        self.color = not self.jsonl and color_enabled(color, self.stream)

    def say(self, text: str) -> None:
        print(text, file=sys.stderr if self.jsonl else self.stream)

    def paint(self, text: str, outcome: str) -> str:
        code = STYLE.get(outcome)
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text

    def emit(self, event: str, body: dict[str, Any]) -> None:
        """One JSON line (jsonl only)."""
        if self.jsonl:
            self.stream.write(json.dumps({"event": event, **body}, ensure_ascii=False) + "\n")
            self.stream.flush()

    def case(self, kind: str, result: CaseResult) -> None:
        self.emit("case", {"kind": kind, **result.as_dict()})
