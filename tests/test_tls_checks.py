"""The mTLS checks judge what they claim to: one node trusting only the run's CA, one that also trusts the rogue CA.

``http:tls_foreign_ca_refused`` has no code mutant of its own (OpenSSL, not the node's code, refuses another CA's
certificate), so it is shown failing against a node misconfigured to trust that CA too, and passing otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from conformance.catalog.interpretations import resolve
from conformance.checks.registry import REGISTRY, Context
from conformance.harness.certs import TlsMaterial, client_context
from conformance.harness.embedded_node import EmbeddedNode
from conformance.harness.http_target import HttpTarget
from conformance.outcomes import CheckFailed


@contextmanager
def context(trust_rogue: bool) -> Iterator[Context]:
    material = TlsMaterial.generate()
    assert material.rogue is not None
    args = material.node_args()
    if trust_rogue:
        bundle = material.ca_file.with_name("bundle.pem")
        bundle.write_bytes(material.ca_file.read_bytes() + material.rogue.cert_path.read_bytes())
        args = (*args[:-1], str(bundle))
    node = EmbeddedNode(extra_args=("--federation", "--pull-interval", "3600", *args)).start()
    target = HttpTarget(node.url, {"admin": node.admin_key}, timeout=10, tls=client_context(material.ca_file))
    try:
        yield Context(target, resolve(), target.request("GET", "/.well-known/stigmem", key=None).json or {},
                      tls=material)
    finally:
        target.close()
        node.stop()
        material.close()


def test_foreign_ca_check_passes_when_only_the_run_ca_is_trusted() -> None:
    with context(trust_rogue=False) as ctx:
        REGISTRY["http:tls_foreign_ca_refused"].func(ctx)


def test_foreign_ca_check_fails_when_the_node_trusts_the_other_ca() -> None:
    with context(trust_rogue=True) as ctx, pytest.raises(CheckFailed, match="another CA"):
        REGISTRY["http:tls_foreign_ca_refused"].func(ctx)
