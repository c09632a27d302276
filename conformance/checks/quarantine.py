"""The quarantine garden over HTTP: who creates it, what it refuses, and its surface (Spec-08; A20 §19.5, §5.25).

STG-QUAR-008 here; the helpers serve the federation checks (``federation.quarantine``, STG-QUAR-001..007), which
get pulled facts held in the garden. One quarantine garden exists per node, so ``moderated_garden`` creates it
for one check and, whatever happens, decides what is still pending and deletes it: the next check (and the
strict-routing check, which needs a node without one) starts from a node that has none. The callers are the run's
admin key (a node admin, so it may create the garden, and its admin as creator), ``q_moderator``
(quarantine:moderator), and the gardens keys ``g_writer``, ``g_reader`` (those roles) and ``g_outsider`` (none).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from conformance.checks.gardens import add_member, create, gardens_seen, member_uri, mint, new_slug, path
from conformance.checks.registry import CheckFailed, Context, Skip, check, expect, expect_error, expect_status
from conformance.harness.http_target import Exchange

MODERATOR = "quarantine:moderator"
MODERATOR_KEY = "q_moderator"
# Every caller kind of a quarantine garden: its admin (the node admin that created it), a moderator, a writer, a
# reader and a non-member.
CALLERS = ("admin", MODERATOR_KEY, "g_writer", "g_reader", "g_outsider")
MODERATORS = ("admin", MODERATOR_KEY)
NOT_MODERATORS = ("g_writer", "g_reader", "g_outsider")
MAX_PAGES = 20


def open_quarantine(ctx: Context, slug: str | None = None, scope: str = "public") -> Exchange:
    """``POST /v1/gardens`` with ``quarantine: true`` by the run's admin key."""
    body = {"slug": slug or new_slug(ctx, "q"), "name": "conformance quarantine", "scope": scope, "quarantine": True}
    return ctx.request("POST", "/v1/gardens", json_body=body)


@contextmanager
def moderated_garden(ctx: Context) -> Iterator[dict[str, Any]]:
    """The node's quarantine garden, created by the admin key, with a moderator, a writer and a reader; on exit
    every fact still pending in it is rejected and the garden is deleted (best effort, never raising)."""
    ctx.need_admin()
    for key in (MODERATOR_KEY, *NOT_MODERATORS):
        mint(ctx, key)
    ex = open_quarantine(ctx)
    if ex.status == 409 and ex.code() == "quarantine_garden_exists":
        raise Skip("the node already has a quarantine garden (one per node), which this run did not create")
    expect_status(ex, (201,))
    garden: dict[str, Any] = ex.json if isinstance(ex.json, dict) else {}
    expect(garden.get("quarantine") is True and isinstance(garden.get("garden_id"), str),
           f"a garden created with quarantine true answers no garden_id or quarantine {garden.get('quarantine')!r}")
    try:
        for key, role in ((MODERATOR_KEY, MODERATOR), ("g_writer", "writer"), ("g_reader", "reader")):
            add_member(ctx, garden, member_uri(ctx, key), role, key="admin")
        yield garden
    finally:
        clear(ctx, garden)


def clear(ctx: Context, garden: dict[str, Any]) -> None:
    """Reject whatever is pending in ``garden`` and delete it; a failure here never hides the check's verdict."""
    with suppress(CheckFailed, OSError, ValueError):
        for fact in surface(ctx, garden, status="pending"):
            decide(ctx, garden, "reject", str(fact.get("id")))
    with suppress(OSError, ValueError):
        ctx.request("DELETE", path(garden))


def surface(ctx: Context, garden: dict[str, Any], key: str = "admin", status: str | None = None
            ) -> list[dict[str, Any]]:
    """Every record ``GET /v1/gardens/{garden}/quarantine`` shows ``key`` (200 expected), over its cursor."""
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        params = {"limit": "500", **({"status": status} if status else {}), **({"cursor": cursor} if cursor else {})}
        ex = ctx.request("GET", f"{path(garden)}/quarantine", key=key, params=params)
        expect(ex.status == 200 and isinstance(ex.json, dict) and isinstance(ex.json.get("facts"), list),
               f"{key}: the quarantine surface answered {ex.brief()}, not 200 {{\"facts\": [...]}}")
        found += [f for f in ex.json["facts"] if isinstance(f, dict)]
        cursor = ex.json.get("cursor")
        if not cursor:
            break
    return found


