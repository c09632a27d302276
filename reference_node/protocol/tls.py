"""mTLS rules for federation (Spec-10; A20 §22.1): the TLS 1.3 suite floor and the peer-certificate SAN match.

A peer's certificate must carry, among its URI SANs, exactly the ``node_id`` of the registered peer whose token
it presents (STG-TLS-005): equality of the whole URI, never a prefix in either direction (STG-TLS-006). The
certificate is read in the form Python's ``ssl`` gives a verified peer certificate (``getpeercert()``).

>>> uri_sans({"subjectAltName": (("DNS", "localhost"), ("URI", "stigmem://a.test/node/1"))})
('stigmem://a.test/node/1',)
>>> san_names("stigmem://a.test/node/1", ("stigmem://a.test/node/1",))
True
>>> san_names("stigmem://a.test/node/1", ("stigmem://a.test/node/10", "stigmem://a.test/node/"))
False
>>> outside_floor(["TLS_AES_256_GCM_SHA384", "TLS_AES_128_CCM_SHA256"])
['TLS_AES_128_CCM_SHA256']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["SUITE_FLOOR", "outside_floor", "san_names", "uri_sans"]

# A20 §22.1: the TLS 1.3 cipher suites a federation connection may use (STG-TLS-002).
SUITE_FLOOR = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")


def uri_sans(peercert: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The URI entries of a certificate's subjectAltName (``ssl.SSLSocket.getpeercert()`` form)."""
    if not peercert:
        return ()
    entries = peercert.get("subjectAltName") or ()
    return tuple(str(value) for kind, value in entries if kind == "URI")


def san_names(node_id: str, uris: Iterable[str]) -> bool:
    """Whether one URI SAN is exactly ``node_id`` (STG-TLS-005, STG-TLS-006)."""
    return any(uri == node_id for uri in uris)


def outside_floor(suite_names: Iterable[str]) -> list[str]:
    """The TLS 1.3 suites among ``suite_names`` that are not in the floor (STG-TLS-002)."""
    return [name for name in suite_names if name.startswith("TLS_") and name not in SUITE_FLOOR]
