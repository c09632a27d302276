"""The stigmem reference node: a deliberately simple, spec-literal implementation.

``reference_node.protocol`` holds the pure rules (no I/O, no clock); ``reference_node.adapter`` exposes them over
the stdio adapter protocol (docs/adapter-protocol.md); ``reference_node.api`` serves docs/http-api.md over HTTP on
``reference_node.storage`` (SQLite). ``create_app`` builds the ASGI app; ``stigmem-reference-node`` runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette

__version__ = "0.1.0"

__all__ = ["__version__", "create_app"]


def create_app(*args: Any, **kwargs: Any) -> Starlette:
    """``reference_node.api.create_app`` (imported lazily, so the protocol core needs no web stack)."""
    from .api import create_app as build

    return build(*args, **kwargs)
