"""reference_node.protocol.entity_uri: Spec-01 Entity Naming Rules steps 1-5 and the interpretation options."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_node.protocol.entity_uri import NormalizeOptions, normalize
from reference_node.protocol.errors import InvalidEntityUri


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Spec-01 §Entity Naming Rules, worked examples.
        (" stigmem://Company.Example/User/Alice ", "stigmem://company.example/user/alice"),
        ("stigmem://company.example/Issue/EG-42", "stigmem://company.example/issue/eg-42"),
        ("user:Alice Smith", "user:alice-smith"),
        # STG-URI-002/003: trim the string and each segment, then whitespace runs collapse in type and id.
        ("\t stigmem://a/Bug Type/x \n\r y\f", "stigmem://a/bug-type/x-y"),
        ("stigmem:// A /\tuser /\vx  y ", "stigmem://a/user/x-y"),
        ("stigmem://my host/t/x", "stigmem://my host/t/x"),
        # STG-URI-004: the scheme is lowercased too.
        ("STIGMEM://A/B/C", "stigmem://a/b/c"),
        # STG-URI-005: unreserved escapes decode, others get uppercase hex, the rest is encoded.
        ("stigmem://a/user/al%69ce", "stigmem://a/user/alice"),
        ("stigmem://a/user/al%49ce", "stigmem://a/user/alice"),
        ("stigmem://a/t/%7e%2d%2E%5F", "stigmem://a/t/~-._"),
        ("stigmem://a/t/x%2fy%3a", "stigmem://a/t/x%2Fy%3A"),
        ("stigmem://a/t/Café", "stigmem://a/t/caf%C3%A9"),
        ("stigmem://a/t/a?b#c:d@e", "stigmem://a/t/a%3Fb%23c%3Ad%40e"),
        ("stigmem://a/t/50%", "stigmem://a/t/50%25"),
        ("stigmem://a/t/%zz", "stigmem://a/t/%25zz"),
        # Interpretation entity_whitespace=ascii-all-segments: U+00A0 is encoded, not collapsed.
        ("stigmem://a/t/x\u00a0y", "stigmem://a/t/x%C2%A0y"),
        # Interpretation entity_empty_segments=reject: the id may contain '/'.
        ("stigmem://a/t/x/Y", "stigmem://a/t/x/y"),
        # Informal URIs (interpretation informal_uris=accept): no percent handling.
        ("Agent:CTO", "agent:cto"),
        ("urn:isbn:0451450523", "urn:isbn:0451450523"),
        ("user:al%69ce", "user:al%69ce"),
        ("stigmem:conflict:ABC", "stigmem:conflict:abc"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "stigmem:///user/alice",
        "stigmem://a//x",
        "stigmem://a/t/",
        "stigmem://a/t",
        "stigmem://a",
        "Stigmem://",
        "stigmem:// /t/x",
        "stigmem://a/\t/x",
        "stigmem://a/t/ \n",
    ],
)
def test_rejects_empty_formal_segment(raw):
    with pytest.raises(InvalidEntityUri) as caught:
        normalize(raw)
    assert caught.value.requirement == "STG-URI-006"
    assert caught.value.code == "invalid_entity_uri"


@pytest.mark.parametrize("raw", ["", "   ", "alice", "1user:x", ":x", "user:", "user:  \t", "a b:c", 42, None])
def test_rejects_non_uri(raw):
    with pytest.raises(InvalidEntityUri):
        normalize(raw)


def test_rejects_lone_surrogate():
    with pytest.raises(InvalidEntityUri):
        normalize("user:\ud800")


def test_percent_encoding_none_keeps_escapes():
    options = NormalizeOptions(percent_encoding="none")
    assert normalize("stigmem://a/T/al%69ce Ü", options) == "stigmem://a/t/al%69ce-ü"


def test_unicode_id_only_whitespace():
    options = NormalizeOptions(whitespace="unicode-id-only", percent_encoding="none")
    assert normalize("\u2003user:a\u00a0\u2009b\u3000", options) == "user:a-b"
    assert normalize("stigmem://a/t/x\u00a0y", options) == "stigmem://a/t/x-y"
    assert normalize("stigmem://a/\u00a0Bug Type /x", options) == "stigmem://a/bug type/x"


def test_empty_segments_accepted_as_informal():
    options = NormalizeOptions(empty_segments="accept-as-informal")
    assert normalize("stigmem:///User/Alice", options) == "stigmem:///user/alice"
    assert normalize("stigmem://a//x", options) == "stigmem://a//x"


def test_informal_uris_rejected():
    options = NormalizeOptions(informal_uris="reject")
    with pytest.raises(InvalidEntityUri) as caught:
        normalize("user:alice", options)
    assert caught.value.requirement == "STG-URI-009"
    assert normalize("stigmem://a/user/alice", options) == "stigmem://a/user/alice"


ALL_OPTIONS = [
    NormalizeOptions(*combo)
    for combo in itertools.product(
        ("rfc3986", "none"),
        ("ascii-all-segments", "unicode-id-only"),
        ("reject", "accept-as-informal"),
        ("accept", "reject"),
    )
]
uri_text = st.one_of(
    st.text(alphabet="aZ09-._~%2fF/: \t\u00a0\u2003éİ?#", max_size=20).map(lambda s: "stigmem://" + s),
    st.text(alphabet="aZ09%2f/: \t\u00a0é", max_size=20).map(lambda s: "User:" + s),
    st.text(max_size=20),
)


@given(uri_text, st.sampled_from(ALL_OPTIONS))
def test_normalize_is_idempotent(raw, options):
    # STG-URI-008: normalize(normalize(x)) == normalize(x).
    try:
        once = normalize(raw, options)
    except InvalidEntityUri:
        return
    assert normalize(once, options) == once
