"""Blind mutant round 8: the quarantine garden (Spec-08; A20 §19.4-§19.5, §5.25) and the Memory Garden boundaries it
touches, written from the seeds, the specs, the contract docs and the node's code, without reading the suite."""

ROUND = 8
MUTANTS: list[dict[str, str]] = [
    # Pending and rejected facts leaking into normal reads.
    {
        "id": "b8-released-pending-shown",
        "description": (
            "The release filter hides only rejected rows (q.status = 'rejected' instead of != 'promoted'), so a "
            "pending fact pulled in strict mode appears in GET /v1/facts, its total and GET /v1/facts/{id} (200) "
            "for every caller (Spec-08: pending facts MUST NOT appear in normal query results; docs/http-api.md "
            "\"The quarantine garden\": GET /v1/facts/{id_or_cid} answers 404)."
        ),
        "file": "storage/garden_acl.py",
        "find": "\"AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))\"",
        "replace": "\"AND (q.status = 'rejected' OR q.target_garden_id IS NOT NULL))\"",
    },
    {
        "id": "b8-released-rejected-shown",
        "description": (
            "The release filter hides only pending rows (q.status = 'pending'), so once a moderator rejects a held "
            "fact it enters GET /v1/facts and GET /v1/facts/{id} answers 200 (Spec-08: rejected facts MUST NOT "
            "enter normal recall; docs/http-api.md: pending and rejected facts are in no normal read)."
        ),
        "file": "storage/garden_acl.py",
        "find": "\"AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))\"",
        "replace": "\"AND (q.status = 'pending' OR q.target_garden_id IS NOT NULL))\"",
    },
    {
        "id": "b8-released-garden-promotion-original-shown",
        "description": (
            "A fact promoted into a garden is released like one promoted into the main fabric: its original, "
            "garden-less row becomes readable by everyone (GET /v1/facts/{original id} 200 for a non-member of the "
            "target garden, a query of its entity lists it) besides the copy in the garden (docs/http-api.md \"The "
            "quarantine garden\": the copy is written in that garden, a row's garden never changes; Spec-02 §Read "
            "Access)."
        ),
        "file": "storage/garden_acl.py",
        "find": "\"AND (q.status != 'promoted' OR q.target_garden_id IS NOT NULL))\"",
        "replace": "\"AND q.status != 'promoted')\"",
    },
    {
        "id": "b8-released-main-promotion-hidden",
        "description": (
            "The target test is inverted (target_garden_id IS NULL): a fact promoted into the main fabric stays "
            "hidden (GET /v1/facts/{id} 404 after a 200 promote) while the original row of a garden promotion "
            "becomes public (docs/http-api.md \"The quarantine garden\": promoted into the main fabric the fact "
            "becomes readable as it came; Spec-08 §Promote)."
        ),
        "file": "storage/garden_acl.py",
        "find": "OR q.target_garden_id IS NOT NULL))",
        "replace": "OR q.target_garden_id IS NULL))",
    },
    {
        "id": "b8-query-release-wrong-column",
        "description": (
            "The query route's release filter is keyed on f.cid instead of f.id, so it never matches: pending and "
            "rejected facts appear in GET /v1/facts and its total, while GET /v1/facts/{id} still answers 404 "
            "(Spec-08: pending facts MUST NOT appear in normal query results; one route only)."
        ),
        "file": "storage/facts.py",
        "find": 'released = garden_acl.RELEASED.format(column="f.id")',
        "replace": 'released = garden_acl.RELEASED.format(column="f.cid")',
    },
    {
        "id": "b8-total-counts-held",
        "description": (
            "The count behind total drops the release filter: GET /v1/facts leaves a pending fact out of the page "
            "but total counts it (one more than the facts a full walk returns) (Spec-08: pending facts stay out of "
            "query results; docs/http-api.md \"The quarantine garden\": queries and totals leave them out)."
        ),
        "file": "storage/facts.py",
        "find": '    return int(conn.execute(f"SELECT COUNT(*) FROM facts f{where}", params).fetchone()[0])',
        "replace": (
            '    where = where.replace(" AND " + garden_acl.RELEASED.format(column="f.id"), "")\n'
            '    return int(conn.execute(f"SELECT COUNT(*) FROM facts f{where}", params).fetchone()[0])'
        ),
    },
    {
        "id": "b8-by-id-held-served",
        "description": (
            "The by-id release check tests the fetched tuple instead of its value (a tuple (0,) is truthy), so "
            "GET /v1/facts/{id} and POST /v1/facts/{id}/verify-cid of a pending or rejected fact answer 200 "
            "instead of 404 (docs/http-api.md \"The quarantine garden\": GET /v1/facts/{id_or_cid} answers 404, "
            "for every caller; Spec-08)."
        ),
        "file": "storage/store.py",
        "find": "(row[ID],)).fetchone()[0]:",
        "replace": "(row[ID],)).fetchone():",
    },
    {
        "id": "b8-by-cid-held-served",
        "description": (
            "The CID lookup keeps the garden ACL but forgets the release filter, so GET /v1/facts/sha256:... of a "
            "pending fact answers 200 with the held record (its id included) instead of 404 (docs/http-api.md "
            "\"The quarantine garden\": GET /v1/facts/{id_or_cid} answers 404; CIDF dual addressing)."
        ),
        "file": "storage/store.py",
        "find": 'row = fact_rows.by_cid(conn, ref, (f"{garden} AND {released[0]}", params))',
        "replace": "row = fact_rows.by_cid(conn, ref, (garden, params))",
    },
    {
        "id": "b8-by-cid-held-forbidden",
        "description": (
            "Whether a CID names a fact the caller may not read is asked of every fact, held ones included, so "
            "GET /v1/facts/sha256:... of a pending fact answers 403 garden_forbidden (telling that it exists) "
            "instead of 404 (docs/http-api.md \"The quarantine garden\": 404 for every caller; Spec-08)."
        ),
        "file": "storage/store.py",
        "find": "hidden = fact_rows.by_cid(conn, ref, released) if row is None else None",
        "replace": "hidden = fact_rows.by_cid(conn, ref) if row is None else None",
    },
    {
        "id": "b8-verify-cid-held",
        "description": (
            "verify-cid falls back to a plain lookup by id when the read filter finds nothing, so POST "
            "/v1/facts/{id}/verify-cid of a pending fact answers 200 with its cid instead of 404, while GET "
            "/v1/facts/{id} stays 404 (docs/http-api.md \"The quarantine garden\" and \"Memory Gardens\": every "
            "read route, verify-cid included; Spec-08)."
        ),
        "file": "storage/store.py",
        "find": (
            "            row = self._row(conn, ref, scopes, reader)\n"
            "        if row is None:\n"
            "            return None\n"
            "        computed, stored = computed_cid(row), row[CID]"
        ),
        "replace": (
            "            row = self._row(conn, ref, scopes, reader) or fact_rows.by_id(conn, ref)\n"
            "        if row is None:\n"
            "            return None\n"
            "        computed, stored = computed_cid(row), row[CID]"
        ),
    },
    {
        "id": "b8-held-fact-detected-at-ingest",
        "description": (
            "A fact held in quarantine still goes through contradiction detection at ingest, so a pending fact "
            "contradicting a local one shows up as fact_a/fact_b of a GET /v1/conflicts entry (and marks the "
            "local fact contradicted) before any moderator acts (Spec-08: pending facts stay out of normal reads; "
            "docs/http-api.md \"The quarantine garden\": contradiction detection runs when it is promoted)."
        ),
        "file": "storage/replication.py",
        "find": '"peer_node_id": peer.node_id})\n        return\n',
        "replace": '"peer_node_id": peer.node_id})\n',
    },
    # The quarantine surface: fields, status filter, paging.
    {
        "id": "b8-surface-no-garden-id",
        "description": (
            "The quarantine surface drops quarantine_garden_id from each held fact (GET "
            "/v1/gardens/{garden}/quarantine) (Spec-08: fact state records quarantine_garden_id; docs/http-api.md "
            "\"The quarantine garden\" lists it among the record's fields)."
        ),
        "file": "storage/quarantine.py",
        "find": 'return {"quarantine_garden_id": quarantine_garden_id, "quarantine_status": self.status,',
        "replace": 'return {"quarantine_status": self.status,',
    },
    {
        "id": "b8-surface-status-stuck-pending",
        "description": (
            "The surface reports quarantine_status 'pending' for every held fact, so a promoted or rejected fact "
            "listed with ?status=promoted (or rejected) still says pending (Spec-08: quarantine_status "
            "pending|promoted|rejected; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/quarantine.py",
        "find": '"quarantine_status": self.status,',
        "replace": '"quarantine_status": "pending",',
    },
    {
        "id": "b8-surface-reason-is-peer",
        "description": (
            "quarantine_reason carries the delivering peer's id instead of the admission reason, so a fact held in "
            "strict mode does not read no_valid_manifest (Spec-08: quarantined facts MUST carry enough metadata to "
            "explain why; docs/http-api.md \"The quarantine garden\": quarantine_reason no_valid_manifest)."
        ),
        "file": "storage/quarantine.py",
        "find": '"quarantine_reason": self.reason,',
        "replace": '"quarantine_reason": self.peer_id,',
    },
    {
        "id": "b8-surface-action-reason-is-admission",
        "description": (
            "action_reason shows the admission reason (no_valid_manifest) instead of the reason the moderator gave "
            "with promote or reject (Spec-08: promote and reject MUST record why; docs/http-api.md \"The quarantine "
            "garden\": action_reason)."
        ),
        "file": "storage/quarantine.py",
        "find": '"action_reason": self.action_reason,',
        "replace": '"action_reason": self.reason,',
    },
    {
        "id": "b8-surface-status-filter-inverted",
        "description": (
            "The status filter of the quarantine surface is inverted (q.status != ?): ?status=pending lists the "
            "promoted and rejected facts and leaves the pending ones out (docs/http-api.md \"The quarantine "
            "garden\": GET /v1/gardens/{garden}/quarantine?status=pending|promoted|rejected)."
        ),
        "file": "storage/quarantine.py",
        "find": 'clauses.append("q.status = ?")',
        "replace": 'clauses.append("q.status != ?")',
    },
    {
        "id": "b8-surface-status-filter-when-absent",
        "description": (
            "The status clause is added when status is absent (comparing with NULL) and skipped when given: the "
            "unfiltered surface is always empty and ?status=rejected lists every held fact (docs/http-api.md \"The "
            "quarantine garden\": the status filter)."
        ),
        "file": "storage/quarantine.py",
        "find": '    if status is not None:\n        clauses.append("q.status = ?")',
        "replace": '    if status is None:\n        clauses.append("q.status = ?")',
    },
    {
        "id": "b8-surface-rejected-filter-refused",
        "description": (
            "The route's status check forgets 'rejected', so GET /v1/gardens/{garden}/quarantine?status=rejected "
            "answers 400 invalid_parameter instead of listing the rejected facts (docs/http-api.md \"The "
            "quarantine garden\": status=pending|promoted|rejected; Spec-08: rejected facts stay visible to "
            "moderators for audit)."
        ),
        "file": "api/gardens.py",
        "find": 'if status is not None and status not in ("pending", "promoted", "rejected"):',
        "replace": 'if status is not None and status not in ("pending", "promoted"):',
    },
    {
        "id": "b8-surface-bad-status-accepted",
        "description": (
            "Only an empty status is refused, so ?status=bogus answers 200 with an empty facts list instead of 400 "
            "invalid_parameter (docs/http-api.md \"The quarantine garden\": status is pending, promoted or "
            "rejected; schemas/openapi.json enum)."
        ),
        "file": "api/gardens.py",
        "find": 'if status is not None and status not in ("pending", "promoted", "rejected"):',
        "replace": "if status is not None and not status:",
    },
    {
        "id": "b8-surface-cursor-skips-one",
        "description": (
            "The surface's cursor names the first row of the next page (rows[limit]) instead of the last row "
            "served, so walking with limit=1 skips every second held fact (docs/http-api.md \"The quarantine "
            "garden\": {\"facts\", \"cursor\"}, oldest first; Spec-03 cursor pagination)."
        ),
        "file": "storage/quarantine.py",
        "find": "return found, (rows[limit - 1][0] if len(rows) > limit else None)",
        "replace": "return found, (rows[limit][0] if len(rows) > limit else None)",
    },
    {
        "id": "b8-surface-cursor-on-exact-last-page",
        "description": (
            "The surface hands out a cursor when exactly limit facts remain (len(rows) >= limit), so the last page "
            "of a full walk carries a non-null cursor that leads to an empty page (Spec-03: the cursor is null on "
            "the last page; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/quarantine.py",
        "find": "return found, (rows[limit - 1][0] if len(rows) > limit else None)",
        "replace": "return found, (rows[limit - 1][0] if len(rows) >= limit else None)",
    },
    {
        "id": "b8-surface-cursor-repeats",
        "description": (
            "The surface resumes at the cursor's own row (q.seq >= ?), so each page repeats the last fact of the "
            "previous one and a limit=1 walk never ends on its own (Spec-03 keyset pagination; docs/http-api.md "
            "\"The quarantine garden\")."
        ),
        "file": "storage/quarantine.py",
        "find": 'clauses.append("q.seq > ?")',
        "replace": 'clauses.append("q.seq >= ?")',
    },
    {
        "id": "b8-surface-newest-first",
        "description": (
            "The surface lists held facts newest first (ORDER BY q.seq DESC) instead of oldest first, and its "
            "cursor (q.seq > ?) then returns nothing after the first page (docs/http-api.md \"The quarantine "
            "garden\": oldest first)."
        ),
        "file": "storage/quarantine.py",
        "find": "f\"WHERE {' AND '.join(clauses)} ORDER BY q.seq LIMIT ?\"",
        "replace": "f\"WHERE {' AND '.join(clauses)} ORDER BY q.seq DESC LIMIT ?\"",
    },
    # Who may see the surface and promote or reject.
    {
        "id": "b8-moderate-writer",
        "description": (
            "A writer of the quarantine garden may moderate: its GET /v1/gardens/{garden}/quarantine, promote and "
            "reject answer 200 instead of 403 garden_forbidden (Spec-08: promote or reject requires admin or "
            "quarantine:moderator; A20 §19.5: 403 without the role)."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role in ("admin", MODERATOR)',
        "replace": 'return role in ("admin", MODERATOR, "writer")',
    },
    {
        "id": "b8-moderate-any-member",
        "description": (
            "Any member of the quarantine garden moderates: a reader's promote of a pending fact answers 200 and "
            "releases it instead of 403 garden_forbidden (Spec-08: admin or quarantine:moderator; docs/http-api.md "
            "\"The quarantine garden\")."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role in ("admin", MODERATOR)',
        "replace": "return role is not None",
    },
    {
        "id": "b8-moderate-admin-refused",
        "description": (
            "Only quarantine:moderator moderates: the quarantine garden's admin (its creator) gets 403 "
            "garden_forbidden from the surface, promote and reject (Spec-08: promote or reject requires admin or "
            "quarantine:moderator)."
        ),
        "file": "protocol/gardens.py",
        "find": 'return role in ("admin", MODERATOR)',
        "replace": "return role == MODERATOR",
    },
    {
        "id": "b8-moderate-node-admin",
        "description": (
            "A node admin (admin permission) moderates without any role in the quarantine garden: a node admin that "
            "is not a member lists, promotes and rejects (200 instead of 403) (docs/http-api.md \"Memory Gardens\" "
            "garden_node_admin: administering a garden's facts needs the garden role; Spec-08)."
        ),
        "file": "storage/quarantine.py",
        "find": "    if not rules.may_moderate(garden_rows.role_of(conn, garden, reader.entity_uri)):",
        "replace": (
            "    if not (reader.node_admin or rules.may_moderate(garden_rows.role_of(conn, garden, "
            "reader.entity_uri))):"
        ),
    },
    {
        "id": "b8-surface-any-member",
        "description": (
            "The quarantine surface checks only that the caller sees the garden: a reader or writer of the "
            "quarantine garden (and a node admin) reads the pending facts with 200, and a normal garden answers "
            "200 with an empty list instead of 422 not_quarantine_garden (Spec-08: pending facts only on the "
            "quarantine surface, for callers with permission; docs/http-api.md: its admin or moderator)."
        ),
        "file": "storage/store.py",
        "find": "return quarantine_rows.listing(conn, quarantine_rows.moderated(conn, ref, reader), status,",
        "replace": "return quarantine_rows.listing(conn, garden_rows.visible(conn, ref, reader), status,",
    },
    {
        "id": "b8-reject-any-member",
        "description": (
            "Reject checks only that the caller sees the garden (promote keeps the role check): a reader or writer "
            "of the quarantine garden, or a node admin, rejects a pending fact (200 instead of 403) (Spec-08: "
            "promote or reject requires admin or quarantine:moderator; A20 §5.25: the same error codes)."
        ),
        "file": "storage/store.py",
        "find": "            garden = quarantine_rows.moderated(conn, ref, reader)\n",
        "replace": (
            "            garden = (quarantine_rows.moderated(conn, ref, reader) if action == \"promoted\"\n"
            "                      else garden_rows.visible(conn, ref, reader))\n"
        ),
    },
    {
        "id": "b8-moderate-read-permission",
        "description": (
            "Promote and reject need only the read permission, so a read-only key holding quarantine:moderator "
            "promotes (200 instead of 403 forbidden) (docs/http-api.md: mutations need the write permission; "
            "schemas/openapi.json: 403 forbidden (permission) on promote and reject)."
        ),
        "file": "api/gardens.py",
        "find": (
            '    identity = _caller(request, "write")\n    settings, store = _state(request)\n'
            '    body = members(await read_json(request, settings.max_body_bytes), allowed, "the body")'
        ),
        "replace": (
            '    identity = _caller(request, "read")\n    settings, store = _state(request)\n'
            '    body = members(await read_json(request, settings.max_body_bytes), allowed, "the body")'
        ),
    },
    # Promote or reject twice.
    {
        "id": "b8-promote-twice-allowed",
        "description": (
            "Only a rejected fact counts as decided: promoting a promoted fact (or rejecting it) again answers 200 "
            "instead of 409 fact_not_quarantine_pending (Spec-08: re-promoting a promoted or rejected fact MUST "
            "return a conflict; A20 §19.5)."
        ),
        "file": "storage/quarantine.py",
        "find": '    if held.status != "pending":',
        "replace": '    if held.status == "rejected":',
    },
    {
        "id": "b8-decide-after-reject-allowed",
        "description": (
            "Only a promoted fact counts as decided: rejecting a rejected fact again, or promoting a rejected one, "
            "answers 200 instead of 409 fact_not_quarantine_pending (Spec-08: re-promoting a promoted or rejected "
            "fact MUST return a conflict)."
        ),
        "file": "storage/quarantine.py",
        "find": '    if held.status != "pending":',
        "replace": '    if held.status == "promoted":',
    },
    {
        "id": "b8-decided-twice-404",
        "description": (
            "A second promote or reject of a decided fact answers 404 fact_not_found instead of 409 "
            "fact_not_quarantine_pending (Spec-08: a conflict, 409; A20 §19.9; docs/http-api.md \"The quarantine "
            "garden\")."
        ),
        "file": "storage/quarantine.py",
        "find": 'raise StoreError("fact_not_quarantine_pending", f"{fact_id} is already {held.status}")',
        "replace": 'raise StoreError("fact_not_found", f"{fact_id} is already {held.status}")',
    },
    {
        "id": "b8-not-held-409",
        "description": (
            "Promoting a fact that is not held in this quarantine garden (an ordinary local fact's id, an unknown "
            "id) answers 409 fact_not_quarantine_pending instead of 404 fact_not_found (A20 §5.25: 404 fact not in "
            "this quarantine garden; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/quarantine.py",
        "find": 'raise StoreError("fact_not_found", f"{fact_id} is not held in this quarantine garden")',
        "replace": (
            'raise StoreError("fact_not_quarantine_pending", '
            'f"{fact_id} is not held in this quarantine garden")'
        ),
    },
    # Promotion: provenance, target garden re-checks, who/when/why.
    {
        "id": "b8-main-promotion-restamped-copy",
        "description": (
            "Promotion into the main fabric writes a re-stamped copy (new id, timestamp and hlc) besides "
            "releasing the original, so a query of the entity returns the promoted fact twice (docs/http-api.md "
            "\"The quarantine garden\": the fact itself becomes readable as it came, id, source, timestamp, hlc, "
            "cid; Spec-08 §Promote)."
        ),
        "file": "storage/quarantine.py",
        "find": (
            "    if target_uri is None:\n"
            "        new = _as_new(fact, None)\n"
            "        ledger.detect(conn, stamp, new, Stamp(fact[ID], fact[TIMESTAMP], 0, fact[HLC]), now_us, "
            "cardinality)\n"
            "        return\n"
        ),
        "replace": "",
    },
    {
        "id": "b8-main-promotion-no-detection",
        "description": (
            "Promotion into the main fabric skips contradiction detection: a promoted fact contradicting a local "
            "one yields no GET /v1/conflicts entry and neither is marked contradicted (docs/http-api.md \"The "
            "quarantine garden\": contradiction detection runs then; Spec-15 contradiction detection)."
        ),
        "file": "storage/quarantine.py",
        "find": (
            "        ledger.detect(conn, stamp, new, Stamp(fact[ID], fact[TIMESTAMP], 0, fact[HLC]), now_us, "
            "cardinality)\n"
        ),
        "replace": "",
    },
    {
        "id": "b8-garden-copy-in-quarantine-garden",
        "description": (
            "The copy a garden promotion writes is tagged with the quarantine garden's garden_id instead of the "
            "target's, so GET /v1/facts?garden_id=<target> by its members does not list the promoted fact and the "
            "record carries the wrong garden_id (docs/http-api.md \"The quarantine garden\": a copy is written in "
            "that garden; Spec-08: promote moves a pending fact to a target garden)."
        ),
        "file": "storage/quarantine.py",
        "find": "    copy = _as_new(fact, target_uri)",
        "replace": "    copy = _as_new(fact, garden.garden_id)",
    },
    {
        "id": "b8-target-not-rechecked",
        "description": (
            "Promotion into a garden takes the target's garden_id without re-checking anything: a moderator who is "
            "no writer there promotes (200 instead of 403 garden_forbidden) and a target of another scope accepts "
            "the fact (200 instead of 422 garden_scope_mismatch) (Spec-08: promote MUST re-check the target "
            "garden's scope and write permission)."
        ),
        "file": "storage/quarantine.py",
        "find": (
            "        target_uri = garden_rows.writable(conn, target.garden_id, fact[SCOPE], actor, "
            "garden.garden_id.split(\"/\")[2])"
        ),
        "replace": "        target_uri = target.garden_id",
    },
    {
        "id": "b8-target-scope-not-rechecked",
        "description": (
            "The target garden's scope is compared with itself instead of the fact's scope: the role is still "
            "checked, but a public fact promoted into a team garden answers 200 instead of 422 "
            "garden_scope_mismatch (Spec-08: promote MUST re-check the target garden's scope; Spec-02: every fact "
            "tagged with the garden uses its scope)."
        ),
        "file": "storage/quarantine.py",
        "find": "garden_rows.writable(conn, target.garden_id, fact[SCOPE], actor,",
        "replace": "garden_rows.writable(conn, target.garden_id, target.scope, actor,",
    },
    {
        "id": "b8-target-authority-wrong",
        "description": (
            "The node authority handed to the target check is the URI's fourth segment ('garden') instead of its "
            "authority, so every promotion into a garden answers 404 garden_not_found (docs/http-api.md \"The "
            "quarantine garden\": target_garden_id, its id or slug; Spec-02 garden_id "
            "stigmem://{node_authority}/garden/{slug})."
        ),
        "file": "storage/quarantine.py",
        "find": 'garden.garden_id.split("/")[2])',
        "replace": 'garden.garden_id.split("/")[3])',
    },
    {
        "id": "b8-target-quarantine-403",
        "description": (
            "A promotion whose target is the quarantine garden itself is no longer refused as not found: it "
            "reaches the write check and answers 403 garden_forbidden instead of 404 garden_not_found "
            "(docs/http-api.md \"The quarantine garden\": no fact is asserted into it; 404 garden_not_found)."
        ),
        "equivalent": (
            "Only swaps one refusal for another: a promotion into the quarantine garden itself is refused either "
            "way (403 garden_forbidden instead of 404 garden_not_found) and nothing is written; docs/http-api.md "
            "names both codes on promote and says no more about this target."
        ),
        "file": "storage/quarantine.py",
        "find": "        if target is None or target.quarantine:",
        "replace": "        if target is None:",
    },
    {
        "id": "b8-target-by-uri-only",
        "description": (
            "The target garden is looked up by its garden_id URI only, so target_garden_id given as the garden's "
            "id or slug answers 404 garden_not_found (docs/http-api.md \"The quarantine garden\": "
            "target_garden_id: its id or slug; A20 §5.25 target_garden_id <uuid>)."
        ),
        "file": "storage/quarantine.py",
        "find": "        target = garden_rows.by_ref(conn, target_ref)",
        "replace": "        target = garden_rows.by_uri(conn, target_ref)",
    },
    {
        "id": "b8-acted-by-not-recorded",
        "description": (
            "The decision is stored without its actor: the surface shows acted_by null for promoted and rejected "
            "facts (Spec-08: promote and reject MUST record who, when and why; docs/http-api.md \"The quarantine "
            "garden\": acted_by)."
        ),
        "file": "storage/quarantine.py",
        "find": "(action, target_uri, actor.entity_uri, at, reason, fact_id))",
        "replace": "(action, target_uri, None, at, reason, fact_id))",
    },
    {
        "id": "b8-action-reason-not-recorded",
        "description": (
            "The decision is stored without the moderator's reason: the surface shows action_reason null after a "
            "promote or reject with a reason (Spec-08: promote and reject MUST record why)."
        ),
        "file": "storage/quarantine.py",
        "find": "(action, target_uri, actor.entity_uri, at, reason, fact_id))",
        "replace": "(action, target_uri, actor.entity_uri, at, None, fact_id))",
    },
    {
        "id": "b8-reject-answers-promoted-keys",
        "description": (
            "POST /v1/gardens/{garden}/reject answers {fact_id, promoted_at, promoted_by} instead of {fact_id, "
            "rejected_at, rejected_by} (A20 §5.25; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/store.py",
        "find": 'verb = "promoted" if action == "promoted" else "rejected"',
        "replace": 'verb = "promoted"',
    },
    {
        "id": "b8-promoted-by-garden-creator",
        "description": (
            "promoted_by / rejected_by name the quarantine garden's creator instead of the caller, so a "
            "moderator's promote reports the admin as its actor (Spec-08: record who; A20 §5.25: promoted_by)."
        ),
        "file": "storage/store.py",
        "find": 'f"{verb}_by": reader.entity_uri}',
        "replace": 'f"{verb}_by": garden.created_by}',
    },
    # The delete guard.
    {
        "id": "b8-delete-guard-promoted",
        "description": (
            "The delete guard looks for promoted facts instead of pending ones: DELETE of a quarantine garden "
            "holding a pending fact answers 204, and one whose facts were promoted answers 409 (Spec-08: a "
            "quarantine garden with pending facts MUST NOT be deleted; A20 §19.5 409 quarantine_has_pending_facts)."
        ),
        "file": "storage/gardens.py",
        "find": "\"SELECT 1 FROM fact_quarantine WHERE garden = ? AND status = 'pending' LIMIT 1\"",
        "replace": "\"SELECT 1 FROM fact_quarantine WHERE garden = ? AND status = 'promoted' LIMIT 1\"",
    },
    {
        "id": "b8-delete-guard-never-released",
        "description": (
            "The delete guard counts every fact ever held: once all are promoted or rejected, DELETE of the "
            "quarantine garden still answers 409 quarantine_has_pending_facts instead of 204 (Spec-08: the guard "
            "is about pending facts; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/gardens.py",
        "find": "\"SELECT 1 FROM fact_quarantine WHERE garden = ? AND status = 'pending' LIMIT 1\"",
        "replace": "\"SELECT 1 FROM fact_quarantine WHERE garden = ? LIMIT 1\"",
    },
    {
        "id": "b8-delete-guard-403",
        "description": (
            "Deleting a quarantine garden with pending facts answers 403 garden_forbidden instead of 409 "
            "quarantine_has_pending_facts (A20 §19.5; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/gardens.py",
        "find": 'raise StoreError("quarantine_has_pending_facts",',
        "replace": 'raise StoreError("garden_forbidden",',
    },
    # Strict, relaxed and off routing of pulled facts.
    {
        "id": "b8-relaxed-quarantines",
        "description": (
            "Every trust mode but off quarantines: a node in the default relaxed mode holds pulled facts in its "
            "quarantine garden (absent from GET /v1/facts) instead of ingesting them (A20 §19.4: relaxed MUST NOT "
            "quarantine on score alone; docs/http-api.md: relaxed and off never quarantine)."
        ),
        "file": "protocol/replication.py",
        "find": '    if trust_mode == "strict" and not manifest_valid:',
        "replace": '    if trust_mode != "off" and not manifest_valid:',
    },
    {
        "id": "b8-off-quarantines",
        "description": (
            "trust_mode off quarantines like strict: pulled facts are held (or, without a quarantine garden, "
            "refused trust_below_threshold) instead of ingested (docs/http-api.md \"The quarantine garden\": "
            "relaxed and off never quarantine; A20 §19.4 off computes no trust)."
        ),
        "equivalent": (
            "Only changes --trust-mode off, which no default or strict run starts (off and relaxed differ only in"
            " the transparency-log checks issue 15 will add); killed under a node started with --trust-mode off, "
            "where pulled facts must be ingested."
        ),
        "file": "protocol/replication.py",
        "find": '    if trust_mode == "strict" and not manifest_valid:',
        "replace": '    if trust_mode in ("strict", "off") and not manifest_valid:',
    },
    {
        "id": "b8-strict-ingests",
        "description": (
            "The manifest test is inverted: a strict node ingests pulled facts without a valid manifest straight "
            "into the main fabric (readable at once, nothing on the quarantine surface) (A20 §19.4: strict MUST "
            "route a federated fact with no valid manifest to the quarantine garden)."
        ),
        "file": "protocol/replication.py",
        "find": '    if trust_mode == "strict" and not manifest_valid:',
        "replace": '    if trust_mode == "strict" and manifest_valid:',
    },
    {
        "id": "b8-held-reason-name",
        "description": (
            "Facts held in strict mode carry quarantine_reason trust_below_threshold instead of no_valid_manifest "
            "(docs/http-api.md \"The quarantine garden\"; A20 §19.4: no valid manifest is its own routing cause)."
        ),
        "file": "protocol/replication.py",
        "find": '        return "no_valid_manifest"',
        "replace": '        return "trust_below_threshold"',
    },
    {
        "id": "b8-no-garden-silent-ingest",
        "description": (
            "Strict mode with no quarantine garden ingests the pulled fact into the main fabric (readable, not "
            "audited) instead of refusing it (A20 §19.4: no quarantine garden designated is 403 "
            "trust_below_threshold, never a silent pass; docs/http-api.md: refused and audited rejected_fact / "
            "trust_below_threshold)."
        ),
        "file": "storage/replication.py",
        "find": (
            '            rejection = rules.Rejection("rejected_fact", "trust_below_threshold",\n'
            '                                        f"{reason}, and this node has no quarantine garden", inbound.id)'
        ),
        "replace": "            pass",
    },
    {
        "id": "b8-no-garden-audit-reason",
        "description": (
            "The refusal of a pulled fact in strict mode without a quarantine garden is audited with reason "
            "no_valid_manifest instead of trust_below_threshold (A20 §19.4; docs/http-api.md \"The quarantine "
            "garden\": audited rejected_fact / trust_below_threshold)."
        ),
        "file": "storage/replication.py",
        "find": 'rules.Rejection("rejected_fact", "trust_below_threshold",',
        "replace": 'rules.Rejection("rejected_fact", "no_valid_manifest",',
    },
    {
        "id": "b8-refused-moves-clock",
        "description": (
            "The HLC receive runs even for a fact already refused, so a fact refused trust_below_threshold (strict, "
            "no quarantine garden) with an hlc ahead of the node's still moves the node clock: the next local "
            "fact's hlc is above it (docs/http-api.md \"The quarantine garden\": a refused fact never moves the "
            "clock; Spec-12, STG-HLC-009)."
        ),
        "file": "storage/replication.py",
        "find": "    if rejection is None:\n        try:",
        "replace": "    if True:\n        try:",
    },
    {
        "id": "b8-deleted-quarantine-still-designated",
        "description": (
            "The designated quarantine garden is looked up among deleted gardens too: after its (allowed) deletion "
            "a new quarantine garden is refused 409 quarantine_garden_exists, and strict ingest holds facts in the "
            "deleted garden instead of refusing them trust_below_threshold (A20 §19.4; docs/http-api.md \"The "
            "quarantine garden\": one per node)."
        ),
        "file": "storage/gardens.py",
        "find": 'WHERE quarantine = 1 AND deleted_at IS NULL "',
        "replace": 'WHERE quarantine = 1 "',
    },
    {
        "id": "b8-service-trust-mode-unwired",
        "description": (
            "The federation service never hands --trust-mode to its store: discovery says trust_mode strict and "
            "claims the quarantine profile, but pulled facts are ingested straight into the main fabric (A20 "
            "§19.4; docs/federation-api.md: quarantine in strict mode, pulled facts then held)."
        ),
        "file": "federation/service.py",
        "find": "        self.store.trust_mode = settings.trust_mode\n",
        "replace": "",
    },
    {
        "id": "b8-cli-default-strict",
        "description": (
            "--trust-mode defaults to strict: a federation node started without the flag holds every pulled fact "
            "in quarantine (or refuses it) and discovery shows trust_mode strict (docs/federation-api.md: "
            "trust_mode default relaxed; A20 §19.4: relaxed is the default)."
        ),
        "file": "cli.py",
        "find": 'os.environ.get("STIGMEM_FEDERATION_TRUST_MODE", "relaxed")',
        "replace": 'os.environ.get("STIGMEM_FEDERATION_TRUST_MODE", "strict")',
    },
    # Discovery.
    {
        "id": "b8-discovery-trust-mode-constant",
        "description": (
            "Discovery reports trust_mode relaxed whatever the node runs, so a strict node says relaxed in GET "
            "/.well-known/stigmem while claiming the quarantine profile (docs/federation-api.md: trust_mode; A20 "
            "§19.4)."
        ),
        "file": "api/discovery.py",
        "find": 'found["trust_mode"] = settings.trust_mode',
        "replace": 'found["trust_mode"] = "relaxed"',
    },
    {
        "id": "b8-profile-claimed-in-relaxed",
        "description": (
            "The quarantine profile is claimed in every trust mode but off, so a relaxed federation node lists "
            "\"quarantine\" in profiles though it never quarantines (docs/federation-api.md: \"quarantine\" in "
            "strict mode; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "settings.py",
        "find": 'if self.trust_mode == "strict" else ())',
        "replace": 'if self.trust_mode != "off" else ())',
    },
    {
        "id": "b8-profile-misnamed",
        "description": (
            "A strict node claims the profile as \"quarantine-garden\" instead of \"quarantine\" in GET "
            "/.well-known/stigmem profiles (docs/federation-api.md: \"quarantine\" in profiles in strict mode)."
        ),
        "equivalent": (
            "Only narrows what the node claims: discovery lists a profile name the suite does not know instead of"
            " quarantine; a node claiming less is not wrong (as b7-gardens-profile-unclaimed), and --profile "
            "quarantine still runs and passes."
        ),
        "file": "settings.py",
        "find": '*(("quarantine",) if',
        "replace": '*(("quarantine-garden",) if',
    },
    # Creating the quarantine garden; its roles; no direct asserts.
    {
        "id": "b8-create-quarantine-by-writer",
        "description": (
            "Creating a quarantine garden needs only the write permission: a non-admin key's POST /v1/gardens with "
            "quarantine true answers 201 instead of 403 forbidden (docs/http-api.md \"The quarantine garden\": a "
            "node admin creates it; Spec-08)."
        ),
        "file": "api/gardens.py",
        "find": 'if quarantine and "admin" not in identity.permissions:',
        "replace": 'if quarantine and "write" not in identity.permissions:',
    },
    {
        "id": "b8-create-quarantine-code",
        "description": (
            "A non-admin's POST /v1/gardens with quarantine true is refused 403 garden_forbidden instead of 403 "
            "forbidden (docs/http-api.md \"The quarantine garden\": 403 forbidden without admin)."
        ),
        "file": "api/gardens.py",
        "find": 'raise ApiError("forbidden", "creating a quarantine garden needs the admin permission")',
        "replace": 'raise ApiError("garden_forbidden", "creating a quarantine garden needs the admin permission")',
    },
    {
        "id": "b8-one-per-node-inverted",
        "description": (
            "The one-per-node check is inverted: a second quarantine garden is created (201) while any ordinary "
            "garden created after the quarantine garden is refused 409 quarantine_garden_exists (docs/http-api.md "
            "\"The quarantine garden\": the node's one quarantine garden, 409 for a second)."
        ),
        "file": "storage/store.py",
        "find": "if quarantine and garden_rows.quarantine_garden(conn) is not None:",
        "replace": "if not quarantine and garden_rows.quarantine_garden(conn) is not None:",
    },
    {
        "id": "b8-one-per-node-code",
        "description": (
            "A second quarantine garden is refused 409 garden_exists instead of 409 quarantine_garden_exists "
            "(docs/http-api.md \"The quarantine garden\"; schemas/openapi.json 409 codes)."
        ),
        "file": "storage/store.py",
        "find": 'raise StoreError("quarantine_garden_exists",',
        "replace": 'raise StoreError("garden_exists",',
    },
    {
        "id": "b8-quarantine-flag-not-stored",
        "description": (
            "The garden row is stored with quarantine 0: the 201 record says quarantine true, but GET of the garden "
            "says false, quarantine:moderator is refused 422, the surface answers 422 not_quarantine_garden and "
            "strict ingest finds no quarantine garden (docs/http-api.md \"The quarantine garden\"; A20 §19.5)."
        ),
        "file": "storage/gardens.py",
        "find": "garden.created_by, garden.created_at, int(garden.quarantine)),",
        "replace": "garden.created_by, garden.created_at, 0),",
    },
    {
        "id": "b8-record-no-quarantine-field",
        "description": (
            "Garden records drop the quarantine member, so the quarantine garden's POST and GET records lack "
            "\"quarantine\": true (docs/http-api.md \"The quarantine garden\": its records carry \"quarantine\": "
            "true; schemas/openapi.json Garden.quarantine)."
        ),
        "file": "storage/gardens.py",
        "find": '"created_at": self.created_at, "quarantine": bool(self.quarantine)}',
        "replace": '"created_at": self.created_at}',
    },
    {
        "id": "b8-direct-assert-by-node-admin",
        "description": (
            "The no-direct-assert guard spares node admins: the quarantine garden's creator (a node admin, its "
            "admin) asserts a fact with its garden_id (201 instead of 403 garden_forbidden) (A20 §19.5: facts MAY "
            "NOT be asserted directly into it; docs/http-api.md \"The quarantine garden\")."
        ),
        "file": "storage/gardens.py",
        "find": "    if garden.quarantine:\n",
        "replace": "    if garden.quarantine and not reader.node_admin:\n",
    },
    {
        "id": "b8-direct-assert-422",
        "description": (
            "An assert into the quarantine garden is refused 422 not_quarantine_garden instead of 403 "
            "garden_forbidden (docs/http-api.md \"The quarantine garden\": no fact is asserted into it, 403 "
            "garden_forbidden)."
        ),
        "file": "storage/gardens.py",
        "find": 'raise StoreError("garden_forbidden", "facts are not asserted into a quarantine garden")',
        "replace": 'raise StoreError("not_quarantine_garden", "facts are not asserted into a quarantine garden")',
    },
    {
        "id": "b8-moderator-role-everywhere",
        "description": (
            "quarantine:moderator is a role of every garden: adding a member with it to an ordinary garden answers "
            "201 instead of 422 invalid_role (Spec-08: the quarantine garden adds the role; docs/http-api.md: 422 "
            "invalid_role in any other garden)."
        ),
        "file": "protocol/gardens.py",
        "find": "    allowed = QUARANTINE_ROLES if quarantine else ROLES",
        "replace": "    allowed = QUARANTINE_ROLES",
    },
    {
        "id": "b8-moderator-role-refused",
        "description": (
            "The store judges roles as if no garden were a quarantine garden: adding (or re-roling) a member of "
            "the quarantine garden as quarantine:moderator answers 422 invalid_role instead of 201 (Spec-08: "
            "roles admin | quarantine:moderator | writer | reader)."
        ),
        "file": "storage/gardens.py",
        "find": "    if rules.parse_role(role, garden.quarantine) is None:",
        "replace": "    if rules.parse_role(role) is None:",
    },
    # Memory Garden boundaries the quarantine garden meets.
    {
        "id": "b8-moderator-not-a-reader",
        "description": (
            "Reading garden facts needs admin, writer or reader, so a quarantine:moderator's GET "
            "/v1/facts?garden_id=<quarantine garden> answers 403 garden_forbidden and its membership facts by id "
            "403 (Spec-08: a quarantine garden keeps normal garden ACL properties; Spec-02 §Read Access: any "
            "member reads)."
        ),
        "file": "protocol/gardens.py",
        "find": "    return role in QUARANTINE_ROLES",
        "replace": "    return role in ROLES",
    },
    {
        "id": "b8-garden-list-hides-quarantine",
        "description": (
            "GET /v1/gardens leaves quarantine gardens out, so the node admin who created one (and its moderators) "
            "do not find it in the list (Spec-08: a Memory Garden keeping normal garden properties; docs/http-api.md "
            "\"Memory Gardens\": the caller's gardens, a node admin all)."
        ),
        "file": "storage/gardens.py",
        "find": 'clauses: list[str] = ["deleted_at IS NULL"]',
        "replace": 'clauses: list[str] = ["deleted_at IS NULL", "quarantine = 0"]',
    },
    {
        "id": "b8-orphans-readable-by-all",
        "description": (
            "A deleted garden's facts are readable by id for every caller (GET /v1/facts/{id} 200 for a "
            "non-admin) instead of node admins only (docs/http-api.md \"Memory Gardens\" garden_orphans; Spec-02 "
            "§Read Access)."
        ),
        "file": "storage/gardens.py",
        "find": "        return reader.node_admin  # STG-SCOPE-027",
        "replace": "        return True  # STG-SCOPE-027",
    },
    {
        "id": "b8-orphans-inverted-in-queries",
        "description": (
            "Queries open a deleted garden's facts to non-admins and close them to node admins (if not node_admin): "
            "a plain key's GET /v1/facts lists the orphans, a node admin's does not (docs/http-api.md \"Memory "
            "Gardens\" garden_orphans: read by node admins only)."
        ),
        "file": "storage/garden_acl.py",
        "find": "    if node_admin:\n",
        "replace": "    if not node_admin:\n",
    },
    {
        "id": "b8-node-admin-administers",
        "description": (
            "A node admin administers every garden without its admin role: a non-member node admin deletes a "
            "garden (204) or adds a quarantine:moderator to the quarantine garden (201) instead of 403 "
            "garden_forbidden (docs/http-api.md \"Memory Gardens\" garden_node_admin: administering members needs "
            "the garden role; Spec-02 §Admin Operations)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.may_administer(role):",
        "replace": "    if not (reader.node_admin or rules.may_administer(role)):",
    },
    {
        "id": "b8-reader-writes",
        "description": (
            "Readers may write garden facts: a reader's assert with garden_id, and a moderator's promotion into a "
            "garden where it is only a reader, answer 201/200 instead of 403 garden_forbidden (Spec-02 §Write "
            "Access; Spec-08: promote re-checks the target garden's write permission)."
        ),
        "file": "protocol/gardens.py",
        "find": '    return role in ("admin", "writer")',
        "replace": '    return role in ("admin", "writer", "reader")',
    },
    {
        "id": "b8-scope-mismatch-403",
        "description": (
            "A garden write (or a promotion) whose scope differs from the garden's answers 403 garden_forbidden "
            "instead of 422 garden_scope_mismatch (docs/http-api.md \"Memory Gardens\" garden_scope_mismatch and "
            "\"The quarantine garden\": 422 garden_scope_mismatch; A10 §17.3)."
        ),
        "file": "storage/gardens.py",
        "find": 'raise StoreError("garden_scope_mismatch",',
        "replace": 'raise StoreError("garden_forbidden",',
    },
    {
        "id": "b8-node-admin-garden-query",
        "description": (
            "A garden_id= query by a node admin that is not a member answers 200 (an empty page) instead of 403 "
            "garden_forbidden (A10 §5.20: 403 to prevent membership enumeration; docs/http-api.md \"Memory "
            "Gardens\" garden_node_admin: reading a garden's facts needs the garden role)."
        ),
        "file": "storage/gardens.py",
        "find": "    if not rules.may_read(role_of(conn, garden, reader.entity_uri)):",
        "replace": "    if not (reader.node_admin or rules.may_read(role_of(conn, garden, reader.entity_uri))):",
    },
    {
        "id": "b8-slug-ref-case-sensitive",
        "description": (
            "A garden reference by slug is matched as given, not lower-cased: GET /v1/gardens/QUARANTINE, the "
            "quarantine surface at an upper-case slug, and a promotion with target_garden_id 'Team-Box' answer "
            "404 garden_not_found (docs/http-api.md \"Memory Gardens\": {slug_or_id} is the slug in any case; "
            "schemas/openapi.json: the quarantine garden's slug (any case) or its id)."
        ),
        "file": "storage/gardens.py",
        "find": 'return _one(conn, "id", ref) or _one(conn, "slug", ref.lower())',
        "replace": 'return _one(conn, "id", ref) or _one(conn, "slug", ref)',
    },
]
