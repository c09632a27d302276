"""Task runner. ``nox -s tests`` is the test job; ``nox -s suite`` is the main job."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "vectors", "tests", "suite"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The project's own tests (data lint, protocol unit tests, adapters, runner)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def suite(session: nox.Session) -> None:
    """The main job: every golden vector through the embedded reference core."""
    session.install(".")
    session.run("stigmem-conformance", "vectors", "--report-dir", "reports/vectors", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "conformance", "reference_node", "tests", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the pure protocol core and the suite's oracle."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def vectors(session: nox.Session) -> None:
    """Regenerate the vector files and fail if they differ from the committed ones."""
    session.install("-e", ".")
    session.run("python", "-m", "conformance.generate", "--check")
