"""Refusals of the storage layer, each with a stable code the API's error table maps to a status."""

from __future__ import annotations

__all__ = ["StoreError"]


class StoreError(Exception):
    """A request the stored state refuses: ``code`` is a docs/http-api.md error code."""

    def __init__(self, code: str, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extra = extra
