"""Detection-power figures from the committed mutant results (``power/blind-round*.json``, ``kill-matrix.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Round:
    name: str
    mutants: int
    killed: int
    survived: int
    equivalent: int

    @property
    def kill_rate(self) -> float:
        """killed / (killed + survived): equivalent and invalid mutants count neither way."""
        scored = self.killed + self.survived
        return self.killed / scored if scored else 0.0


def _round(name: str, path: Path) -> Round:
    statuses = [m["status"] for m in json.loads(path.read_text(encoding="utf-8"))["mutants"]]
    return Round(name, len(statuses), statuses.count("killed"), statuses.count("survived"),
                 statuses.count("equivalent"))


def _order(path: Path) -> int:
    return int(re.findall(r"\d+", path.stem)[0])


def blind_rounds(power_dir: Path) -> list[Round]:
    """One row per blind-round file, in round order (``blind-rounds-1-2`` is one row)."""
    files = sorted(power_dir.glob("blind-round*.json"), key=_order)
    return [_round(p.stem.removeprefix("blind-").replace("rounds-", "rounds ").replace("round-", "round "), p)
            for p in files]


def total(rounds: list[Round], name: str = "all blind rounds") -> Round:
    return Round(name, sum(r.mutants for r in rounds), sum(r.killed for r in rounds),
                 sum(r.survived for r in rounds), sum(r.equivalent for r in rounds))


def catalogue_round(power_dir: Path) -> Round | None:
    """The authored catalogue (round 0, the CI gate), when its kill matrix is committed."""
    path = power_dir / "kill-matrix.json"
    return _round("authored catalogue", path) if path.is_file() else None
