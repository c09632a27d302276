"""The stigmem reference node: a deliberately simple, spec-literal implementation.

``reference_node.protocol`` holds the pure rules (no I/O, no clock); ``reference_node.adapter`` exposes them over
the stdio adapter protocol (docs/adapter-protocol.md). The HTTP app is added separately.
"""

__version__ = "0.1.0"
