"""Entity URI normalization vectors: ``vectors/entity_uri/normalize.json`` (STG-URI-002..009).

Hand-written table: every expected form below was worked out from Spec-01's steps and the options of
``entity_percent_encoding``, ``entity_whitespace``, ``entity_empty_segments`` and ``informal_uris``.
No normalizer computes them, so a bug in one cannot hide in the other.
"""

from __future__ import annotations

from conformance.generate.writer import Case, VectorFile, invalid, valid

PCT = {"entity_percent_encoding": "rfc3986"}
WS = {"entity_whitespace": "ascii-all-segments"}
EMPTY = {"entity_empty_segments": "reject"}
INFORMAL = {"informal_uris": "accept"}

NOTES = {
    "Trim": {"description": "Leading and trailing whitespace.", "effect": "One entity stored under two keys.",
             "requirements": "STG-URI-002"},
    "Collapse": {"description": "Internal whitespace runs collapse to one dash.",
                 "effect": "Spacing variants become separate entities.", "requirements": "STG-URI-003"},
    "Case": {"description": "Scheme, authority, type and id are lowercased.",
             "effect": "Case variants become separate entities.", "requirements": "STG-URI-004"},
    "Percent": {"description": "Percent-encoding normalized per RFC 3986 unreserved set.",
                "effect": "Encoded and literal spellings become separate entities.", "requirements": "STG-URI-005"},
    "EmptySegment": {"description": "A formal URI with an empty or missing authority, type or id.",
                     "effect": "Malformed identities are stored.", "requirements": "STG-URI-006"},
    "Idempotent": {"description": "An already-normalized URI is unchanged.",
                   "effect": "Re-normalizing moves facts between entities.", "requirements": "STG-URI-008"},
    "Informal": {"description": "An informal scheme:rest URI.", "effect": "Legacy entities are lost or duplicated.",
                 "requirements": "STG-URI-009"},
    "NoScheme": {"description": "Neither a formal nor an informal URI.", "effect": "Unaddressable entities are stored.",
                 "requirements": "STG-URI-009"},
    "UnicodeSpace": {"description": "A non-ASCII space character.",
                     "effect": "Unicode whitespace handling differs between languages.",
                     "requirements": "STG-URI-003"},
    "Upstream": {"description": "Expected value under the upstream options.",
                 "effect": "Only informative for nodes using those options.", "requirements": "STG-URI-005"},
}

A = "stigmem://a.example"

