"""The reference node's version: the version of the distribution it ships in (one place, ``conformance/__init__.py``,
which imports nothing, so the node does not load the suite)."""

from conformance import __version__

__all__ = ["__version__"]
