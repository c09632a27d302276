"""Federation I/O of the reference node: the outbound HTTP client, the node's key, and the pull loop.

docs/federation-api.md. The rules are pure and live in ``reference_node.protocol`` (``peering``, ``peer_tokens``,
``replication``, ``replay``); the state lives in ``reference_node.storage.federation``. ``Federation`` ties them
together for one node; the API (``reference_node.api.federation``) calls it.
"""

from reference_node.federation.service import Federation

__all__ = ["Federation"]
