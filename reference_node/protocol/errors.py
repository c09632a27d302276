"""Every rejection the pure protocol core can make, as one tree of typed errors.

Each class has a stable ``code`` (the error codes of docs/adapter-protocol.md, which the HTTP layer maps to a status
in one table) and a default ``requirement`` id from vectors/requirements.json; a guard that enforces a more specific
requirement passes it explicitly. The node never uses ``assert`` for a protocol rule (``python -O`` strips them).

    ProtocolError
     ├── JcsError: JcsInvalidUtf8, JcsInvalidJson, JcsDuplicateKey, JcsLoneSurrogate, JcsNumberOutOfRange
     ├── InvalidEntityUri
     ├── ValueInvalid, ValueTooLarge, FactInvalid
     ├── CidMalformed, CidMismatch
     ├── HlcMalformed, HlcSkewFuture, HlcSkewPast
     ├── SignatureDocumentInvalid, KeyMalformed, SignatureMalformed, SignatureInvalid
     ├── GardenSlugInvalid
     ├── RotationEntryInvalid, RotationChainGap, RotationChainRegression, RotationSignatureInvalid
     ├── InclusionProofInvalid, ConsistencyProofInvalid, CheckpointMalformed, CheckpointSignatureInvalid,
     │   TransparencyLogUnavailable
     └── TokenMalformed, TokenWrongAudience, TokenLifetimeExceeded, TokenNotYetValid, TokenExpired,
         NonceAlreadySeen
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CheckpointMalformed",
    "CheckpointSignatureInvalid",
    "CidMalformed",
    "CidMismatch",
    "ConsistencyProofInvalid",
    "FactInvalid",
    "GardenSlugInvalid",
    "HlcMalformed",
    "HlcSkewFuture",
    "HlcSkewPast",
    "InclusionProofInvalid",
    "InvalidEntityUri",
    "JcsDuplicateKey",
    "JcsError",
    "JcsInvalidJson",
    "JcsInvalidUtf8",
    "JcsLoneSurrogate",
    "JcsNumberOutOfRange",
    "KeyMalformed",
    "NonceAlreadySeen",
    "ProtocolError",
    "RotationChainGap",
    "RotationChainRegression",
    "RotationEntryInvalid",
    "RotationSignatureInvalid",
    "SignatureDocumentInvalid",
    "SignatureInvalid",
    "SignatureMalformed",
    "TokenExpired",
    "TokenLifetimeExceeded",
    "TokenMalformed",
    "TokenNotYetValid",
    "TokenWrongAudience",
    "TransparencyLogUnavailable",
    "ValueInvalid",
    "ValueTooLarge",
]


class ProtocolError(Exception):
    """An input the protocol rejects: ``code`` says what, ``requirement`` says which rule."""

    code: ClassVar[str] = "protocol_error"
    requirement: str = ""

    def __init__(self, message: str, requirement: str | None = None) -> None:
        super().__init__(message)
        if requirement is not None:
            self.requirement = requirement


class JcsError(ProtocolError):
    """The bytes or object cannot be canonicalized under RFC 8785."""

    code = "jcs_invalid_json"
    requirement = "STG-JCS-005"


class JcsInvalidUtf8(JcsError):
    code = "jcs_invalid_utf8"
    requirement = "STG-JCS-008"


class JcsInvalidJson(JcsError):
    code = "jcs_invalid_json"
    requirement = "STG-JCS-005"


class JcsDuplicateKey(JcsError):
    code = "jcs_duplicate_key"
    requirement = "STG-JCS-005"


class JcsLoneSurrogate(JcsError):
    code = "jcs_lone_surrogate"
    requirement = "STG-JCS-006"


class JcsNumberOutOfRange(JcsError):
    code = "jcs_number_out_of_range"
    requirement = "STG-JCS-007"


class InvalidEntityUri(ProtocolError):
    code = "invalid_entity_uri"
    requirement = "STG-URI-010"


class ValueInvalid(ProtocolError):
    code = "value_invalid"
    requirement = "STG-VAL-002"


class ValueTooLarge(ProtocolError):
    code = "value_too_large"
    requirement = "STG-VAL-004"


class FactInvalid(ProtocolError):
    code = "fact_invalid"
    requirement = "STG-FACT-007"


class GardenSlugInvalid(ProtocolError):
    code = "invalid_slug"
    requirement = "STG-SCOPE-009"


class CidMalformed(ProtocolError):
    code = "cid_malformed"
    requirement = "STG-CID-006"


class CidMismatch(ProtocolError):
    code = "cid_mismatch"
    requirement = "STG-CID-013"


class HlcMalformed(ProtocolError):
    code = "hlc_malformed"
    requirement = "STG-HLC-013"


class HlcSkewFuture(ProtocolError):
    code = "hlc_skew_future"
    requirement = "STG-HLC-007"


class HlcSkewPast(ProtocolError):
    code = "hlc_skew_past"
    requirement = "STG-HLC-007"


class SignatureDocumentInvalid(ProtocolError):
    code = "signature_document_invalid"
    requirement = "STG-SIG-001"


class KeyMalformed(ProtocolError):
    code = "key_malformed"
    requirement = "STG-SIG-002"


class SignatureMalformed(ProtocolError):
    code = "signature_malformed"
    requirement = "STG-SIG-002"


class SignatureInvalid(ProtocolError):
    code = "signature_invalid"
    requirement = "STG-SIG-006"


class TokenMalformed(ProtocolError):
    code = "token_malformed"
    requirement = "STG-TOK-001"


class TokenWrongAudience(ProtocolError):
    code = "token_wrong_audience"
    requirement = "STG-TOK-004"


class TokenLifetimeExceeded(ProtocolError):
    code = "token_lifetime_exceeded"
    requirement = "STG-TOK-002"


class TokenNotYetValid(ProtocolError):
    code = "token_not_yet_valid"
    requirement = "STG-TOK-005"


class TokenExpired(ProtocolError):
    code = "token_expired"
    requirement = "STG-TOK-005"


class NonceAlreadySeen(ProtocolError):
    code = "nonce_already_seen"
    requirement = "STG-TOK-006"


class RotationEntryInvalid(ProtocolError):
    code = "rotation_entry_invalid"
    requirement = "STG-KEY-009"


class RotationSignatureInvalid(ProtocolError):
    code = "rotation_signature_invalid"
    requirement = "STG-KEY-010"


class RotationChainGap(ProtocolError):
    code = "rotation_chain_gap"
    requirement = "STG-KEY-011"


class RotationChainRegression(ProtocolError):
    code = "rotation_chain_regression"
    requirement = "STG-KEY-012"


class InclusionProofInvalid(ProtocolError):
    code = "inclusion_proof_invalid"  # A20 §19.9
    requirement = "STG-TLOG-003"


class ConsistencyProofInvalid(ProtocolError):
    code = "consistency_proof_invalid"
    requirement = "STG-TLOG-004"


class CheckpointMalformed(ProtocolError):
    code = "checkpoint_malformed"
    requirement = "STG-TLOG-005"


class CheckpointSignatureInvalid(ProtocolError):
    code = "checkpoint_signature_invalid"
    requirement = "STG-TLOG-005"


class TransparencyLogUnavailable(ProtocolError):
    code = "transparency_log_unavailable"  # A20 §19.9: 503
    requirement = "STG-TLOG-008"
