"""The live node the state machines drive, and the API keys they drive it with.

``STIGMEM_TARGET=URL STIGMEM_ADMIN_KEY=KEY`` names any node; without them one embedded reference node is started
(``python -m reference_node.cli``, never imported). Keys are created through ``POST /v1/auth/keys``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from conformance.harness.embedded_node import EmbeddedNode

SCOPES = ("local", "team", "company", "public")
# name -> (permissions, allowed scopes); the key named "admin" is the node's bootstrap key.
KeySpecs = Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]


@dataclass
class Live:
    client: httpx.Client
    raw: dict[str, str]  # key name -> raw bearer key
    admin_entity: str
    entity: dict[str, str]  # key name -> the key's entity_uri

    def call(self, method: str, path: str, key: str, **kw: Any) -> httpx.Response:
        return self.client.request(method, path, headers={"Authorization": f"Bearer {self.raw[key]}"}, **kw)


@contextlib.contextmanager
def _node() -> Iterator[tuple[str, str]]:
    """(base URL, admin key): STIGMEM_TARGET and STIGMEM_ADMIN_KEY name any node, else the embedded one starts."""
    url, admin = os.environ.get("STIGMEM_TARGET"), os.environ.get("STIGMEM_ADMIN_KEY")
    if url:
        if not admin:
            pytest.fail("STIGMEM_TARGET needs STIGMEM_ADMIN_KEY: the machine creates scoped keys")
        yield url, admin
        return
    with EmbeddedNode() as node:
        yield node.url, node.admin_key


@contextlib.contextmanager
def started(keys: KeySpecs) -> Iterator[Live]:
    """A node with one key per entry of ``keys`` besides ``admin`` (entity ``stigmem://prop.test/agent/NAME``)."""
    with _node() as (url, admin), httpx.Client(base_url=url, timeout=30) as client:
        raw = {"admin": admin}
        entity: dict[str, str] = {}
        for name, (perms, scopes) in keys.items():
            if name == "admin":
                continue
            body = {"entity_uri": f"stigmem://prop.test/agent/{name}", "permissions": list(perms),
                    "allowed_scopes": list(scopes)}
            made = client.post("/v1/auth/keys", headers={"Authorization": f"Bearer {admin}"}, json=body)
            if made.status_code == 422 and "raw_key" in made.text:  # nodes that take a client-chosen key (upstream)
                body["raw_key"] = secrets.token_hex(24)
                made = client.post("/v1/auth/keys", headers={"Authorization": f"Bearer {admin}"}, json=body)
            assert made.status_code == 201, made.text
            raw[name] = str(body.get("raw_key") or made.json()["key"])
            entity[name] = str(made.json().get("entity_uri") or body["entity_uri"])
        listing = client.get("/v1/auth/keys", headers={"Authorization": f"Bearer {admin}"}).json()
        found = listing["keys"] if isinstance(listing, dict) else listing  # upstream answers a bare list
        admin_entity = next(k["entity_uri"] for k in found if "admin" in k["permissions"])
        entity["admin"] = admin_entity
        yield Live(client, raw, admin_entity, entity)


class Slot:
    """One module's live node, for state machines (Hypothesis builds them without arguments): ``fixture()`` is the
    module-scoped fixture that starts it, ``live`` the node while it runs."""

    def __init__(self, keys: KeySpecs) -> None:
        self.keys = keys
        self.live: Live | None = None

    def fixture(self) -> Any:
        def node() -> Iterator[Live]:
            with started(self.keys) as self.live:
                try:
                    yield self.live
                finally:
                    self.live = None

        return pytest.fixture(scope="module")(node)
