"""Operator settings of the reference node (A08 §3.5, §5.3; Spec-03 §Discovery; docs/http-api.md).

Everything the node reads from its command line lives here, frozen, so the request path never consults the
environment. Defaults are the contract's: auth required (STG-AUTH-004), 1 MiB bodies, 64 KiB text values
(interpretation text_limit, STG-VAL-004), federation disabled (STG-HTTP-008); with federation, pulls every 30 s
backing off up to 300 s (A08 §6.3, STG-FED-030) and no approval gate (interpretation peer_lifecycle); connections
bounded to 10 s for the headers, 20 s for the body, 5 s idle keep-alive and 64 KiB of headers (STG-ROB-002,
STG-ROB-004).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from reference_node.protocol.peering import DEFAULT_MAX_AGE_S as DEFAULT_DECLARATION_MAX_AGE_S
from reference_node.protocol.quotas import DEFAULT_OPTION as DEFAULT_QUOTA_OPTION
from reference_node.protocol.quotas import OPTIONS as QUOTA_OPTIONS
from reference_node.protocol.quotas import QuotaDefaults
from reference_node.protocol.replication import TRUST_MODES, TrustMode
from reference_node.protocol.source_trust import DEFAULT_WEIGHTS, Weights
from reference_node.protocol.values import DEFAULT_MAX_TEXT_BYTES
from reference_node.recall.config import DEFAULT_RECALL, RecallConfig
from reference_node.storage.audit import DEFAULT_BOUNDS, AuditBounds
from reference_node.storage.facts import DEFAULT_QUERY, DefaultQuery
from reference_node.storage.rows import DEFAULT_MAX_RESPONSE_BYTES

__all__ = [
    "DEFAULT_AUDIT_RETENTION_DAYS",
    "DEFAULT_BODY_TIMEOUT_S",
    "DEFAULT_DECLARATION_MAX_AGE_S",
    "DEFAULT_HEADER_TIMEOUT_S",
    "DEFAULT_KEEP_ALIVE_TIMEOUT_S",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "FEDERATION_PROFILE",
    "MIN_AUDIT_RETENTION_DAYS",
    "NAMESPACES",
    "PROFILES",
    "PROTOCOL_VERSION",
    "SPEC_POINTER",
    "AuthMode",
    "Settings",
    "is_loopback",
]

AuthMode = Literal["required", "none"]

# docs/http-api.md "Connections": seconds from accept (or the first byte of a keep-alive request) to the end of the
# request headers, from there to the end of the body, and of idle keep-alive between requests.
DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_BODY_TIMEOUT_S = 20.0  # under the suite's default --connection-bound (30 s), with room
DEFAULT_KEEP_ALIVE_TIMEOUT_S = 5
# ... and the bytes of a request line with its headers (the HTTP parser buffers them until each is complete).
DEFAULT_MAX_HEADER_BYTES = 64 * 1024
# STG-AUDIT-026/027 (A20 §22.3.3): the node-wide audit log keeps events a year by default, never under 90 days.
DEFAULT_AUDIT_RETENTION_DAYS = 365
MIN_AUDIT_RETENTION_DAYS = 90
# docs/http-api.md: "request body above the node's limit (1 MiB)".
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# The protocol line the node speaks, advertised in discovery (STG-HTTP-006).
PROTOCOL_VERSION = "0.9.0a"
# Spec-16 relation prefixes the node supports (STG-NS-006).
NAMESPACES = ("stigmem:", "rel:", "memory:", "intent:", "garden:")
# Conformance profiles the node claims (vectors/requirements.json "profiles").
PROFILES = ("core-local", "batch", "gardens")
# Claimed in addition when the node runs with --federation (docs/federation-api.md).
FEDERATION_PROFILE = "core-federation"
# Seed §19: manifests, capability tokens and the transparency log, claimed by every federating node.
TRUST_PROFILE = "federation-trust"
SPEC_POINTER = "https://github.com/eidetic-labs/stigmem/blob/main/spec/stigmem-spec-v0.9.0a1.md"


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (TM R-25: auth none only on loopback)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """How one node runs. ``node_url`` None means: derive it from each discovery request."""

    db_path: str
    auth: AuthMode = "required"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES  # STG-ROB-005: the items of one list response
    node_url: str | None = None
    node_authority: str = "localhost"
    access_log: bool = False
    namespaces: tuple[str, ...] = field(default=NAMESPACES)
    federation: bool = False
    federation_key_file: str | None = None
    pull_interval_s: float = 30.0
    pull_backoff_max_s: float = 300.0
    peer_approval: bool = False
    default_query: DefaultQuery = DEFAULT_QUERY
    # Interpretation declaration_signed_at: a declaration older than this (or > 5 min ahead) is rejected; None: any.
    declaration_max_age_s: float | None = DEFAULT_DECLARATION_MAX_AGE_S
    # Interpretation conflict_cardinality (STG-CONF-018): "winner" (default) or "pairwise".
    conflict_cardinality: Literal["winner", "pairwise"] = "winner"
    # Connection bounds (STG-ROB-002, STG-ROB-003; docs/http-api.md "Connections"): accept to end of headers,
    # end of headers to end of body, idle keep-alive; None max_connections: derived from the descriptor limit.
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    keep_alive_timeout_s: int = DEFAULT_KEEP_ALIVE_TIMEOUT_S
    max_connections: int | None = None
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    # STG-ROB-006/007: repeats aggregated within 60 s, at most 100,000 rows kept for at most 365 days.
    audit: AuditBounds = DEFAULT_BOUNDS
    # A20 §19.4 trust_mode: strict routes federated facts without a valid manifest to the quarantine garden.
    trust_mode: TrustMode = "relaxed"
    # A20 §19.4 (STG-TRUST-004): the source-trust weights; non-default ones are published as trust_weights.
    trust_weights: Weights = DEFAULT_WEIGHTS
    # A20 §22.4 (STG-QUOTA-004/005): per-principal quotas apply unless turned off; quota_defaults picks the default
    # ceilings (interpretation quota_defaults), quota_limits replaces some: (dimension or "all", capacity, rate).
    quotas: bool = True
    # Seed "Graph index and recall pipeline": the embedder (STIGMEM_EMBED_*) and STIGMEM_CARD_MAX_AGE_S.
    recall: RecallConfig = DEFAULT_RECALL
    quota_defaults: QuotaDefaults = DEFAULT_QUOTA_OPTION
    quota_limits: tuple[tuple[str, int, float], ...] = ()
    # docs/workers.md: worker processes sharing the database (STG-WORK-002); the nonce cache backend, None (the
    # database, default) or a redis:// URL (STG-WORK-005..007); whether this process runs the pull loop (one
    # worker does, STG-WORK-009).
    workers: int = 1
    trust_cache: str | None = None
    pull_loop: bool = True
    # docs/federation-api.md "mTLS" (STG-TLS-001..011): the node's certificate and key, the CA peers chain to.
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_ca: str | None = None
    # STG-AUDIT-026: days the node-wide audit log keeps an event (--audit-retention-days).
    audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS
    # Spec-X3 (interpretation time_travel_default): as_of is 501 not-loaded by default, 403 disabled, or enabled;
    # the retention floor of as_of (microseconds since the epoch; None: none), the Unix epoch by default.
    time_travel: Literal["not-loaded", "disabled", "enabled"] = "not-loaded"
    as_of_floor_us: int | None = 0
    # A20 19.2 (STG-TLOG-008): the log peers' manifest proofs are checked against (--transparency-log URL); None:
    # each peer's own log (docs/federation-api.md "Transparency log").
    transparency_log_url: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError("--workers must be 1 or more")
        # STG-AUDIT-026: retention under 90 days is refused (A20 §22.3.3: at least 90 days).
        if self.audit_retention_days < MIN_AUDIT_RETENTION_DAYS:
            raise ValueError(f"--audit-retention-days must be at least {MIN_AUDIT_RETENTION_DAYS} "
                             f"(A20 22.3 keeps audit events 90 days or more), not {self.audit_retention_days}")
        if not (self.header_timeout_s > 0 and self.body_timeout_s > 0 and self.keep_alive_timeout_s > 0):
            raise ValueError("--header-timeout, --body-timeout and --keep-alive-timeout must be positive")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError("--max-connections must be positive")
        if (self.max_body_bytes < 1 or self.max_text_bytes < 1 or self.max_header_bytes < 1
                or self.max_response_bytes < 1):
            raise ValueError("size limits must be positive")
        if not (self.pull_interval_s > 0 and self.pull_backoff_max_s > 0):
            raise ValueError("--pull-interval and --pull-backoff-max must be positive")
        if self.default_query not in ("seed-resolution", "s15-history"):
            raise ValueError(f"default_query is 'seed-resolution' or 's15-history', not {self.default_query!r}")
        if self.conflict_cardinality not in ("winner", "pairwise"):
            raise ValueError(f"conflict cardinality is 'winner' or 'pairwise', not {self.conflict_cardinality!r}")
        if self.trust_mode not in TRUST_MODES:
            raise ValueError(f"trust mode is one of {', '.join(TRUST_MODES)}, not {self.trust_mode!r}")
        if self.transparency_log_url is not None and not self.transparency_log_url.startswith(("http://",
                                                                                             "https://")):
            raise ValueError(f"--transparency-log is an http(s) URL, not {self.transparency_log_url!r}")
        if self.quota_defaults not in QUOTA_OPTIONS:
            raise ValueError(f"quota defaults are one of {', '.join(QUOTA_OPTIONS)}, not {self.quota_defaults!r}")
        if len({self.tls_cert is None, self.tls_key is None, self.tls_ca is None}) != 1:
            raise ValueError("--tls-cert, --tls-key and --tls-ca go together (mTLS needs all three)")
        if self.time_travel not in ("not-loaded", "disabled", "enabled"):
            raise ValueError(f"--time-travel is not-loaded, disabled or enabled, not {self.time_travel!r}")
        if self.auth not in ("required", "none"):
            raise ValueError(f"auth is 'required' or 'none', not {self.auth!r}")

    @property
    def auth_required(self) -> bool:
        return self.auth == "required"

    @property
    def mtls(self) -> bool:
        """Whether the node serves TLS and holds federation peers to client certificates."""
        return self.tls_cert is not None

    @property
    def profiles(self) -> tuple[str, ...]:
        """The conformance profiles the node claims in discovery (quarantine: federation in strict trust mode;
        hardening: federation over mTLS with quotas)."""
        # Spec-X2 / Spec-X3: tombstones on every node, time travel when enabled (the routes work only then).
        lifecycle = ("tombstones", *(("time-travel",) if self.time_travel == "enabled" else ()))
        if not self.federation:
            return (*PROFILES, *lifecycle)
        # hardening: mTLS between nodes (STG-TLS) and the quotas on (STG-QUOTA), besides the audit log every node keeps.
        hardened = self.tls_cert is not None and self.quotas
        return (*PROFILES, FEDERATION_PROFILE, TRUST_PROFILE, *(("quarantine",) if self.trust_mode == "strict" else ()),
                *(("hardening",) if hardened else ()), *lifecycle)
