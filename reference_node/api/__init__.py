"""The HTTP surface of the reference node (docs/http-api.md), a Starlette ASGI app."""

from reference_node.api.app import create_app

__all__ = ["create_app"]
