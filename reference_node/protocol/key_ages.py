"""Key ages and rotation due dates (seed §22 "Key rotation"; A20 §22.2; Spec-10 §Key Rotation).

The seed: "Ed25519 signing keys SHOULD be rotated every 90 days (capability issuer) or 365 days (node signing)."
API keys have no rotation period in any source: they get an age and no due date. Times are parameters.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ROTATION_DAYS", "key_age"]

_DAY_US = 86_400 * 1_000_000

# STG-KEY-005, STG-KEY-006: the seed's rotation periods, in days, by key role.
ROTATION_DAYS = {"node_signing": 365, "capability_issuer": 90}


def key_age(role: str, created_us: int, now_us: int) -> dict[str, Any]:
    """``{role, age_days, rotation_days, rotate_by_us, rotation_due}`` of a key created at ``created_us``.

    ``age_days`` is whole days elapsed; ``rotate_by_us`` is creation plus the role's period (None without one);
    ``rotation_due`` is true from that instant on."""
    period = ROTATION_DAYS.get(role)
    age_days = max(0, now_us - created_us) // _DAY_US
    # STG-KEY-005: a signing key is due for rotation once its period has elapsed since creation.
    rotate_by = None if period is None else created_us + period * _DAY_US
    return {"role": role, "age_days": age_days, "rotation_days": period, "rotate_by_us": rotate_by,
            "rotation_due": rotate_by is not None and now_us >= rotate_by}
