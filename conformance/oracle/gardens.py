"""The suite's own model of garden slugs and garden URIs (Spec-02 §Memory Garden Primitive; A10 §5.14, §17.2).

STG-SCOPE-009: a slug is lower-cased, then must be 1 to 63 characters of ``a-z``, ``0-9`` and ``-``, not starting
with ``-``; a garden's ``garden_id`` is ``stigmem://{node_authority}/garden/{slug}``. Written character by character
rather than with the spec's regular expression, so a regex pitfall (``$`` before a final newline, Unicode case
folding that turns the KELVIN SIGN into ``k``) in a node cannot hide here. Uniqueness is a store rule, checked over
HTTP (``http:garden_create``).

>>> slug("Conf-Alpha"), garden_id("Node.Example", "conf-alpha")
('conf-alpha', 'stigmem://node.example/garden/conf-alpha')
>>> slug("\\u212aelvin") is None, slug("-x") is None, slug("a" * 64) is None
(True, True, True)
"""

from __future__ import annotations

__all__ = ["MAX_LENGTH", "garden_id", "slug"]

MAX_LENGTH = 63
_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_REST = _FIRST | {"-"}


def slug(raw: object) -> str | None:
    """The stored slug, or None when ``raw`` is no slug (422 ``invalid_slug``)."""
    if not isinstance(raw, str) or not raw.isascii():
        return None  # lower-casing applies to ASCII letters only; any other character is outside the pattern
    lowered = raw.lower()
    if not 1 <= len(lowered) <= MAX_LENGTH or lowered[0] not in _FIRST:
        return None
    return lowered if all(c in _REST for c in lowered) else None


def garden_id(node_authority: str, raw: object) -> str | None:
    """The garden URI of slug ``raw`` on a node of ``node_authority``, or None for a bad slug."""
    stored = slug(raw)
    return None if stored is None else f"stigmem://{node_authority.lower()}/garden/{stored}"
