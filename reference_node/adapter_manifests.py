"""The adapter's manifest operation (docs/adapter-protocol.md; vectors/manifests/verify.json; Spec-04; A20 §19.1).

``manifests.verify``: input ``{manifest | manifest_text, now, previous?, probes}``; the answer is ``{key_id,
rotation_count, covered}`` (the probes the manifest lists) or the ``ManifestError`` code. ``manifest_text`` is
parsed as strict JSON first, so key order and whitespace are the verifier's problem, as on the wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference_node.adapter_calls import Interpretations, text
from reference_node.protocol import jcs, manifests

__all__ = ["verify"]


def verify(inp: Mapping[str, Any], i: Interpretations) -> dict[str, Any]:
    doc = jcs.parse(text(inp["manifest_text"]).encode("utf-8")) if "manifest_text" in inp else inp["manifest"]
    previous = inp.get("previous")
    if previous is not None and not isinstance(previous, Mapping):
        raise TypeError("previous must be a manifest or absent")
    probes = inp.get("probes", [])
    if not isinstance(probes, list):
        raise TypeError("probes must be a list")
    manifests.verify_manifest(doc, manifests.parse_time(inp["now"], "now"), previous)
    return {"key_id": doc["key_id"], "rotation_count": len(doc["rotation_events"]),
            "covered": [probe for probe in probes if manifests.covers(doc, text(probe))]}
