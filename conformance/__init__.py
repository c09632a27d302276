"""stigmem-conformance: the conformance suite for the stigmem protocol.

Public surface: ``__version__`` and the ``stigmem-conformance`` command (``conformance.cli:main``).
Everything else in this package is internal and may change between releases; the stable contracts are
the data and schemas shipped with it (``vectors/``, ``schemas/``).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
