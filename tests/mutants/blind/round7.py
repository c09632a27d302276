"""Blind mutant round 7: Memory Gardens, written from the seeds, the specs and the node's code, without reading
the suite."""

ROUND = 7
MUTANTS: list[dict[str, str]] = [
    {
        "id": "b7-slug-max-62",
        "description": (
            "The slug pattern allows only 62 characters ({0,61}), so a valid 63-character slug is refused 422 "
            "invalid_slug instead of creating the garden (Spec-02 §Memory Garden Primitive, A10 §5.14: "
            "^[a-z0-9][a-z0-9-]{0,62}$, 1 to 63 characters)."
        ),
        "file": "protocol/gardens.py",
        "find": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\\Z")',
        "replace": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,61}\\Z")',
    },
    {
        "id": "b7-slug-max-64",
        "description": (
            "The slug pattern allows 64 characters ({0,63}), so a 64-character slug creates a garden (201) instead of "
            "422 invalid_slug (Spec-02 §Memory Garden Primitive, A10 §5.14: at most 63 characters)."
        ),
        "file": "protocol/gardens.py",
        "find": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\\Z")',
        "replace": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\\Z")',
    },
    {
        "id": "b7-slug-leading-hyphen",
        "description": (
            "The first slug character may be a hyphen, so slug '-alpha' creates a garden (201) instead of 422 "
            "invalid_slug (A10 §5.14: the slug starts with [a-z0-9])."
        ),
        "file": "protocol/gardens.py",
        "find": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\\Z")',
        "replace": '_SLUG = re.compile(r"[a-z0-9-][a-z0-9-]{0,62}\\Z")',
    },
    {
        "id": "b7-slug-underscore",
        "description": (
            "Underscores pass the slug pattern, so 'conf_alpha' is accepted with 201 instead of 422 invalid_slug (A10 "
            "§5.14: only [a-z0-9-])."
        ),
        "file": "protocol/gardens.py",
        "find": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\\Z")',
        "replace": '_SLUG = re.compile(r"[a-z0-9_][a-z0-9_-]{0,62}\\Z")',
    },
    {
        "id": "b7-slug-dollar-newline",
        "description": (
            "The slug pattern ends in $ instead of \\Z, so a slug with a trailing newline ('alpha\\n') is accepted "
            "(201, a garden_id holding a newline) instead of 422 invalid_slug (A10 §5.14 full-match)."
        ),
        "file": "protocol/gardens.py",
        "find": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}\\Z")',
        "replace": '_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}$")',
    },
    {
        "id": "b7-slug-not-lowered",
        "description": (
            "The slug is validated without being lower-cased first, so POST /v1/gardens with slug 'Conf-Alpha' is "
            "refused 422 invalid_slug instead of creating 'conf-alpha' (Spec-02 §Memory Garden Primitive: slugs are "
            "lowercased and validated on creation)."
        ),
        "file": "protocol/gardens.py",
        "find": "slug = raw.lower() if raw.isascii() else raw",
        "replace": "slug = raw",
    },
    {
        "id": "b7-slug-unicode-lowered",
        "description": (
            "Non-ASCII slugs are lower-cased too, so KELVIN SIGN (U+212A) becomes the slug 'k' and a garden is created "
            "(201) from a slug that is not ^[a-z0-9]... as sent, or collides 409 with garden 'k' (A10 §5.14: the slug "
            "pattern is ASCII; a slug is matched case-insensitively, not Unicode-folded)."
        ),
        "file": "protocol/gardens.py",
        "find": "slug = raw.lower() if raw.isascii() else raw",
        "replace": "slug = raw.lower()",
    },
    {
        "id": "b7-uri-authority-ignored",
        "description": (
            "slug_of_uri does not compare the authority, so a garden_id naming another node "
            "(stigmem://elsewhere.example/garden/alpha) writes into and queries the local garden 'alpha' instead of "
            "404 garden_not_found (Spec-02 §Memory Garden Primitive: garden_id is "
            "stigmem://{node_authority}/garden/{slug}; STG-SCOPE-011)."
        ),
        "file": "protocol/gardens.py",
        "find": "if found is None or found.group(1).lower() != node_authority.lower():",
        "replace": "if found is None:",
    },
    {
        "id": "b7-uri-authority-case-sensitive",
        "description": (
            "The authority of a garden_id is compared case-sensitively, so a garden_id whose host is written in "
            "capitals (stigmem://LOCALHOST/garden/alpha) is 404 garden_not_found instead of naming the garden (RFC "
            "3986 §3.2.2: the host is case-insensitive; Spec-02 garden_id from the node authority)."
        ),
        "file": "protocol/gardens.py",
        "find": "if found is None or found.group(1).lower() != node_authority.lower():",
        "replace": "if found is None or found.group(1) != node_authority.lower():",
    },
    {
        "id": "b7-uri-slug-case-sensitive",
        "description": (
            "The slug inside a garden_id is not lower-cased, so an assert or garden_id= query with "
            "stigmem://{authority}/garden/Alpha is 404 garden_not_found instead of naming garden 'alpha' (A10 §5.14: "
            "slugs are stored and matched case-insensitively)."
        ),
        "file": "protocol/gardens.py",
        "find": "        return normalize_slug(found.group(2))",
        "replace": "        return found.group(2) if _SLUG.match(found.group(2)) else None",
    },
    {
        "id": "b7-role-case-folded",
        "description": (
            "Roles are parsed case-insensitively but stored as sent, so POST .../members with role 'Admin' hits the "
            "role CHECK and is answered 409 member_exists instead of 422 invalid_role (A10 §17.2 GardenRole = admin | "
            "writer | reader)."
        ),
        "file": "protocol/gardens.py",
        "find": 'return str(raw) if isinstance(raw, str) and raw in allowed else None',
        "replace": 'return str(raw) if isinstance(raw, str) and raw.lower() in allowed else None',
    },
    {
        "id": "b7-reader-may-write",
        "description": (
            "may_write admits every role, so a garden reader's assert with that garden_id is 201 instead of 403 "
            "garden_forbidden (Spec-02 §Write Access: only admin or writer; a reader gets 403 'write permission "
            "required')."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role in ("admin", "writer")',
        "replace": "return role in ROLES",
    },
    {
        "id": "b7-writer-may-not-write",
        "description": (
            "may_write admits admins only, so a garden writer's assert with garden_id is 403 garden_forbidden instead "
            "of 201 (Spec-02 §Write Access: admin or writer, with the garden's scope, is allowed)."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role in ("admin", "writer")',
        "replace": 'return role == "admin"',
    },
    {
        "id": "b7-reader-may-not-read",
        "description": (
            "may_read admits admins and writers only, so a reader's GET /v1/facts?garden_id= and GET /v1/facts/{id} of "
            "a garden fact are 403 garden_forbidden instead of 200 (Spec-02 §Read Access: at least reader)."
        ),
        "file": "protocol/gardens.py",
        "find": '    return role in QUARANTINE_ROLES\n',
        "replace": '    return role in ("admin", "writer")\n',
    },
    {
        "id": "b7-writer-may-administer",
        "description": (
            "may_administer admits writers, so a garden writer adds members, re-roles them (itself to admin) and "
            "deletes the garden instead of 403 garden_forbidden (Spec-02 §Admin Operations: admin only)."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role == "admin"\n',
        "replace": 'return role in ("admin", "writer")\n',
    },
    {
        "id": "b7-last-admin-counts-self",
        "description": (
            "The last-admin rule counts the roles before the change, so the sole admin can demote or remove itself "
            "(200/204) and the garden is left with no admin, instead of 403 last_admin (Spec-02 §Admin Operations: "
            "removing the final admin is forbidden; §5.9 last-admin invariant)."
        ),
        "file": "protocol/gardens.py",
        "find": '    return "admin" in after',
        "replace": '    return "admin" in roles',
    },
    {
        "id": "b7-last-admin-needs-two",
        "description": (
            "The last-admin rule is off by one (it wants two admins left), so in a garden with two admins demoting or "
            "removing one is refused 403 last_admin instead of 200/204 (Spec-02 §Admin Operations: only the final "
            "admin is protected)."
        ),
        "file": "protocol/gardens.py",
        "find": '    return "admin" in after',
        "replace": '    return after.count("admin") > 1',
    },
    {
        "id": "b7-by-ref-case-sensitive",
        "description": (
            "A garden path reference is matched without lower-casing, so GET /v1/gardens/Conf-Alpha (and DELETE, "
            "members) is 404 garden_not_found instead of the garden conf-alpha (A10 §5.14: matched case-insensitively; "
            "docs/http-api.md: the slug in any case)."
        ),
        "file": "storage/gardens.py",
        "find": 'return _one(conn, "id", ref) or _one(conn, "slug", ref.lower())',
        "replace": 'return _one(conn, "id", ref) or _one(conn, "slug", ref)',
    },
    {
        "id": "b7-deleted-garden-still-found",
        "description": (
            "Lookups do not exclude deleted gardens, so after DELETE /v1/gardens/{slug} a GET of it by a node admin is "
            "200 (and its garden_id= query works) instead of 404 garden_not_found (Spec-02 §Admin Operations: delete; "
            "STG-SCOPE-020/027)."
        ),
        "file": "storage/gardens.py",
        "find": 'f"SELECT {_COLUMNS} FROM gardens WHERE {where} = ? AND deleted_at IS NULL"',
        "replace": 'f"SELECT {_COLUMNS} FROM gardens WHERE {where} = ?"',
    },
    {
        "id": "b7-listing-keeps-deleted",
        "description": (
            "The garden listing does not leave out deleted gardens, so a node admin's GET /v1/gardens still lists a "
            "garden after its DELETE answered 204 (Spec-02 §Admin Operations: list)."
        ),
        "file": "storage/gardens.py",
        "find": 'clauses: list[str] = ["deleted_at IS NULL"]',
        "replace": 'clauses: list[str] = ["1 = 1"]',
    },
    {
        "id": "b7-listing-newest-first",
        "description": (
            "Gardens are listed newest first, so GET /v1/gardens is not oldest first and the seq > cursor of page two "
            "skips or repeats gardens (docs/http-api.md Memory Gardens: oldest first; STG-SCOPE-028)."
        ),
        "file": "storage/gardens.py",
        "find": "ORDER BY seq LIMIT ?",
        "replace": "ORDER BY seq DESC LIMIT ?",
    },
    {
        "id": "b7-listing-cursor-inclusive",
        "description": (
            "The garden listing resumes at seq >= the cursor, so the last garden of each page is repeated first on the "
            "next page (STG-HTTP-011: following cursors yields every item exactly once)."
        ),
        "file": "storage/gardens.py",
        "find": 'clauses.append("seq > ?")',
        "replace": 'clauses.append("seq >= ?")',
    },
    {
        "id": "b7-hard-delete-slug-reusable",
        "description": (
            "DELETE removes the garden row, so its slug (and garden_id) can be created again (201 instead of 409 "
            "garden_exists), and the old garden's facts pass to the new garden's members (STG-SCOPE-020/027, "
            "interpretation garden_orphans: a deleted garden's slug is never reused)."
        ),
        "file": "storage/gardens.py",
        "find": (
            '    conn.execute("UPDATE gardens SET deleted_at = ? WHERE id = ?", (deleted_at, garden.id))\n'
            '    conn.execute("DELETE FROM garden_members WHERE garden = ?", (garden.id,))'
        ),
        "replace": (
            '    conn.execute("DELETE FROM garden_members WHERE garden = ?", (garden.id,))\n'
            '    conn.execute("DELETE FROM gardens WHERE id = ?", (garden.id,))'
        ),
    },
    {
        "id": "b7-member-any-garden",
        "description": (
            "A member lookup ignores the garden, so a key that is admin of garden A is taken as admin (or writer, "
            "reader) of every garden: it reads B's facts, writes into B and adds B's members instead of 403 "
            "garden_forbidden (Spec-02 §Read Access, §Write Access: membership of that garden)."
        ),
        "file": "storage/gardens.py",
        "find": (
            'f"SELECT {_MEMBER_COLUMNS} FROM garden_members WHERE garden = ? AND entity_uri = ?",\n'
            "                       (garden.id, entity_uri)"
        ),
        "replace": (
            'f"SELECT {_MEMBER_COLUMNS} FROM garden_members WHERE entity_uri = ? ORDER BY seq",\n'
            "                       (entity_uri,)"
        ),
    },
    {
        "id": "b7-membership-cached",
        "description": (
            "Roles are cached per (garden, member) for the life of the process, so a removed member still reads the "
            "garden's facts by id (200 instead of 403) and a demoted writer still writes (STG-SCOPE-026: a membership "
            "change applies to the next request; Spec-02 §Read Access)."
        ),
        "file": "storage/gardens.py",
        "find": (
            "def role_of(conn: sqlite3.Connection, garden: GardenRow, entity_uri: str) -> str | None:\n"
            "    found = member(conn, garden, entity_uri)\n"
            "    return None if found is None else found.role"
        ),
        "replace": (
            "_ROLES: dict[tuple[str, str], str | None] = {}\n"
            "\n"
            "\n"
            "def role_of(conn: sqlite3.Connection, garden: GardenRow, entity_uri: str) -> str | None:\n"
            "    key = (garden.id, entity_uri)\n"
            "    if key not in _ROLES:\n"
            "        found = member(conn, garden, entity_uri)\n"
            "        _ROLES[key] = None if found is None else found.role\n"
            "    return _ROLES[key]"
        ),
    },
    {
        "id": "b7-membership-fact-source",
        "description": (
            "Membership facts carry the member as source, so the garden:member and garden:role: facts a member reads "
            "show source <member> instead of system:stigmem (Spec-02 §Admin Operations: reserved garden: relations are "
            "system facts with source system:stigmem)."
        ),
        "file": "storage/gardens.py",
        "find": "body = FactBody(garden.garden_id, relation, value, SYSTEM_SOURCE, confidence, garden.scope)",
        "replace": "body = FactBody(garden.garden_id, relation, value, entity_uri, confidence, garden.scope)",
    },
    {
        "id": "b7-membership-fact-scope",
        "description": (
            "Membership facts are written in scope local instead of the garden's scope, so in a company garden they "
            "appear with scope local (docs/http-api.md Memory Gardens: in the garden's scope and garden; Spec-02: "
            "every fact tagged with the garden MUST use its scope)."
        ),
        "file": "storage/gardens.py",
        "find": "body = FactBody(garden.garden_id, relation, value, SYSTEM_SOURCE, confidence, garden.scope)",
        "replace": 'body = FactBody(garden.garden_id, relation, value, SYSTEM_SOURCE, confidence, "local")',
    },
    {
        "id": "b7-membership-fact-no-garden",
        "description": (
            "Membership facts are written without garden_id, so any caller's GET /v1/facts (a non-member's, for the "
            "garden's scope) lists who belongs to the garden and their roles (Spec-02 §Read Access; docs/http-api.md: "
            "in the garden's scope and garden)."
        ),
        "file": "storage/gardens.py",
        "find": 'fact_rows.insert(conn, new_fact(body, "system", garden_id=garden.garden_id), stamp())',
        "replace": 'fact_rows.insert(conn, new_fact(body, "system"), stamp())',
    },
    {
        "id": "b7-membership-removal-not-retracted",
        "description": (
            "Removing a member rewrites its membership facts with confidence 1.0 instead of retracting them with 0.0, "
            "so the garden still records the removed member (A10 §17.6; docs/http-api.md: a removal retracts both with "
            "confidence 0.0)."
        ),
        "file": "storage/gardens.py",
        "find": "_membership_facts(conn, stamp, garden, gone.entity_uri, gone.role, 0.0)",
        "replace": "_membership_facts(conn, stamp, garden, gone.entity_uri, gone.role, 1.0)",
    },
    {
        "id": "b7-membership-role-change-unrecorded",
        "description": (
            "A role change writes no garden:role: fact, so after PATCH the garden's membership facts still show the "
            "old role (A10 §17.6; docs/http-api.md: membership facts whenever membership changes)."
        ),
        "file": "storage/gardens.py",
        "find": "    _membership_facts(conn, stamp, garden, entity_uri, role, 1.0)\n",
        "replace": "    pass\n",
    },
    {
        "id": "b7-membership-role-relation",
        "description": (
            "The role fact's relation is garden:role without the member, so two members' roles share one triple (and "
            "contradict each other) instead of garden:role:<entity_uri> (A10 §17.6)."
        ),
        "file": "storage/gardens.py",
        "find": '(f"garden:role:{entity_uri}", {"type": "string", "v": role})',
        "replace": '("garden:role", {"type": "string", "v": role})',
    },
    {
        "id": "b7-add-member-replaces",
        "description": (
            "Adding an existing member replaces its row, so POST .../members for a member is 201 (silently re-roling "
            "it, even demoting the last admin) instead of 409 member_exists (A10 §5.16: 409 already a member)."
        ),
        "file": "storage/gardens.py",
        "find": '"INSERT INTO garden_members (garden, entity_uri, role, added_by, added_at, seq) VALUES "',
        "replace": (
            '"INSERT OR REPLACE INTO garden_members (garden, entity_uri, role, added_by, added_at, seq) VALUES "'
        ),
    },
    {
        "id": "b7-orphans-readable-by-all",
        "description": (
            "A deleted garden's facts are readable by id by every caller, so after DELETE a former non-member's GET "
            "/v1/facts/{id} is 200 instead of 403 (interpretation garden_orphans = fail-closed, STG-SCOPE-027; Spec-02 "
            "§5.10 failure mode)."
        ),
        "file": "storage/gardens.py",
        "find": "return reader.node_admin  # STG-SCOPE-027",
        "replace": "return True  # STG-SCOPE-027",
    },
    {
        "id": "b7-orphans-hidden-from-node-admin",
        "description": (
            "A deleted garden's facts are unreadable by id even for node admins, so a node admin's GET /v1/facts/{id} "
            "of such a fact is 403 while its queries list it (interpretation garden_orphans: node admins read them; "
            "STG-SCOPE-027)."
        ),
        "file": "storage/gardens.py",
        "find": "return reader.node_admin  # STG-SCOPE-027",
        "replace": "return False  # STG-SCOPE-027",
    },
    {
        "id": "b7-node-admin-no-record",
        "description": (
            "The node-admin exception is missing from garden visibility, so a node admin's GET /v1/gardens/{slug} and "
            "GET .../members of a garden it is not in are 403 instead of 200 (Spec-02 §Admin Operations: node admins "
            "see all; interpretation garden_node_admin)."
        ),
        "file": "storage/gardens.py",
        "find": "if not reader.node_admin and role_of(conn, garden, reader.entity_uri) is None:",
        "replace": "if role_of(conn, garden, reader.entity_uri) is None:",
    },
    {
        "id": "b7-nonmember-record-404",
        "description": (
            "A non-member's GET /v1/gardens/{slug} is 404 garden_not_found instead of 403 garden_forbidden (A10 §5.15: "
            "403 non-member, 404 unknown)."
        ),
        "file": "storage/gardens.py",
        "find": (
            "if not reader.node_admin and role_of(conn, garden, reader.entity_uri) is None:\n"
            '        raise StoreError("garden_forbidden", "not a member of this garden")'
        ),
        "replace": (
            "if not reader.node_admin and role_of(conn, garden, reader.entity_uri) is None:\n"
            '        raise StoreError("garden_not_found", f"no garden {ref}")'
        ),
    },
    {
        "id": "b7-node-admin-administers",
        "description": (
            "A node admin administers every garden, so an admin key that is not a garden member adds members, re-roles "
            "them and deletes the garden (200/201/204 instead of 403 garden_forbidden) (interpretation "
            "garden_node_admin: administering a garden needs the garden role; Spec-02 §Admin Operations)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.may_administer(role):",
        "replace": "    if not (reader.node_admin or rules.may_administer(role)):",
    },
    {
        "id": "b7-query-nonmember-empty-page",
        "description": (
            "A garden_id= query by a non-member runs and answers 200 with an empty page instead of 403 "
            "garden_forbidden (Spec-02 §Read Access, A10 §5.20: 403 to prevent membership enumeration)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.may_read(role_of(conn, garden, reader.entity_uri)):",
        "replace": "    if False:",
    },
    {
        "id": "b7-query-node-admin-empty-page",
        "description": (
            "A node admin passes the garden_id= membership check, so its query of a garden it is not in answers 200 "
            "(an empty page: the row filter still hides the facts) instead of 403 garden_forbidden (interpretation "
            "garden_node_admin; Spec-02 §Read Access)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.may_read(role_of(conn, garden, reader.entity_uri)):",
        "replace": "    if not (reader.node_admin or rules.may_read(role_of(conn, garden, reader.entity_uri))):",
    },
    {
        "id": "b7-query-unknown-garden-403",
        "description": (
            "A garden_id= query for a garden that does not exist answers 403 garden_forbidden instead of 404 "
            "garden_not_found (docs/http-api.md Memory Gardens: 404 for an unknown garden; STG-SCOPE-013)."
        ),
        "file": "storage/gardens.py",
        "find": (
            '        raise StoreError("garden_not_found", f"no garden {garden_id} on this node")\n'
            "    if not rules.may_read("
        ),
        "replace": (
            '        raise StoreError("garden_forbidden", f"no garden {garden_id} on this node")\n'
            "    if not rules.may_read("
        ),
    },
    {
        "id": "b7-write-unknown-garden-403",
        "description": (
            "An assert with the garden_id of a garden that does not exist is 403 garden_forbidden instead of 404 "
            "garden_not_found (Spec-02 §Write Access: garden not found is 404; STG-SCOPE-011)."
        ),
        "file": "storage/gardens.py",
        "find": (
            '    if garden is None:\n'
             '        raise StoreError("garden_not_found", f"no garden {garden_id} on this node")\n'
             '    # Spec-08'
        ),
        "replace": (
            '    if garden is None:\n'
             '        raise StoreError("garden_forbidden", f"no garden {garden_id} on this node")\n'
             '    # Spec-08'
        ),
    },
    {
        "id": "b7-write-scope-unchecked",
        "description": (
            "The garden's scope is not compared with the fact's, so a writer's company-scope assert into a local "
            "garden is 201 instead of 422 garden_scope_mismatch (Spec-02 §Write Access: every fact tagged with the "
            "garden MUST use that scope)."
        ),
        "file": "storage/gardens.py",
        "find": "    if scope != garden.scope:",
        "replace": "    if False:",
    },
    {
        "id": "b7-write-scope-403",
        "description": (
            "A scope mismatch on a garden write is 403 garden_forbidden instead of 422 garden_scope_mismatch (A10 "
            "§17.3 422, interpretation garden_scope_mismatch = unprocessable)."
        ),
        "file": "storage/gardens.py",
        "find": 'raise StoreError("garden_scope_mismatch", f"the garden\'s scope is {garden.scope}, not {scope}")',
        "replace": 'raise StoreError("garden_forbidden", f"the garden\'s scope is {garden.scope}, not {scope}")',
        "equivalent": (
            "The sources disagree on this status (A10 §17.3 says 422, A10 §5.19 says 403; the conformance vectors "
            "accept 403 or 422), so a suite that honours that reading cannot refuse 403."
        ),
    },
    {
        "id": "b7-write-scope-narrower-allowed",
        "description": (
            "The scope check reads the scopes as a hierarchy and admits any fact scope at or below the garden's, so a "
            "local-scope assert into a company garden is 201 instead of 422 garden_scope_mismatch (Spec-02 §Write "
            "Access: every fact tagged with the garden MUST use that scope, not a narrower one)."
        ),
        "file": "storage/gardens.py",
        "find": "    if scope != garden.scope:",
        "replace": (
            '    if scope not in ("local", "team", "company", "public")[: ("local", "team", "company", '
            '"public").index(garden.scope) + 1]:'
        ),
    },
    {
        "id": "b7-demote-returns-old-role",
        "description": (
            "PATCH .../members/{entity_uri} answers the member with its old role although the new one is stored (A10 "
            "§5.16: 200 the member)."
        ),
        "file": "storage/gardens.py",
        "find": "return MemberRow(entity_uri, role, roster[index].added_by, roster[index].added_at)",
        "replace": "return MemberRow(entity_uri, roster[index].role, roster[index].added_by, roster[index].added_at)",
    },
    {
        "id": "b7-remove-last-admin-allowed",
        "description": (
            "The last-admin check is applied to role changes only, so DELETE .../members/{the sole admin} is 204 and "
            "the garden has no admin, instead of 403 last_admin (Spec-02 §Admin Operations: removing the final admin "
            "is forbidden)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.leaves_an_admin([m.role for m in roster], index, role):",
        "replace": "    if role is not None and not rules.leaves_an_admin([m.role for m in roster], index, role):",
    },
    {
        "id": "b7-unknown-member-garden-code",
        "description": (
            "Re-roling or removing an entity that is not a member answers 404 garden_not_found instead of 404 "
            "member_not_found (docs/http-api.md Memory Gardens: 404 member_not_found)."
        ),
        "file": "storage/gardens.py",
        "find": 'raise StoreError("member_not_found", f"{entity_uri} is not a member of this garden")',
        "replace": 'raise StoreError("garden_not_found", f"{entity_uri} is not a member of this garden")',
    },
    {
        "id": "b7-acl-orphans-for-all",
        "description": (
            "Query filters let every caller read the facts of deleted gardens, so after DELETE a non-member's GET "
            "/v1/facts lists them (interpretation garden_orphans = fail-closed, STG-SCOPE-027)."
        ),
        "file": "storage/garden_acl.py",
        "find": "    if node_admin:\n",
        "replace": "    if True:\n",
    },
    {
        "id": "b7-acl-node-admin-reads-all",
        "description": (
            "The node-admin branch of the row filter opens every garden, so an admin key's GET /v1/facts lists facts "
            "of live gardens it is not a member of (interpretation garden_node_admin: never a live garden's facts; "
            "Spec-02 §Read Access)."
        ),
        "file": "storage/garden_acl.py",
        "find": 'clause += " OR " + _ORPHANED.format(column="+" + column)',
        "replace": 'clause += f" OR +{column} IS NOT NULL"',
    },
    {
        "id": "b7-acl-readers-excluded",
        "description": (
            "The row filter admits only members above reader, so a reader's GET /v1/facts and garden_id= query leave "
            "out the garden's facts (200, empty) while a read by id returns them (Spec-02 §Read Access: at least "
            "reader)."
        ),
        "file": "storage/garden_acl.py",
        "find": '"WHERE m.entity_uri = ? AND g.deleted_at IS NULL"',
        "replace": '"WHERE m.entity_uri = ? AND m.role != \'reader\' AND g.deleted_at IS NULL"',
    },
    {
        "id": "b7-garden-filter-ignored",
        "description": (
            "The garden_id= filter is dropped after the membership check, so a member's query of one garden returns "
            "every fact it may read (other gardens' and non-garden facts too) (Spec-02 §Read Access; docs/http-api.md: "
            "GET /v1/facts?garden_id= returns that garden's facts)."
        ),
        "file": "storage/facts.py",
        "find": (
            "    if query.garden_id is not None:\n"
            "        return"
        ),
        "replace": (
            "    if False:\n"
            "        return"
        ),
    },
    {
        "id": "b7-count-skips-acl",
        "description": (
            "total is counted without the garden ACL, so a non-member's GET /v1/facts?entity=X reports the hidden "
            "garden facts in total although the page leaves them out (Spec-02 §Read Access; golden: total reflects the "
            "filtered count; STG-HTTP-013)."
        ),
        "file": "storage/facts.py",
        "find": (
            "    clauses, params = _where(query)\n"
            '    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else ""\n'
            "    return int("
        ),
        "replace": (
            "    clauses, params = _where(query)\n"
            "    clauses, params = clauses[1:], params[len(garden_filter(query)[1]):]\n"
            '    where = f" WHERE {\' AND \'.join(clauses)}" if clauses else ""\n'
            "    return int("
        ),
    },
    {
        "id": "b7-by-cid-ignores-acl",
        "description": (
            "A CID lookup ignores the visibility clause and takes the earliest fact with that CID, so a non-member's "
            "GET /v1/facts/{cid} of a garden fact returns it (200) instead of 403 (Spec-02 §Read Access: knowing an id "
            "must not bypass the ACL; CIDF dual addressing)."
        ),
        "file": "storage/facts.py",
        "find": "    if visible is None:\n",
        "replace": "    if True:\n",
    },
    {
        "id": "b7-dedup-across-gardens",
        "description": (
            "Dedup ignores garden_id, so asserting into a garden a body already stored outside it returns the outside "
            "fact with 200 (no garden_id) instead of a new garden fact with 201 (interpretation cid_dedup: CID, "
            "valid_until, garden_id and interpret_as must all match; STG-CID-011)."
        ),
        "file": "storage/facts.py",
        "find": '"SELECT {COLUMNS} FROM facts f WHERE f.cid = ? AND f.valid_until IS ? AND f.garden_id IS ? "',
        "replace": (
            '"SELECT {COLUMNS} FROM facts f WHERE f.cid = ? AND f.valid_until IS ? AND (f.garden_id IS ? OR 1) "'
        ),
    },
    {
        "id": "b7-preferred-crosses-gardens",
        "description": (
            "A new garden fact is paired with the triple's preferred fact outside its garden too, so a garden fact "
            "contradicting a non-garden fact records a conflict visible beside both (interpretation "
            "garden_contradictions = within-garden, A10 §8; STG-SCOPE-025)."
        ),
        "file": "storage/facts.py",
        "find": (
            '"WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND f.garden_id IS ? AND f.confidence > 0 AND f.id '
            '!= ? "'
        ),
        "replace": (
            '"WHERE f.entity = ? AND f.relation = ? AND f.scope = ? AND (f.garden_id IS ? OR f.garden_id IS NULL) AND '
            'f.confidence > 0 AND f.id != ? "'
        ),
    },
    {
        "id": "b7-outranked-crosses-gardens",
        "description": (
            "Query-time resolution ranks contradicted facts across gardens, so a non-member's default query loses the "
            "winner of a non-garden conflict when a higher-confidence contradicted fact of the same triple sits in a "
            "garden it cannot see (STG-QRY-012 among visible siblings; STG-SCOPE-025)."
        ),
        "file": "storage/facts.py",
        "find": "g.scope = f.scope AND g.garden_id IS f.garden_id{live} ",
        "replace": "g.scope = f.scope{live} ",
    },
    {
        "id": "b7-garden-writes-index-off",
        "description": (
            "A garden refusal of a batch item names the next index, so POST /v1/facts:batch whose item 0 is a reader's "
            "garden write answers failed_at_index 1 (STG-BATCH-002: failed_at_index is the first failing item)."
        ),
        "file": "storage/store.py",
        "find": "raise StoreError(exc.code, exc.detail, index=index) from exc",
        "replace": "raise StoreError(exc.code, exc.detail, index=index + 1) from exc",
    },
    {
        "id": "b7-garden-writes-raw-id",
        "description": (
            "A garden fact keeps the garden_id as sent instead of the stored URI, so a writer's assert with "
            "stigmem://{authority}/garden/Alpha is 201 but the fact then matches no live garden and is hidden from the "
            "garden's members (and garden_id= queries) (A10 §5.14 case-insensitive matching; Spec-02 §Read Access)."
        ),
        "file": "storage/store.py",
        "find": "                fact = dataclasses.replace(fact, garden_id=stored)\n",
        "replace": "                pass\n",
    },
    {
        "id": "b7-by-id-skips-acl",
        "description": (
            "A read by id does not check the garden, so a non-member's GET /v1/facts/{id} and verify-cid of a garden "
            "fact are 200 instead of 403 garden_forbidden (Spec-02 §Read Access: single-fact reads MUST enforce the "
            "same ACL; S03 §Get Fact: 403)."
        ),
        "file": "storage/store.py",
        "find": (
            '            forbidden = (row is not None and in_scope(row) and row[GARDEN] is not None\n'
             '                         and not garden_rows.readable(conn, row[GARDEN], reader))\n'
        ),
        "replace": '            forbidden = False\n',
    },
    {
        "id": "b7-by-id-forbidden-as-404",
        "description": (
            "A non-member's read by id of a garden fact is 404 fact_not_found instead of 403 garden_forbidden (S03 "
            "§Get Fact: unauthorized garden access is 403; docs/http-api.md Memory Gardens)."
        ),
        "file": "storage/store.py",
        "find": (
            '            forbidden = (row is not None and in_scope(row) and row[GARDEN] is not None\n'
             '                         and not garden_rows.readable(conn, row[GARDEN], reader))\n'
        ),
        "replace": (
            '            if (row is not None and in_scope(row) and row[GARDEN] is not None\n'
             '                    and not garden_rows.readable(conn, row[GARDEN], reader)):\n'
             '                row = None\n'
             '            forbidden = False\n'
        ),
    },
    {
        "id": "b7-by-cid-forbidden-as-404",
        "description": (
            "A non-member's read by CID of a garden fact is 404 fact_not_found instead of 403 garden_forbidden, unlike "
            "the same read by id (S03 §Get Fact: 403; CIDF dual addressing: both forms answer alike)."
        ),
        "file": "storage/store.py",
        "find": '            forbidden = hidden is not None and in_scope(hidden)\n',
        "replace": '            forbidden = False\n',
    },
    {
        "id": "b7-by-cid-forbidden-out-of-scope",
        "description": (
            "A read by CID answers 403 garden_forbidden for a garden fact outside the caller's scopes instead of 404, "
            "telling a key that a fact of a scope it may not use exists (STG-SCOPE-004: another scope's fact is 404, "
            "as a missing one)."
        ),
        "file": "storage/store.py",
        "find": '            forbidden = hidden is not None and in_scope(hidden)\n',
        "replace": '            forbidden = hidden is not None\n',
    },
    {
        "id": "b7-by-id-forbidden-out-of-scope",
        "description": (
            "A read by id answers 403 garden_forbidden for a garden fact outside the caller's scopes instead of 404 "
            "fact_not_found (STG-SCOPE-004; Spec-02 §Read Access: the caller must pass scope enforcement first)."
        ),
        "file": "storage/store.py",
        "find": '            forbidden = (row is not None and in_scope(row) and row[GARDEN] is not None\n',
        "replace": '            forbidden = (row is not None and row[GARDEN] is not None\n',
    },
    {
        "id": "b7-by-cid-orphans-for-all",
        "description": (
            "The CID path judges every caller as a node admin, so after a garden is deleted any caller reads its facts "
            "by CID (200) instead of 403 (interpretation garden_orphans, STG-SCOPE-027)."
        ),
        "file": "storage/store.py",
        "find": 'garden, params = visible_clause("f.garden_id", reader.entity_uri, reader.node_admin)',
        "replace": 'garden, params = visible_clause("f.garden_id", reader.entity_uri, True)',
    },
    {
        "id": "b7-verify-cid-skips-acl",
        "description": (
            "verify-cid looks the fact up by id with the scope check only, so a non-member's POST "
            "/v1/facts/{id}/verify-cid of a garden fact answers 200 with its CID instead of 403 garden_forbidden "
            "(docs/http-api.md Memory Gardens: verify-cid 403; Spec-02 §Read Access)."
        ),
        "file": "storage/store.py",
        "find": (
            'compare it with the stored one."""\n'
            "        with self.db.reading() as conn:\n"
            "            row = self._row(conn, ref, scopes, reader)\n"
        ),
        "replace": (
            'compare it with the stored one."""\n'
            "        with self.db.reading() as conn:\n"
            '            row = fact_rows.by_id(conn, ref) if not ref.startswith("sha256:") else self._row(conn, ref, '
            "scopes, reader)\n"
            "            row = row if row is not None and (scopes is None or row[SCOPE] in scopes) else None\n"
        ),
    },
    {
        "id": "b7-resolve-by-reader",
        "description": (
            "A garden conflict's resolution does not check the write role, so a reader of the garden resolves it (200) "
            "instead of 403 garden_forbidden (Spec-02 §Write Access; STG-SCOPE-025: resolved by the garden's writers)."
        ),
        "file": "storage/store.py",
        "find": (
            "                garden_rows.writable(conn, conflict.garden_id, conflict.scope, resolver, self.authority)\n"
        ),
        "replace": "                pass\n",
    },
    {
        "id": "b7-resolve-nonmember-403",
        "description": (
            "A non-member resolving a garden conflict gets 403 garden_forbidden instead of 404 conflict_not_found, "
            "learning that the conflict exists (STG-SCOPE-025: hidden from non-members; STG-CONF-012)."
        ),
        "file": "storage/store.py",
        "find": '                    raise StoreError("conflict_not_found", f"no conflict {conflict_id}")',
        "replace": '                    raise StoreError("garden_forbidden", f"no conflict {conflict_id}")',
    },
    {
        "id": "b7-conflicts-all-gardens",
        "description": (
            "GET /v1/conflicts lists the conflicts of every garden, so a non-member sees a garden's conflict with both "
            "facts (interpretation garden_contradictions; STG-SCOPE-025; Spec-02 §Read Access)."
        ),
        "file": "storage/store.py",
        "find": 'gardens = visible_clause("garden_id", reader.entity_uri, reader.node_admin)',
        "replace": 'gardens = ("1", ())',
    },
    {
        "id": "b7-conflicts-no-gardens",
        "description": (
            "GET /v1/conflicts leaves out every garden conflict, so the garden's own members never see the conflicts "
            "of their garden (STG-SCOPE-025: a garden's conflicts for its members)."
        ),
        "file": "storage/store.py",
        "find": 'gardens = visible_clause("garden_id", reader.entity_uri, reader.node_admin)',
        "replace": 'gardens = ("garden_id IS NULL", ())',
    },
    {
        "id": "b7-conflict-record-no-garden",
        "description": (
            "Conflict records in GET /v1/conflicts omit garden_id, so a member cannot tell which garden a conflict "
            "belongs to (docs/http-api.md: the conflict record carries that garden_id)."
        ),
        "file": "storage/store.py",
        "find": '                        **({} if row.garden_id is None else {"garden_id": row.garden_id}),\n',
        "replace": "",
    },
    {
        "id": "b7-conflicts-has-more-at-end",
        "description": (
            "The conflicts page sets has_more when exactly limit rows remain, so the last full page carries a cursor "
            "to an empty page (STG-HTTP-014: has_more false on the last page)."
        ),
        "file": "storage/store.py",
        "find": (
            "            more = len(rows) > limit\n"
            "            rows = rows[:limit]"
        ),
        "replace": (
            "            more = len(rows) >= limit\n"
            "            rows = rows[:limit]"
        ),
    },
    {
        "id": "b7-gardens-cursor-skips",
        "description": (
            "The garden list cursor points one past the last garden returned, so following it skips one garden per "
            "page (STG-HTTP-011: every item exactly once; docs/http-api.md GET /v1/gardens cursor)."
        ),
        "file": "storage/store.py",
        "find": "(rows[limit - 1].seq if len(rows) > limit else None)",
        "replace": "(rows[limit].seq if len(rows) > limit else None)",
    },
    {
        "id": "b7-gardens-cursor-at-end",
        "description": (
            "A garden page of exactly limit gardens carries a cursor although nothing follows (cursor null on the last "
            "page, STG-HTTP-011; docs/http-api.md GET /v1/gardens)."
        ),
        "file": "storage/store.py",
        "find": "(rows[limit - 1].seq if len(rows) > limit else None)",
        "replace": "(rows[min(limit, len(rows)) - 1].seq if len(rows) >= limit else None)",
    },
    {
        "id": "b7-gardens-list-all",
        "description": (
            "Every caller's GET /v1/gardens lists every garden, members or not (Spec-02 §Admin Operations: non-admins "
            "see only gardens they belong to)."
        ),
        "file": "storage/store.py",
        "find": "None if reader.node_admin else reader.entity_uri",
        "replace": "None",
    },
    {
        "id": "b7-gardens-list-admin-own",
        "description": (
            "A node admin's GET /v1/gardens lists only its own gardens (Spec-02 §Admin Operations; docs/http-api.md: a "
            "node admin lists every garden)."
        ),
        "file": "storage/store.py",
        "find": "None if reader.node_admin else reader.entity_uri",
        "replace": "reader.entity_uri",
    },
    {
        "id": "b7-creator-is-writer",
        "description": (
            "The creator of a garden joins as writer, so POST /v1/gardens answers members [{role: writer}] and nobody "
            "can administer the new garden (Spec-02 §Admin Operations: the creator becomes admin automatically)."
        ),
        "file": "storage/store.py",
        "find": 'garden_rows.MemberRow(creator, "admin", creator, now)',
        "replace": 'garden_rows.MemberRow(creator, "writer", creator, now)',
    },
    {
        "id": "b7-garden-uri-plural",
        "description": (
            "The garden_id of a new garden is built as stigmem://{authority}/gardens/{slug}, so the record's garden_id "
            "is not the spec's form, and an assert or garden_id= query naming the garden by that garden_id is 404 "
            "garden_not_found (Spec-02 §Memory Garden Primitive: stigmem://{node_authority}/garden/{slug})."
        ),
        "file": "storage/store.py",
        "find": "garden_rules.garden_uri(self.authority, slug), slug,",
        "replace": 'f"stigmem://{self.authority}/gardens/{slug}", slug,',
    },
    {
        "id": "b7-delete-by-any-member",
        "description": (
            "Deleting a garden needs membership only, so a reader or writer's DELETE /v1/gardens/{slug} is 204 instead "
            "of 403 garden_forbidden (Spec-02 §Admin Operations: delete is admin only)."
        ),
        "file": "storage/store.py",
        "find": "garden_rows.delete(conn, garden_rows.administered(conn, ref, reader),",
        "replace": "garden_rows.delete(conn, garden_rows.visible(conn, ref, reader),",
    },
    {
        "id": "b7-add-member-by-any-member",
        "description": (
            "Adding a member needs membership only, so a reader's POST .../members is 201 instead of 403 "
            "garden_forbidden (Spec-02 §Admin Operations: add member is admin only)."
        ),
        "file": "storage/store.py",
        "find": (
            "            garden = garden_rows.administered(conn, ref, reader)\n"
            "            new ="
        ),
        "replace": (
            "            garden = garden_rows.visible(conn, ref, reader)\n"
            "            new ="
        ),
    },
    {
        "id": "b7-change-member-by-any-member",
        "description": (
            "Re-roling needs membership only, so a reader PATCHes itself to admin (200) instead of 403 "
            "garden_forbidden (Spec-02 §Admin Operations: change role is admin only)."
        ),
        "file": "storage/store.py",
        "find": (
            "            garden = garden_rows.administered(conn, ref, reader)\n"
            "            changed ="
        ),
        "replace": (
            "            garden = garden_rows.visible(conn, ref, reader)\n"
            "            changed ="
        ),
    },
    {
        "id": "b7-added-by-member",
        "description": (
            "A new member's added_by is the member itself instead of the admin who added it (A10 §17.2 "
            "GardenMember.added_by)."
        ),
        "file": "storage/store.py",
        "find": "garden_rows.MemberRow(entity_uri, role, reader.entity_uri, now)",
        "replace": "garden_rows.MemberRow(entity_uri, role, entity_uri, now)",
    },
    {
        "id": "b7-detect-outside-garden",
        "description": (
            "A garden fact is paired with the triple's facts outside any garden, so a garden fact and a non-garden "
            "fact of one triple contradict (conflict outside the garden), while two facts of one garden never do "
            "(interpretation garden_contradictions, A10 §8; STG-SCOPE-025)."
        ),
        "file": "storage/ledger.py",
        "find": (
            "rows = fact_rows.preferred_siblings(conn, body.entity, body.relation, body.scope, fact.garden_id, now_us,"
        ),
        "replace": "rows = fact_rows.preferred_siblings(conn, body.entity, body.relation, body.scope, None, now_us,",
    },
    {
        "id": "b7-conflict-between-outside-garden",
        "description": (
            "The stigmem:conflict:between fact of a garden conflict is written outside the garden, so a non-member's "
            "GET /v1/facts lists it with both fact ids (docs/http-api.md: the conflict's stigmem:conflict: facts carry "
            "that garden_id; STG-SCOPE-025)."
        ),
        "file": "storage/ledger.py",
        "find": 'fact_rows.insert(conn, new_fact(between, "system", garden_id=garden_id), first)',
        "replace": 'fact_rows.insert(conn, new_fact(between, "system"), first)',
    },
    {
        "id": "b7-conflict-row-outside-garden",
        "description": (
            "The conflict index row of a garden conflict has no garden_id, so every caller's GET /v1/conflicts lists "
            "it with both garden facts (STG-SCOPE-025; Spec-02 §Read Access)."
        ),
        "file": "storage/ledger.py",
        "find": "conflict_rows.insert(conn, conflict_id, older, newer, scope, first.timestamp, garden_id)",
        "replace": "conflict_rows.insert(conn, conflict_id, older, newer, scope, first.timestamp)",
    },
    {
        "id": "b7-resolution-outside-garden",
        "description": (
            "The resolution fact of a garden conflict is written outside the garden, so every caller reads the "
            "resolved value of a garden triple (STG-SCOPE-025: it stays in the pair's garden; Spec-02 §Read Access)."
        ),
        "file": "storage/ledger.py",
        "find": 'fact_rows.insert(conn, new_fact(resolution, "resolution", garden_id=garden_id), resolution_stamp)',
        "replace": 'fact_rows.insert(conn, new_fact(resolution, "resolution"), resolution_stamp)',
    },
    {
        "id": "b7-empty-scopes-reach-gardens",
        "description": (
            "A key whose allowed_scopes is empty reaches the garden routes, so its GET /v1/gardens is 200 instead of "
            "403 scope_forbidden (A08 §3.5: an empty list means no access; interpretation garden_scopes)."
        ),
        "file": "api/gardens.py",
        "find": "    if not identity.scopes:\n",
        "replace": "    if False:\n",
    },
    {
        "id": "b7-create-with-read",
        "description": (
            "Creating a garden needs only read, so a read-only key's POST /v1/gardens is 201 instead of 403 forbidden "
            "(Spec-02 §Admin Operations: any principal with node write permission)."
        ),
        "file": "api/gardens.py",
        "find": (
            'identity = _caller(request, "write")\n'
            "    settings, store = _state(request)\n"
            "    body = members(await read_json(request, settings.max_body_bytes), _CREATE_MEMBERS"
        ),
        "replace": (
            'identity = _caller(request, "read")\n'
            "    settings, store = _state(request)\n"
            "    body = members(await read_json(request, settings.max_body_bytes), _CREATE_MEMBERS"
        ),
    },
    {
        "id": "b7-create-scope-unbounded",
        "description": (
            "A garden may be created in a scope outside the creator's allowed_scopes, so a local-only key creates a "
            "public garden (201 instead of 403 scope_forbidden) (interpretation garden_scopes; STG-SCOPE-029)."
        ),
        "file": "api/gardens.py",
        "find": "    if not identity.may_use(str(scope)):",
        "replace": "    if False:",
    },
    {
        "id": "b7-create-unknown-scope-403",
        "description": (
            "An unknown scope is not checked first, so POST /v1/gardens with scope 'galaxy' falls to the key-scope "
            "check and answers 403 scope_forbidden instead of 422 invalid_scope (A10 §5.14: 422 invalid slug or scope)."
        ),
        "file": "api/gardens.py",
        "find": "    if scope not in SCOPES:",
        "replace": "    if not isinstance(scope, str):",
    },
    {
        "id": "b7-create-status-200",
        "description": "POST /v1/gardens answers 200 instead of 201 Created (A10 §5.14: 201).",
        "file": "api/gardens.py",
        "find": "return JSONResponse(garden, 201)",
        "replace": "return JSONResponse(garden, 200)",
    },
    {
        "id": "b7-add-member-status-200",
        "description": "POST /v1/gardens/{slug}/members answers 200 instead of 201 (A10 §5.16: 201).",
        "file": "api/gardens.py",
        "find": "return JSONResponse(added, 201)",
        "replace": "return JSONResponse(added, 200)",
    },
    {
        "id": "b7-delete-status-200",
        "description": "DELETE /v1/gardens/{slug} answers 200 with an empty body instead of 204 (A10 §5.17: 204).",
        "file": "api/gardens.py",
        "find": (
            "    return Response(status_code=204)\n"
            "\n"
            "\n"
            "async def list_members"
        ),
        "replace": (
            "    return Response(status_code=200)\n"
            "\n"
            "\n"
            "async def list_members"
        ),
    },
    {
        "id": "b7-members-bare-array",
        "description": (
            'GET /v1/gardens/{slug}/members answers a bare array instead of {"members": [...]} (A10 §5.16 envelope; '
            "interpretation garden_list_shape, which the node's contract fixes as the envelope)."
        ),
        "file": "api/gardens.py",
        "find": 'return JSONResponse({"members": found})',
        "replace": "return JSONResponse(found)",
    },
    {
        "id": "b7-gardens-cursor-prefix",
        "description": (
            "The garden list cursor is issued with the conflicts prefix c1 but read as g1, so following the cursor of "
            "GET /v1/gardens answers 400 invalid_cursor (STG-HTTP-011/012: a cursor the node issued is accepted)."
        ),
        "file": "api/gardens.py",
        "find": 'encode_cursor("g1", str(last))',
        "replace": 'encode_cursor("c1", str(last))',
    },
    {
        "id": "b7-member-uri-unchecked",
        "description": (
            "The member entity_uri is taken as sent, not normalized, so POST .../members with 'not a uri' is 201 "
            "instead of 400 invalid_entity_uri and a member added as Agent:Bob never matches the key's agent:bob "
            "(docs/http-api.md: normalized like any entity; STG-URI-001)."
        ),
        "file": "api/gardens.py",
        "find": 'entity_uri, role = _member_uri(body.get("entity_uri")), _role(body.get("role"))',
        "replace": 'entity_uri, role = text(body.get("entity_uri"), "entity_uri"), _role(body.get("role"))',
    },
    {
        "id": "b7-patch-role-defaults-reader",
        "description": (
            "PATCH .../members/{entity_uri} with an unknown role demotes the member to reader (200) instead of 422 "
            "invalid_role (A10 §17.2 GardenRole)."
        ),
        "file": "api/gardens.py",
        "find": '    role = _role(body.get("role"))\n',
        "replace": '    role = rules.parse_role(body.get("role")) or "reader"\n',
    },
    {
        "id": "b7-remove-path-not-normalized",
        "description": (
            "DELETE .../members/{entity_uri} uses the path segment as sent, so removing a member named in another case "
            "or form (Agent:Bob for agent:bob) is 404 member_not_found instead of 204 (docs/http-api.md: the "
            "{entity_uri} segment is URL-encoded and normalized like any entity)."
        ),
        "file": "api/gardens.py",
        "find": (
            '    entity_uri = _member_uri(request.path_params["entity_uri"])\n'
            "    store = _state(request)[1]\n"
            "    with store.db.transaction() as conn:\n"
            "        store.change_garden_member"
        ),
        "replace": (
            '    entity_uri = request.path_params["entity_uri"]\n'
            "    store = _state(request)[1]\n"
            "    with store.db.transaction() as conn:\n"
            "        store.change_garden_member"
        ),
    },
    {
        "id": "b7-garden-query-unchecked",
        "description": (
            "GET /v1/facts?garden_id= skips the garden lookup, so a non-member gets 200 with an empty page instead of "
            "403 and an unknown garden 200 instead of 404 (Spec-02 §Read Access; A10 §5.20)."
        ),
        "file": "api/facts.py",
        "find": "    if params.query.garden_id is not None:\n",
        "replace": "    if False:\n",
    },
    {
        "id": "b7-garden-query-raw-id",
        "description": (
            "The garden_id= query filters on the URI as sent, not the stored one, so a member's query naming the "
            "garden with a capitalised slug or authority is 200 but empty (A10 §5.14: matched case-insensitively)."
        ),
        "file": "api/facts.py",
        "find": (
            "        params = dataclasses.replace(params, query=dataclasses.replace(params.query, garden_id=stored))\n"
        ),
        "replace": "        del stored\n",
    },
    {
        "id": "b7-batch-first-item-index-lost",
        "description": (
            "A garden refusal of batch item 0 is not turned into batch_failed, so the batch answers 403 "
            "garden_forbidden without failed_at_index instead of 422 batch_failed failed_at_index 0 (STG-BATCH-002; "
            "Spec-14)."
        ),
        "file": "api/facts.py",
        "find": "        if isinstance(failed, int):",
        "replace": "        if isinstance(failed, int) and failed:",
    },
    {
        "id": "b7-batch-validation-index-off",
        "description": (
            "A batch item that fails validation is reported one index too far (failed_at_index i + 1) (STG-BATCH-002: "
            "failed_at_index is the first failing item)."
        ),
        "file": "api/facts.py",
        "find": "            raise _failed(index, exc.code, exc.detail) from exc",
        "replace": "            raise _failed(index + 1, exc.code, exc.detail) from exc",
    },
    {
        "id": "b7-batch-max-inclusive",
        "description": (
            "A batch of exactly 50 facts is refused 422 batch_failed instead of written (ADR-006: "
            "STIGMEM_BATCH_MAX_FACTS = 50; STG-BATCH-011: more than 50 is refused)."
        ),
        "file": "api/facts.py",
        "find": "    if len(items) > MAX_BATCH_FACTS:",
        "replace": "    if len(items) >= MAX_BATCH_FACTS:",
    },
    {
        "id": "b7-fact-entity-prefix-kept",
        "description": (
            "GET /v1/facts/stigmem:fact:<id> is not read as the bare id, so it answers 404 fact_not_found (the "
            "architecture seed's fact-as-entity form stigmem:fact:<uuid> names the fact; STG-QRY-011)."
        ),
        "equivalent": (
            "Only drops a node convenience: reading GET /v1/facts/stigmem:fact:<id> as the bare id is no contract"
            " (the seed uses stigmem:fact:<uuid> as the entity of meta-facts, not as a route form; docs/http-"
            "api.md names {id} or a CID)."
        ),
        "file": "api/facts.py",
        "find": "    return raw.removeprefix(_FACT_ENTITY_PREFIX)",
        "replace": "    return raw",
    },
    {
        "id": "b7-params-no-node-admin",
        "description": (
            "Queries never pass the node-admin flag, so a node admin's GET /v1/facts leaves out the facts of deleted "
            "gardens (interpretation garden_orphans: node admins read them; STG-SCOPE-027)."
        ),
        "file": "api/params.py",
        "find": "node_admin=identity.reader.node_admin,",
        "replace": "node_admin=False,",
    },
    {
        "id": "b7-params-reader-key-id",
        "description": (
            "Queries judge garden membership by the key id instead of the entity, so a member's GET /v1/facts leaves "
            "out its own garden's facts (Spec-02 §Read Access; docs/http-api.md: a member is the entity_uri of the "
            "caller's key)."
        ),
        "file": "api/params.py",
        "find": "reader=identity.entity_uri,",
        "replace": "reader=identity.key_id or identity.entity_uri,",
    },
    {
        "id": "b7-query-tag-ignores-garden",
        "description": (
            "The cursor's query tag leaves out garden_id, so a cursor from a garden_id= query reused without the "
            "filter (or with another garden) carries the first query's total (STG-HTTP-013: a cursor reused with other "
            "filters is counted afresh)."
        ),
        "file": "api/params.py",
        "find": "repr(replace(query, now_us=0))",
        "replace": "repr(replace(query, now_us=0, garden_id=None))",
    },
    {
        "id": "b7-assert-garden-id-unknown-member",
        "description": (
            "garden_id is not an assert body member, so every garden write answers 422 invalid_body (Spec-02 §Write "
            "Access: an assert may carry garden_id)."
        ),
        "file": "api/bodies.py",
        "find": '{"entity", "relation", "value", "source", "scope", "confidence", "valid_until", "garden_id"}',
        "replace": '{"entity", "relation", "value", "source", "scope", "confidence", "valid_until"}',
    },
    {
        "id": "b7-writer-is-node-admin",
        "description": (
            "Every key with write is taken as a node admin, so a plain writer lists every garden, reads any garden's "
            "record and roster, and reads deleted gardens' facts (interpretation garden_node_admin: the admin "
            "permission; Spec-02 §Admin Operations)."
        ),
        "file": "api/auth.py",
        "find": 'return Reader(self.entity_uri, "admin" in self.permissions)',
        "replace": 'return Reader(self.entity_uri, bool(self.permissions & {"admin", "write"}))',
    },
    {
        "id": "b7-garden-relations-writable",
        "description": (
            "garden: relations are not reserved, so a client asserts garden:member or garden:role:<uri> facts (201 "
            "instead of 403 reserved_namespace) (Spec-02 §Admin Operations: callers MUST NOT modify them directly; A10 "
            "§17.6)."
        ),
        "file": "protocol/namespaces.py",
        "find": 'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:")',
        "replace": 'RESERVED_PREFIXES = ("stigmem:conflict:",)',
    },
    {
        "id": "b7-garden-role-writable",
        "description": (
            "Only garden:member is reserved, so a client asserts garden:role:<uri> facts (201 instead of 403 "
            "reserved_namespace) (A10 §17.6: both relations are system facts)."
        ),
        "file": "protocol/namespaces.py",
        "find": 'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:")',
        "replace": 'RESERVED_PREFIXES = ("stigmem:conflict:", "garden:member")',
    },
    {
        "id": "b7-federation-serves-garden-facts",
        "description": (
            "The serving page does not leave out garden-tagged facts, so a peer's GET /v1/federation/facts receives a "
            "public garden's facts (A10 §2.7, §6: facts with garden_id MUST NOT be replicated, independent of scope; "
            "STG-FED-028)."
        ),
        "file": "storage/replication.py",
        "find": '"f.received_from IS NULL AND f.garden_id IS NULL AND f.relation NOT LIKE',
        "replace": '"f.received_from IS NULL AND f.relation NOT LIKE',
    },
    {
        "id": "b7-inbound-garden-id-rejected",
        "description": (
            "An inbound fact carrying garden_id is rejected (audited invalid_fact) instead of stored with the "
            "garden_id dropped (A10 §2.7: receivers MUST silently drop any garden_id on inbound facts; STG-FED-029)."
        ),
        "file": "protocol/replication.py",
        "find": '    timestamp, valid_until = raw.get("timestamp"), raw.get("valid_until")\n',
        "replace": (
            '    if raw.get("garden_id") is not None:\n'
            '        return _reject("invalid_fact", "garden_id is not federated", fact_id)\n'
            '    timestamp, valid_until = raw.get("timestamp"), raw.get("valid_until")\n'
        ),
    },
    {
        "id": "b7-gardens-profile-unclaimed",
        "description": (
            "Discovery no longer lists the gardens profile although the garden routes are served (docs/http-api.md "
            "Routes: profiles lists the conformance profiles the node claims)."
        ),
        "equivalent": (
            "Only narrows what the node claims: a node that serves garden routes but leaves gardens out of "
            "discovery's profiles claims less, which no source forbids (as b4's profile-claim mutants); the "
            "gardens checks still run with --profile gardens and pass."
        ),
        "file": "settings.py",
        "find": 'PROFILES = ("core-local", "batch", "gardens")',
        "replace": 'PROFILES = ("core-local", "batch")',
    },
]
