"""The stigmem reference node: a deliberately simple, spec-literal implementation.

``reference_node.protocol`` holds the pure rules (no I/O, no clock); ``reference_node.adapter`` exposes them over
the stdio adapter protocol (docs/adapter-protocol.md); ``reference_node.api`` serves docs/http-api.md over HTTP on
``reference_node.storage`` (SQLite). ``reference_node.api.create_app`` builds the ASGI app;
``stigmem-reference-node`` runs it.
"""

from reference_node.version import __version__

__all__ = ["__version__"]