# (description, input, expected or None for invalid_entity_uri, flags, requirements, interpretations)
CASES: list[tuple[str, str, str | None, tuple[str, ...], tuple[str, ...], dict[str, str]]] = [
    ("Worked example with surrounding spaces and mixed case", " stigmem://Company.Example/User/Alice ",
     "stigmem://company.example/user/alice", ("Trim", "Case"), ("STG-URI-002", "STG-URI-004"), {}),
    ("Worked example with a mixed-case id", "stigmem://company.example/Issue/EG-42",
     "stigmem://company.example/issue/eg-42", ("Case",), ("STG-URI-004",), {}),
    ("Informal URI with a space", "user:Alice Smith", "user:alice-smith", ("Informal", "Collapse"),
     ("STG-URI-003", "STG-URI-009"), INFORMAL),
    ("Uppercase scheme", "STIGMEM://Example.org/User/Bob", "stigmem://example.org/user/bob", ("Case",),
     ("STG-URI-004",), {}),
    ("Normalized URI is unchanged", f"{A}/user/alice", f"{A}/user/alice", ("Idempotent",), ("STG-URI-008",), {}),
    ("Tab and spaces in the id collapse to one dash", f"{A}/user/Alice  \t Smith", f"{A}/user/alice-smith",
     ("Collapse",), ("STG-URI-003",), WS),
    ("Whitespace in the type segment collapses", f"{A}/Team Lead/x", f"{A}/team-lead/x", ("Collapse",),
     ("STG-URI-003",), WS),
    ("Whitespace around a segment is trimmed", f"{A}/ user /  alice ", f"{A}/user/alice", ("Trim",),
     ("STG-URI-002",), WS),
    ("Newline and carriage return collapse", f"{A}/note/a\r\nb", f"{A}/note/a-b", ("Collapse",),
     ("STG-URI-003",), WS),
    ("Trailing tab and newline are trimmed", f"{A}/user/alice\t\n", f"{A}/user/alice", ("Trim",),
     ("STG-URI-002",), {}),
    ("Escaped unreserved letter is decoded", f"{A}/user/al%69ce", f"{A}/user/alice", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Escaped uppercase letter is decoded then lowercased", f"{A}/user/al%49CE", f"{A}/user/alice", ("Percent",),
     ("STG-URI-005", "STG-URI-008"), PCT),
    ("Escaped tilde is decoded", f"{A}/user/%7Ealice", f"{A}/user/~alice", ("Percent",), ("STG-URI-005",), PCT),
    ("Escaped digit and dash are decoded", f"{A}/issue/eg%2D%34%32", f"{A}/issue/eg-42", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Lowercase hex of a kept escape is uppercased", f"{A}/user/jos%c3%a9", f"{A}/user/jos%C3%A9", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Non-ASCII letter is percent-encoded", f"{A}/user/Jos\u00e9", f"{A}/user/jos%C3%A9", ("Percent", "Case"),
     ("STG-URI-004", "STG-URI-005"), PCT),
    ("Encoded URI is unchanged", f"{A}/user/jos%C3%A9", f"{A}/user/jos%C3%A9", ("Percent", "Idempotent"),
     ("STG-URI-005", "STG-URI-008"), PCT),
    ("Escaped slash stays escaped", f"{A}/doc/a%2fb", f"{A}/doc/a%2Fb", ("Percent",), ("STG-URI-005",), PCT),
    ("Lone percent sign is encoded", f"{A}/metric/100%", f"{A}/metric/100%25", ("Percent",), ("STG-URI-005",),
     PCT),
    ("Reserved characters in the id are encoded", f"{A}/user/a:b@c", f"{A}/user/a%3Ab%40c", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Encoded space stays encoded", f"{A}/user/a%20b", f"{A}/user/a%20b", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Unreserved punctuation is kept", f"{A}/user/tilde~dot.under_score-dash", f"{A}/user/tilde~dot.under_score-dash",
     ("Percent", "Idempotent"), ("STG-URI-005", "STG-URI-008"), PCT),
    ("The id may contain slashes", f"{A}/doc/Folder/File", f"{A}/doc/folder/file", ("Case",), ("STG-URI-004",),
     EMPTY),
    ("No-break space is not whitespace", f"{A}/user/alice\u00a0smith", f"{A}/user/alice%C2%A0smith",
     ("UnicodeSpace", "Percent"), ("STG-URI-003", "STG-URI-005"), WS | PCT),
    ("Informal URI in mixed case", "Agent:CTO", "agent:cto", ("Informal", "Case"), ("STG-URI-009",), INFORMAL),
    ("Informal URI with surrounding whitespace", "  agent:cto  ", "agent:cto", ("Informal", "Trim"),
     ("STG-URI-002", "STG-URI-009"), INFORMAL),
    ("Informal URI with a tab", "user:Alice\tSmith", "user:alice-smith", ("Informal", "Collapse"),
     ("STG-URI-003", "STG-URI-009"), INFORMAL),
    ("Informal URI keeps non-ASCII letters", "agent:Jos\u00e9", "agent:jos\u00e9", ("Informal",),
     ("STG-URI-009",), INFORMAL),
    ("Informal URI keeps percent escapes as they are", "user:al%69ce", "user:al%69ce", ("Informal",),
     ("STG-URI-009",), INFORMAL),
    ("Informal system source", "system:stigmem", "system:stigmem", ("Informal", "Idempotent"),
     ("STG-URI-008", "STG-URI-009"), INFORMAL),
    ("Empty string", "", None, ("EmptySegment",), ("STG-URI-006",), {}),
    ("Whitespace only", "   ", None, ("EmptySegment",), ("STG-URI-006",), {}),
    ("Empty authority", "stigmem:///user/alice", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Empty type", f"{A}//alice", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Empty id", f"{A}/user/", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Missing id segment", f"{A}/user", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Authority only", A, None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Scheme only", "stigmem://", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Uppercase scheme with empty authority", "STIGMEM:///User/x", None, ("EmptySegment",), ("STG-URI-006",),
     EMPTY),
    ("Whitespace-only authority", "stigmem://  /user/alice", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Whitespace-only type", f"{A}/   /alice", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("Whitespace-only id", f"{A}/user/ \t ", None, ("EmptySegment",), ("STG-URI-006",), EMPTY),
    ("No scheme at all", "alice", None, ("NoScheme",), ("STG-URI-009",), INFORMAL),
    ("Empty scheme", ":alice", None, ("NoScheme",), ("STG-URI-009",), INFORMAL),
    ("Informal URI with nothing after the colon", "user:", None, ("NoScheme",), ("STG-URI-009",), INFORMAL),
    ("Informal URI with only whitespace after the colon", "user:   ", None, ("NoScheme",), ("STG-URI-009",),
     INFORMAL),
    ("Scheme starting with a digit", "1user:x", None, ("NoScheme",), ("STG-URI-009",), INFORMAL),
    ("Upstream keeps escapes undecoded", f"{A}/user/al%69ce", f"{A}/user/al%69ce", ("Upstream",),
     ("STG-URI-005",), {"entity_percent_encoding": "none"}),
    ("Upstream accepts an empty authority as informal", "stigmem:///User/Alice", "stigmem:///user/alice",
     ("Upstream",), ("STG-URI-006",), {"entity_empty_segments": "accept-as-informal"}),
    ("Upstream collapses a no-break space in the id", f"{A}/user/alice\u00a0smith", f"{A}/user/alice-smith",
     ("Upstream",), ("STG-URI-003",), {"entity_whitespace": "unicode-id-only"}),
    ("Upstream keeps whitespace in the type segment", f"{A}/Team Lead/x", f"{A}/team lead/x", ("Upstream",),
     ("STG-URI-003",), {"entity_whitespace": "unicode-id-only", "entity_percent_encoding": "none"}),
    ("Trailing whitespace inside each segment is trimmed", f"{A} /user /alice", f"{A}/user/alice", ("Trim",),
     ("STG-URI-002",), WS | EMPTY),
    ("Tab-only authority", "stigmem://\t/user/alice", None, ("EmptySegment",), ("STG-URI-006",), WS | EMPTY),
    ("Percent sign before an escape is encoded in one pass", f"{A}/t/%%34%31", f"{A}/t/%2541", ("Percent", "Idempotent"),
     ("STG-URI-005", "STG-URI-008"), PCT),
    ("Encoded percent sign stays encoded", f"{A}/t/%2541", f"{A}/t/%2541", ("Percent", "Idempotent"),
     ("STG-URI-005", "STG-URI-008"), PCT),
    ("Uppercase non-ASCII letter is lowercased before encoding", f"{A}/user/JOS\u00c9", f"{A}/user/jos%C3%A9",
     ("Percent", "Case"), ("STG-URI-004", "STG-URI-005"), PCT),
    # Appended for the automatic mutation sweep (tests/mutants/sweep.py): ids after this line are new.
    ("A letter X at the ends of the type and id is no whitespace", f"{A}/Xray/Xavier", f"{A}/xray/xavier",
     ("Trim", "Case"), ("STG-URI-002", "STG-URI-004"), {}),
    ("Percent sign followed by a non-hex letter is encoded", f"{A}/user/a%XAb", f"{A}/user/a%25xab", ("Percent",),
     ("STG-URI-005",), PCT),
    ("Percent sign with one hex digit at the end of the id is encoded", f"{A}/user/alice%4", f"{A}/user/alice%254",
     ("Percent",), ("STG-URI-005",), PCT),
    ("Trailing no-break space in the id is kept and encoded", f"{A}/user/alice\u00a0", f"{A}/user/alice%C2%A0",
     ("UnicodeSpace", "Trim", "Percent"), ("STG-URI-002", "STG-URI-005"), WS | PCT),
    ("Leading ideographic space in the type is kept and encoded", f"{A}/\u3000user/alice",
     f"{A}/%E3%80%80user/alice", ("UnicodeSpace", "Trim", "Percent"), ("STG-URI-002", "STG-URI-005"), WS | PCT),
    ("Upstream trims a trailing no-break space from the id", f"{A}/user/alice\u00a0", f"{A}/user/alice",
     ("Upstream",), ("STG-URI-002",), {"entity_whitespace": "unicode-id-only"}),
    ("Informal URI is rejected when only formal URIs are accepted", "user:alice", None, ("Informal",),
     ("STG-URI-009",), {"informal_uris": "reject"}),
    # Blind round 2 (b2-uri-informal-no-collapse-each-space): a run of mixed whitespace is one hyphen, as in paths.
    ("Informal URI with a run of spaces and a tab collapses to one hyphen", "user:Alice  \t Smith",
     "user:alice-smith", ("Informal", "Collapse"), ("STG-URI-003", "STG-URI-009"), INFORMAL),
]


def files() -> list[VectorFile]:
    vf = VectorFile("entity_uri", "normalize", "Normalized form of an entity or source URI.", NOTES,
                    source={"name": "Spec-01-Fact-Model, Entity Naming Rules", "worked_by": "hand"})
    for description, uri, expected, flags, reqs, interp in CASES:
        result = valid(uri=expected) if expected is not None else invalid("invalid_entity_uri")
        vf.add(Case(description, reqs, {"uri": uri}, result, flags, interp or None))
    return [vf]
