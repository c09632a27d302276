"""The vector generator: rebuilds every generated file under ``vectors/`` from third-party primitives.

It never imports ``reference_node``. Run ``python -m conformance.generate`` to rewrite the files and
``python -m conformance.generate --check`` to fail on any difference from the committed ones.
"""
