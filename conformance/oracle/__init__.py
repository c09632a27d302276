"""The suite's own computations, thin layers over third-party primitives (rfc8785, hashlib, cryptography)."""
