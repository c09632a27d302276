"""Throwaway certificate authorities and node certificates for mTLS runs (Spec-10; A20 §22.1).

``Authority.create("suite CA")`` makes a self-signed ECDSA P-256 CA; ``issue`` signs a leaf for
both TLS roles (serverAuth and clientAuth) with the URI SANs given (a node's entity URI) plus ``localhost`` and
``127.0.0.1``, valid for one day (A20 §22.1: client certificates SHOULD live at most 24 h). ``TlsMaterial`` holds
a run's files in a temporary directory: the CA the node trusts, the node's own certificate, a second CA nobody
trusts, and leaves minted on demand for scripted peers. Contexts for the suite's clients and servers are built
by ``client_context`` and ``server_context``: TLS 1.3 minimum unless told otherwise.
"""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Authority", "Leaf", "TlsMaterial", "client_context", "server_context"]

_LIFETIME = datetime.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass(frozen=True)
class Leaf:
    """A certificate and its key, as files."""

    cert: Path
    key: Path
    uris: tuple[str, ...]


@dataclass
class Authority:
    """A CA: its key and self-signed certificate; ``issue`` writes leaves into ``directory``."""

    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    directory: Path

    @classmethod
    def create(cls, name: str, directory: Path) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + _LIFETIME)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                             content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .sign(key, hashes.SHA256()))
        directory.mkdir(parents=True, exist_ok=True)
        authority = cls(name, key, cert, directory)
        authority.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return authority

    @classmethod
    def load(cls, cert_path: Path, key_path: Path, directory: Path) -> Authority:
        """An existing CA (an external node's), to mint peer certificates it will trust."""
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("--tls-ca-key must be an EC private key (PEM, unencrypted)")
        directory.mkdir(parents=True, exist_ok=True)
        authority = cls(cert.subject.rfc4514_string(), key, cert, directory)
        authority.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return authority

    @property
    def cert_path(self) -> Path:
        return self.directory / f"{self._slug}-ca.pem"

    @property
    def _slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.name)[:40]

    def issue(self, label: str, uris: Sequence[str] = (), *, dns: Sequence[str] = ("localhost",),
              ips: Sequence[str] = ("127.0.0.1",)) -> Leaf:
        """A leaf for both roles, with these URI SANs (none: a certificate naming no node)."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(u) for u in uris]
        names += [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        builder = (x509.CertificateBuilder().subject_name(_name(label)).issuer_name(self.cert.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + _LIFETIME)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        stem = self.directory / f"{self._slug}-{label}-{secrets.token_hex(3)}"
        cert_path, key_path = stem.with_suffix(".crt"), stem.with_suffix(".key")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(_key_pem(key))
        key_path.chmod(0o600)
        return Leaf(cert_path, key_path, tuple(uris))


@dataclass
class TlsMaterial:
    """One run's certificates: ``ca`` (trusted by the node), ``node`` (its own leaf), ``rogue`` (another CA).

    ``mint`` is None for an external node whose CA key the suite was not given: checks that need a fresh
    peer certificate then skip."""

    ca_file: Path
    node: Leaf | None = None
    mint: Authority | None = None
    rogue: Authority | None = None
    operator: Leaf | None = None  # the client certificate every operator request presents (external nodes)
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @classmethod
    def generate(cls) -> TlsMaterial:
        """A fresh CA, the embedded node's leaf (no URI SAN: its node_id is made at first start) and a rogue CA."""
        tmp = tempfile.TemporaryDirectory(prefix="stigmem-tls-")
        root = Path(tmp.name)
        ca = Authority.create("suite CA", root)
        return cls(ca.cert_path, ca.issue("node"), ca, Authority.create("rogue CA", root / "rogue"), None, tmp)

    @classmethod
    def external(cls, ca_file: str, ca_key: str | None, client_cert: str | None,
                 client_key: str | None) -> TlsMaterial:
        tmp = tempfile.TemporaryDirectory(prefix="stigmem-tls-")
        root = Path(tmp.name)
        mint = Authority.load(Path(ca_file), Path(ca_key), root) if ca_key else None
        operator = Leaf(Path(client_cert), Path(client_key or client_cert), ()) if client_cert else None
        return cls(Path(ca_file), None, mint, Authority.create("rogue CA", root / "rogue"), operator, tmp)

    def node_args(self) -> tuple[str, ...]:
        """The embedded node's flags."""
        assert self.node is not None
        return ("--tls-cert", str(self.node.cert), "--tls-key", str(self.node.key), "--tls-ca", str(self.ca_file))

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def client_context(ca_file: Path, leaf: Leaf | None = None, *,
                   maximum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """Verifies the server against ``ca_file``; presents ``leaf`` when given; TLS 1.3 unless ``maximum`` lowers it."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_file))
    if maximum is None:
        context.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = maximum
    if leaf is not None:
        context.load_cert_chain(str(leaf.cert), str(leaf.key))
    return context


def server_context(ca_file: Path, leaf: Leaf) -> ssl.SSLContext:
    """A scripted peer's listener: TLS 1.3, its leaf, and client certificates verified against ``ca_file``
    when presented (whether one was is recorded by the peer, not enforced)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(str(leaf.cert), str(leaf.key))
    context.load_verify_locations(cafile=str(ca_file))
    context.verify_mode = ssl.CERT_OPTIONAL
    return context
