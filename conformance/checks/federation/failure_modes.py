"""Multi-node checks: the Spec-18 failure-mode scenarios and half-done registration, on clusters from a recipe.

One check per check id named by ``vectors/failure_modes/*.json`` (``scenario:<file>`` unless a vector says
otherwise, e.g. ``crash:nonce_cache_survives_restart``); each runs its vectors against fresh clusters started
from ``ctx.recipe`` (conformance/federation/scenarios.py). With no recipe (a bare ``--target``) they skip, as they
do when the recipe needs something this machine lacks. Requirements: those of the vectors, plus the catalogue's
(STG-FAIL-001..015); ``federation:half_registration_no_replication`` covers STG-FED-010.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from conformance.catalog.vectors import Vector, load_vectors
from conformance.checks.registry import Check, Context, Skip, add, check, expect
from conformance.federation.cluster import Cluster
from conformance.federation.recipes import Recipe, RecipeError, load
from conformance.federation.scenarios import records, run_vector


def recipe_of(ctx: Context) -> Recipe:
    if ctx.recipe is None:
        raise Skip("needs a launch recipe to start its own nodes (--recipe); a bare --target has none")
    try:
        recipe = load(ctx.recipe)
    except RecipeError as exc:
        raise Skip(f"recipe {ctx.recipe}: {exc}") from exc
    unset = [name for name in recipe.needed_env() if name not in os.environ]
    if unset:
        raise Skip(f"recipe {recipe.name} needs the environment variable(s) {', '.join(unset)}")
    return recipe


def _check_id(v: Vector) -> str:
    return str(v.input.get("check") or f"scenario:{v.file.split('/')[1].removesuffix('.json')}")


def _runner(vectors: list[Vector]) -> Callable[[Context], None]:
    def run(ctx: Context) -> None:
        recipe = recipe_of(ctx)
        for vector in vectors:
            run_vector(vector, recipe, ctx.interpretations)
    run.__doc__ = vectors[0].description
    return run


def _register() -> None:
    by_check: dict[str, list[Vector]] = {}
    for v in load_vectors(area="failure_modes"):  # validating only these files: every run imports this module
        if v.area == "failure_modes" and not v.retired:
            by_check.setdefault(_check_id(v), []).append(v)
    for check_id, vectors in sorted(by_check.items()):
        requirements = tuple(sorted({r for v in vectors for r in v.requirements}))
        add(Check(check_id, requirements, "core-federation", vectors[0].description, _runner(vectors),
                  isolated=True))


_register()


@check("federation:half_registration_no_replication", requirements=("STG-FED-010",), profile="core-federation",
       isolated=True)
def half_registration_no_replication(ctx: Context) -> None:
    """With a registered at b but not b at a, nothing replicates either way."""
    recipe = recipe_of(ctx)
    with Cluster(recipe, ["a", "b"], proxies=False) as cluster:
        a, b = cluster["a"], cluster["b"]
        cluster.federate([("a", "b")], ["public"])
        written = {}
        for node in (a, b):
            body = {"entity": f"stigmem://{node.authority}/test/half-{ctx.run_id}", "relation": "test:value",
                    "value": {"type": "string", "v": node.name}, "scope": "public",
                    "source": node.federator.node_id if ctx.interpretations.get("source_ownership") == "exact"
                    else f"stigmem://{node.authority}/agent/scenario"}
            ex = node.target.request("POST", "/v1/facts", json_body=body)
            expect(ex.status in (200, 201), f"write on {node.name}: {ex.brief()}")
            written[node.name] = ex.json["id"]
        for node in (a, b):
            node.federator.trigger_pull()
        if a.federator.pull_mode != "route":
            time.sleep(min(5.0, a.federator.pull_wait_s))
        for node, other in ((a, "b"), (b, "a")):
            held = {r.get("id") for r in records(node.target, relation="test:value")}
            expect(written[other] not in held, f"{node.name} holds {other}'s fact though registration is one-sided")
