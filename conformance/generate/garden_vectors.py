"""Garden slug and garden URI vectors: ``vectors/gardens/slug.json`` (STG-SCOPE-009).

Each case states its expected slug by hand; the generator also asks ``conformance.oracle.gardens`` and refuses to
write a file where the two disagree, so neither the table nor the oracle decides alone.
"""

from __future__ import annotations

from conformance.generate.writer import Case, VectorFile, invalid, valid
from conformance.oracle import gardens as oracle

REQ = ("STG-SCOPE-009",)
NOTES = {
    "Lowercase": {"description": "ASCII capitals are lower-cased before the pattern is applied.",
                  "effect": "Case variants become separate gardens, or a valid slug is refused.",
                  "requirements": "STG-SCOPE-009"},
    "Length": {"description": "Slugs are 1 to 63 characters.", "effect": "Over-long slugs are stored, or the "
               "longest valid one is refused.", "requirements": "STG-SCOPE-009"},
    "Pattern": {"description": "A character outside a-z, 0-9 and '-', or a leading '-'.",
                "effect": "Slugs that are not URI-safe end up in garden_id.", "requirements": "STG-SCOPE-009"},
    "NonAscii": {"description": "A non-ASCII character, also one whose Unicode lower case is ASCII.",
                 "effect": "The KELVIN SIGN becomes 'k' and two spellings name one garden.",
                 "requirements": "STG-SCOPE-009"},
    "TrailingNewline": {"description": "A final newline, which a regex '$' lets through.",
                        "effect": "A slug with a newline is stored.", "requirements": "STG-SCOPE-009"},
    "NotString": {"description": "A slug that is not a JSON string.", "effect": "The node crashes or coerces it.",
                  "requirements": "STG-SCOPE-009"},
    "GardenUri": {"description": "garden_id is stigmem://{node_authority, lower-cased}/garden/{slug}.",
                  "effect": "Garden facts name a garden no other node part can resolve.",
                  "requirements": "STG-SCOPE-009"},
}

AUTH = "node-a.example"
L63 = "a" + "0123456789" * 6 + "bc"  # 63 characters

# (description, slug, node_authority, expected slug or None, flags)
CASES: list[tuple[str, object, str, str | None, tuple[str, ...]]] = [
    ("Lower-case slug is kept", "conf-alpha", AUTH, "conf-alpha", ("GardenUri",)),
    ("Mixed-case slug is lower-cased", "Conf-Alpha", AUTH, "conf-alpha", ("Lowercase", "GardenUri")),
    ("Upper-case node authority is lower-cased in garden_id", "team", "Node-A.EXAMPLE", "team", ("GardenUri",)),
    ("One character is the shortest slug", "x", AUTH, "x", ("Length",)),
    ("A digit may start a slug", "7seas", AUTH, "7seas", ("Pattern",)),
    ("Dashes inside and at the end are allowed", "a--b-", AUTH, "a--b-", ("Pattern",)),
    ("63 characters is the longest slug", L63, AUTH, L63, ("Length",)),
    ("63 capitals are lower-cased and kept", L63.upper(), AUTH, L63, ("Length", "Lowercase")),
    ("64 characters is too long", L63 + "c", AUTH, None, ("Length",)),
    ("Empty slug", "", AUTH, None, ("Length",)),
    ("Leading dash", "-alpha", AUTH, None, ("Pattern",)),
    ("Underscore", "conf_alpha", AUTH, None, ("Pattern",)),
    ("Underscore and exclamation mark", "Invalid_Slug!", AUTH, None, ("Pattern",)),
    ("Inner space", "conf alpha", AUTH, None, ("Pattern",)),
    ("Leading space", " alpha", AUTH, None, ("Pattern",)),
    ("Dot", "conf.alpha", AUTH, None, ("Pattern",)),
    ("Slash", "conf/alpha", AUTH, None, ("Pattern",)),
    ("Trailing newline", "alpha\n", AUTH, None, ("TrailingNewline",)),
    ("KELVIN SIGN is not lower-cased to k", "\u212aelvin", AUTH, None, ("NonAscii",)),
    ("Dotted capital I is not lower-cased to i", "\u0130ndex", AUTH, None, ("NonAscii",)),
    ("Latin small a with diaeresis", "b\u00e4r", AUTH, None, ("NonAscii",)),
    ("Fullwidth digit", "team\uff11", AUTH, None, ("NonAscii",)),
    ("Integer slug", 42, AUTH, None, ("NotString",)),
    ("Null slug", None, AUTH, None, ("NotString",)),
    ("Array slug", ["alpha"], AUTH, None, ("NotString",)),
]


def files() -> list[VectorFile]:
    vf = VectorFile("gardens", "slug", "Stored slug and garden_id of a garden slug, or invalid_slug.", NOTES,
                    source={"name": "Spec-02-Scopes-and-ACL, Memory Garden Primitive; A10 5.14", "worked_by": "hand"})
    for description, raw, authority, expected, flags in CASES:
        if oracle.slug(raw) != expected:
            raise ValueError(f"gardens/slug {description!r}: the table says {expected!r}, the oracle "
                             f"{oracle.slug(raw)!r}")
        if expected is None:
            result = invalid("invalid_slug")
        else:
            result = valid(slug=expected, garden_id=f"stigmem://{authority.lower()}/garden/{expected}")
        vf.add(Case(description, REQ, {"slug": raw, "node_authority": authority}, result, flags))
    return [vf]
