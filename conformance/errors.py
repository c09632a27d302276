"""The suite's own errors, named after the step of a run that failed and whose fault it is.

A run goes: load the data (``SuiteDataError``: our vectors or schemas are broken, a suite bug) ->
start the adapter (``AdapterStartFailed``) -> handshake (``AdapterProtocolError`` for a malformed or
out-of-order message, ``AdapterVersionMismatch``) -> run each case (a wrong answer is a *fail* outcome,
not an exception; an adapter that dies or times out is ``AdapterProtocolError``) -> write reports.
"""

from __future__ import annotations


class ConformanceError(Exception):
    """Base class of every error the suite raises."""


class SuiteDataError(ConformanceError):
    """The suite's own data (vectors, schemas, catalogue) is missing or invalid: a bug in the suite."""


class UsageError(ConformanceError):
    """The command line or configuration asks for something that cannot be done."""


class Unreachable(ConformanceError):
    """The implementation under test could not be reached at all (exit code 3)."""


class AdapterStartFailed(Unreachable):
    """The adapter command could not be started or exited before answering hello."""


class AdapterProtocolError(ConformanceError):
    """The adapter wrote something that is not a valid protocol message, or died, or timed out."""


class AdapterDied(Unreachable, AdapterProtocolError):
    """The adapter process exited or closed its streams mid-run: the run stops (exit 3)."""


class AdapterVersionMismatch(AdapterProtocolError):
    """The adapter speaks another protocol version."""

    def __init__(self, expected: int, got: object) -> None:
        super().__init__(f"adapter protocol version: expected {expected}, got {got!r}")
        self.expected = expected
        self.got = got
