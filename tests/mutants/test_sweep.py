"""The automatic sweep's parts: its test command can fail, and its survivor categories only excuse message text."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tests.mutants import quick_vectors
from tests.mutants.sweep import category, enclosing_function

FAKE = Path(__file__).resolve().parents[1] / "fakes" / "miniature_adapter.py"


def test_quick_vectors_passes_the_reference_adapter():
    assert quick_vectors.main([f"{shlex.quote(sys.executable)} -m reference_node.adapter"]) == 0


@pytest.mark.parametrize("mode", ["always-result", "always-error", "unsupported"])
def test_quick_vectors_fails_a_wrong_adapter(mode: str, capsys: pytest.CaptureFixture[str]):
    assert quick_vectors.main([f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} {mode}"]) == 1
    assert capsys.readouterr().out.startswith("default ")


@pytest.mark.parametrize(("diff", "expected"), [
    ('-        raise TokenExpired(f"token expired {now - exp} ms ago") / '
     '+        raise TokenExpired(f"token expired {now + exp} ms ago")', "message"),
    ('-        raise SignatureInvalid(str(exc), "STG-TOK-003") from exc / '
     '+        raise SignatureInvalid(str(exc), "XXSTG-TOK-003XX") from exc', "message"),
    ('-    requirement = "STG-JCS-005" / +    requirement = None', "metadata"),
    ('-Overflow = Literal["carry", "widen"] / +Overflow = None', "typing"),
    # Not excused: a string that decides behaviour, an exception class, a comparison.
    ('-    if "crit" in header: / +    if "XXcritXX" in header:', ""),
    ('-        raise TokenMalformed("bad") / +        raise TokenExpired("bad")', ""),
    ('-    if now_ms > exp: / +    if now_ms >= exp:', ""),
])
def test_survivor_categories(diff: str, expected: str):
    assert category(diff) == expected


@pytest.mark.parametrize(("diff", "function", "expected"), [
    # The detail of a rejection is text; its reason and its audit event type are not.
    ('-        return _reject("invalid_fact", "a fact is an object", None) / '
     '+        return _reject("invalid_fact", "XXa fact is an objectXX", None)', "read_inbound", "message"),
    ('-        return _reject("invalid_fact", "a fact is an object", None) / '
     '+        return _reject("XXinvalid_factXX", "a fact is an object", None)', "read_inbound", ""),
    ('-        return _reject("scope_violation", f"scope {s}", fact.id, "scope_violation") / '
     '+        return _reject("scope_violation", f"scope {s}", fact.id, "XXscope_violationXX")', "admit", ""),
    # The message of an error built now and raised later is text; the choice of error class is not.
    ('-            faults.append(JcsDuplicateKey("duplicate member")) / '
     '+            faults.append(JcsDuplicateKey("XXduplicate memberXX"))', "parse", "message"),
    ('-            faults.append(JcsDuplicateKey("duplicate member")) / '
     '+            faults.append(JcsInvalidJson("duplicate member"))', "parse", ""),
    # A reason returned by shape_problem is text; a code returned by verification_failure is not.
    ('-        return "a declaration is a JSON object" / +        return "XXa declaration is a JSON objectXX"',
     "shape_problem", "message"),
    ('-        return "pubkey_mismatch" / +        return "XXpubkey_mismatchXX"', "verification_failure", ""),
])
def test_survivor_categories_in_context(diff: str, function: str, expected: str):
    assert category(diff, function) == expected


def test_enclosing_function():
    peering = Path(__file__).resolve().parents[2] / "reference_node" / "protocol" / "peering.py"
    lines = peering.read_text(encoding="utf-8").splitlines()
    inside = next(i for i, line in enumerate(lines, 1) if "a declaration is a JSON object" in line)
    assert enclosing_function(peering, inside) == "shape_problem"
    assert enclosing_function(peering, 1) == ""
