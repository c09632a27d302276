"""Progress output: a live bar for people at a terminal, plain lines in CI and pipes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType

from conformance.outcomes import CaseResult


class Progress:
    """Call ``update(result)`` per case; shows a rich bar on a TTY, else one line per finished area."""

    def __init__(self, total: int, label: str, enabled: bool = True, color: bool = True) -> None:
        self.total = total
        self.color = color
        self.label = label
        self.interactive = enabled and sys.stdout.isatty() and not os.environ.get("CI")
        self.plain = enabled and not self.interactive
        self._area: str | None = None
        self._counts = {"done": 0, "bad": 0}
        self._bar: object | None = None
        self._advance: Callable[[], None] | None = None

    def __enter__(self) -> Progress:
        if self.interactive:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as RichProgress

            bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True,
                               console=Console(no_color=not self.color))
            task = bar.add_task(self.label, total=self.total)
            bar.start()
            self._bar = bar
            self._advance = lambda: bar.advance(task)
        return self

    def update(self, result: CaseResult) -> None:
        if self._advance:
            self._advance()
        if not self.plain:
            return
        if self._area is not None and result.area != self._area:
            self._flush()
        self._area = result.area
        self._counts["done"] += 1
        self._counts["bad"] += result.outcome in ("fail", "error", "unexpected-pass")

    def _flush(self) -> None:
        print(f"  {self.label} {self._area}: {self._counts['done']} cases, {self._counts['bad']} failing", flush=True)
        self._counts = {"done": 0, "bad": 0}

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()  # type: ignore[attr-defined]
        if self.plain and self._area is not None:
            self._flush()