def surface_by_id(ctx: Context, garden: dict[str, Any], key: str = "admin", status: str | None = None
                  ) -> dict[str, dict[str, Any]]:
    return {str(f.get("id")): f for f in surface(ctx, garden, key, status)}


def decide(ctx: Context, garden: dict[str, Any] | str, verb: str, fact_id: str, key: str = "admin",
           **extra: Any) -> Exchange:
    """``POST /v1/gardens/{garden}/promote`` or ``/reject`` (``verb``) for ``fact_id``."""
    base = path(garden) if isinstance(garden, dict) else f"/v1/gardens/{garden}"
    return ctx.request("POST", f"{base}/{verb}", key=key, json_body={"fact_id": fact_id, **extra})


def missing(ctx: Context, slug: str) -> bool:
    return ctx.request("GET", f"/v1/gardens/{slug}").status == 404


@check("http:quarantine_garden_rules", requirements=("STG-QUAR-008",), profile="quarantine")
def quarantine_garden_rules(ctx: Context) -> None:
    """Only a node admin creates the quarantine garden (403), one per node (409 quarantine_garden_exists); no fact is
    asserted into it (403 garden_forbidden), even by its admin; quarantine:moderator is a role of quarantine gardens
    only (422 invalid_role); promote, reject and the surface of another garden answer 422 not_quarantine_garden; its
    admin and moderator find it in their garden list and may query it by garden_id (it keeps the garden ACL)."""
    ctx.need_admin()
    g_admin = mint(ctx, "g_admin")
    slug = new_slug(ctx, "q")
    ex = ctx.request("POST", "/v1/gardens", key=g_admin,
                     json_body={"slug": slug, "name": "not an admin's", "scope": "public", "quarantine": True})
    expect_error(ex, (403,), "forbidden")
    expect(missing(ctx, slug), "a quarantine garden refused to a key without admin was created all the same")
    with moderated_garden(ctx) as garden:
        got = ctx.request("GET", path(garden))
        expect_status(got, (200,))
        expect((got.json or {}).get("quarantine") is True, f"GET of the quarantine garden: {got.brief()}")
        for key in ("admin", MODERATOR_KEY):  # a Memory Garden like any other: listed and read by its members
            expect(garden.get("id") in gardens_seen(ctx, key), f"GET /v1/gardens leaves {key} its quarantine garden")
            read = ctx.query(key=key, garden_id=garden["garden_id"])
            expect(read.status == 200, f"{key}'s garden_id query of the quarantine garden answered {read.brief()}")
        second = new_slug(ctx, "q")
        expect_error(open_quarantine(ctx, second), (409,), "quarantine_garden_exists")
        expect(missing(ctx, second), "a second quarantine garden refused with 409 was created all the same")
        entity = ctx.unique("quarantine-assert")
        for key in ("admin", "g_writer"):
            ex = ctx.request("POST", "/v1/facts", key=key, json_body=ctx.fact(
                entity, key, scope=garden["scope"], garden_id=garden["garden_id"]))
            expect_error(ex, (403,), "garden_forbidden")
        held = ctx.query(entity=entity, include_contradicted=True)
        expect_status(held, (200,))
        expect(not (held.json or {}).get("facts"), "a fact asserted into the quarantine garden was stored")
        ordinary = create(ctx, g_admin, "public")
        expect(not ordinary.get("quarantine"), f"an ordinary garden's record says quarantine: {ordinary}")
        expect_error(add_member(ctx, ordinary, member_uri(ctx, MODERATOR_KEY), MODERATOR, key=g_admin,
                                status=(422,)), (422,), "invalid_role")
        add_member(ctx, ordinary, member_uri(ctx, "g_reader"), "reader", key=g_admin)
        ex = ctx.request("PATCH", path(ordinary, member_uri(ctx, "g_reader")), key=g_admin,
                         json_body={"role": MODERATOR})
        expect_error(ex, (422,), "invalid_role")
        for verb in ("promote", "reject"):
            expect_error(decide(ctx, ordinary, verb, "00000000-0000-4000-8000-000000000000", key=g_admin), (422,),
                         "not_quarantine_garden")
        expect_error(ctx.request("GET", f"{path(ordinary)}/quarantine", key=g_admin), (422,),
                     "not_quarantine_garden")
        expect_error(ctx.request("GET", f"/v1/gardens/{new_slug(ctx, 'none')}/quarantine"), (404,),
                     "garden_not_found")
