"""The list of generator modules; each exposes ``files() -> list[VectorFile]``."""

from __future__ import annotations

import importlib

from conformance.generate.writer import VectorFile

MODULES = [
    "conformance.generate.jcs_vectors",
    "conformance.generate.cid_vectors",
    "conformance.generate.entity_uri_vectors",
    "conformance.generate.values_vectors",
    "conformance.generate.hlc_vectors",
    "conformance.generate.contradiction_vectors",
    "conformance.generate.garden_vectors",
    "conformance.generate.quota_vectors",
    "conformance.generate.key_rotation_vectors",
    "conformance.generate.source_trust_vectors",
    "conformance.generate.recall_vectors",
    "conformance.generate.capability_token_vectors",
    "conformance.generate.transparency_vectors",
    "conformance.generate.manifest_vectors",
    "conformance.generate.ed25519_vectors",
    "conformance.generate.signature_vectors",
    "conformance.generate.signature_verify_vectors",
    "conformance.generate.peer_token_vectors",
    "conformance.generate.federation.registration",
    "conformance.generate.federation.ingest",
    "conformance.generate.federation.serving",
    "conformance.generate.federation.tokens",
    "conformance.generate.http_vectors",
    "conformance.generate.lifecycle_vectors",
]


def build_all() -> list[VectorFile]:
    files: list[VectorFile] = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet
                continue
            raise
        files.extend(module.files())
    return files
