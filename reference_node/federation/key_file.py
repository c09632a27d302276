"""Reading an operator-supplied federation key file (``--federation-key-file``; docs/federation-api.md).

Accepted forms: a PEM ``PRIVATE KEY`` (PKCS#8 Ed25519, e.g. ``openssl genpkey -algorithm ed25519``), or one line
holding the 32-byte RFC 8032 seed as unpadded base64url (43 characters) or as 64 hex digits. Without a file the
node generates a key on first start and keeps it in its database.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, load_pem_private_key

from reference_node.protocol import base64url

__all__ = ["load_seed"]

_HEX = re.compile(r"[0-9a-fA-F]{64}")


def load_seed(path: str) -> bytes:
    """The 32-byte seed in ``path``; raises ValueError (or OSError) with a message for the operator."""
    data = Path(path).read_bytes()
    text = data.decode("ascii", "replace").strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: the PEM key is not an Ed25519 key")
        return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    if _HEX.fullmatch(text):
        return bytes.fromhex(text)
    try:
        return base64url.decode(text, length=32)
    except base64url.Base64UrlError as exc:
        raise ValueError(f"{path}: not a PEM Ed25519 key, 64 hex digits or 43 base64url characters") from exc
