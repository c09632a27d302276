"""``keygen`` and ``manifest publish``, the seed's federation-trust steps (seed "Federation trust (§19)"; Spec-04).

    stigmem-reference-node keygen --out FILE
    stigmem-reference-node manifest publish --entity-uri URI --key FILE [--entities URI ...] [--validity-days N]
                           [--rotate-from OLD_KEY_FILE] (--db PATH | --node URL --admin-key KEY)

``keygen`` writes a fresh Ed25519 key as a PKCS#8 PEM, mode 0600, and refuses to overwrite a file; it prints the
public key and its key id. ``manifest publish`` signs a manifest for ``--entity-uri`` (listed first, then
``--entities``) valid for ``--validity-days`` (default 30) and stores it in the database (``--db``) or PUTs it to
a running node (``--node``, an admin key). The rotation events of the manifest already kept for the entity are
carried over; ``--rotate-from`` adds one, signed by the old key, when ``--key`` replaces it (STG-MAN-010).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from reference_node.federation.key_file import load_seed
from reference_node.protocol import base64url, manifests
from reference_node.protocol.manifests import ManifestError

__all__ = ["keygen", "manifest"]

_TIMEOUT_S = 10.0


def keygen(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="stigmem-reference-node keygen", description="Write a new Ed25519 key.")
    parser.add_argument("--out", required=True, help="the PEM file to create (never overwritten)")
    args = parser.parse_args(argv)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"error: {args.out} exists; keygen never overwrites a key", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot create {args.out}: {exc}", file=sys.stderr)
        return 1
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(pem)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    print(json.dumps({"out": args.out, "public_key": base64url.encode(public), "key_id": manifests.key_id(public)}),
          flush=True)
    return 0


def _validity_days(text: str) -> float:
    """--validity-days, refused at parse time outside the window a manifest may have (24 h to 365 days)."""
    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    seconds = days * 86_400
    if not (math.isfinite(seconds) and manifests.MIN_VALIDITY.total_seconds() <= seconds
            <= manifests.MAX_VALIDITY.total_seconds()):
        raise argparse.ArgumentTypeError("a manifest is valid 1 to 365 days (Spec-04; A20 19.1.2)")
    return days


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stigmem-reference-node manifest", description="Publish an org manifest.")
    commands = parser.add_subparsers(dest="action", required=True)
    publish = commands.add_parser("publish", help="sign a manifest and store it (--db) or PUT it (--node)")
    publish.add_argument("--entity-uri", required=True)
    publish.add_argument("--key", required=True, help="the signing key (PEM, 64 hex or 43 base64url)")
    publish.add_argument("--entities", nargs="+", default=[], metavar="URI", help="more entities to list")
    publish.add_argument("--validity-days", type=_validity_days, default=30.0,
                         help="days from now to expires_at: 1 to 365 (the manifest's window; default 30)")
    publish.add_argument("--rotate-from", default=None, metavar="OLD_KEY_FILE",
                         help="the key --key replaces: adds a rotation event signed by it")
    where = publish.add_mutually_exclusive_group(required=True)
    where.add_argument("--db")
    where.add_argument("--node", help="a running node's URL, e.g. http://127.0.0.1:8787")
    publish.add_argument("--admin-key", help="an admin API key of --node")
    return parser


def _build(args: argparse.Namespace, previous: dict[str, Any] | None) -> dict[str, Any]:
    seed = load_seed(args.key)
    events = list(previous["rotation_events"]) if previous else []
    now = datetime.now(UTC).replace(microsecond=0)
    if args.rotate_from:
        new_raw = base64url.decode(manifests.sign_manifest({}, seed)["public_key"], length=32)
        events.append(manifests.sign_rotation_event(args.entity_uri, load_seed(args.rotate_from), new_raw,
                                                    manifests.format_time(now)))
    return manifests.new_manifest(args.entity_uri, seed, manifests.format_time(now),
                                  timedelta(days=args.validity_days), args.entities, events)


def _publish_db(args: argparse.Namespace) -> dict[str, Any]:
    from reference_node.clock import SystemClock, format_timestamp
    from reference_node.storage import Store, federation_keys, transparency_log
    from reference_node.storage import manifests as rows

    store = Store.open(args.db, SystemClock())
    try:
        with store.db.transaction() as conn:
            manifest = _build(args, rows.current(conn, args.entity_uri))
            # STG-TLOG-011: logged like a PUT, once the node has a log key (its federation key).
            logged = federation_keys.active_seed(conn) is not None
            if logged:
                transparency_log.configure(conn, store.authority)
            ident, _ = rows.publish(conn, manifest, "published", datetime.now(UTC), format_timestamp(store.now_us()),
                                    "cli", to_log=logged)
            index = transparency_log.index_of_body(conn, "manifest", manifest) if logged else None
    finally:
        store.close()
    url = None if index is None else f"/v1/federation/transparency-log/entries/{index}"
    return {"manifest_id": ident, "log_entry_url": url, "entity_uri": args.entity_uri,
            "key_id": manifest["key_id"], "expires_at": manifest["expires_at"]}


def _publish_node(args: argparse.Namespace) -> dict[str, Any]:
    base = args.node.rstrip("/")
    headers = {"Authorization": f"Bearer {args.admin_key}"} if args.admin_key else {}
    with httpx.Client(timeout=_TIMEOUT_S, trust_env=False) as client:
        found = client.get(f"{base}/v1/federation/manifest/{quote(args.entity_uri, safe='')}")
        previous = found.json() if found.status_code == 200 else None
        manifest = _build(args, previous if previous and previous.get("entity_uri") == args.entity_uri else None)
        answer = client.put(f"{base}/v1/federation/manifest", json=manifest, headers=headers)
    if answer.status_code != 200:
        refusal = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
        code = refusal.get("error") if isinstance(refusal, dict) else None
        raise ManifestError(str(code or "manifest_invalid"),
                            f"the node answered {answer.status_code}: {answer.text[:300]}")
    return {**answer.json(), "entity_uri": args.entity_uri, "key_id": manifest["key_id"],
            "expires_at": manifest["expires_at"]}


def manifest(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        result = _publish_db(args) if args.db else _publish_node(args)
    except ManifestError as exc:
        chain = exc.code == "manifest_rotation_chain_invalid"
        hint = " (a new --key needs --rotate-from OLD_KEY_FILE)" if chain else ""
        print(f"error: {exc.code}: {exc.detail}{hint}", file=sys.stderr)
        return 1
    except (OSError, ValueError, httpx.HTTPError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result), flush=True)
    return 0
