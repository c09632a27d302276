"""Launch recipes: how to start node i of a cluster, get its admin key, and federate it (TOML, data only).

A recipe is a TOML file; the shipped ones live in ``conformance/recipes/`` (``reference``, ``upstream``) and any
other path works too. Tables and keys (every string may hold placeholders):

``[node]``: ``command`` (argv list), ``cwd``, ``env`` (table), ``clear_env_prefix`` (inherited variables with this
prefix are dropped, so a developer's settings never leak into the node under test), ``ready_path`` (polled until
200), ``ready_timeout_s``.

``[admin_key]``: ``command`` printing the key as its last stdout line, or ``key`` when the harness chooses it
(``"{admin_secret}"``) and the command only installs it; ``use_node_env`` runs the command with the node's
environment; an absent table means the node runs with auth none.

``[federation]``: ``identity`` (``node``: the node makes its own key; ``harness``: the harness generates it and
passes it through ``{federation_pubkey}``/``{federation_privkey}``/``{node_id}``), ``declaration`` (``route``:
``GET /v1/federation/declaration``; ``harness``: signed here with the key the harness made), ``declaration_fields``
(interpretation ``peer_declaration_fields``), ``manifest`` (``none`` or ``put``: publish a signed manifest with
``PUT /v1/federation/manifest`` first), ``pull`` (``route``: ``POST /v1/admin/federation/pull``; ``wait``: the
node's own loop, waited for up to ``pull_wait_s``), ``peer_envelope`` (how scripted peers serve pages to this node:
``flat``, the contract's fact records, or ``upstream-v2``, upstream's signed-origin entries; a node that only
takes its own format can then still be probed for what it does with bad facts).

Placeholders: ``{port}``, ``{db}``, ``{data_dir}``, ``{authority}``, ``{node_url}``, ``{python}``,
``{admin_secret}``, ``{federation_pubkey}``, ``{federation_privkey}``, ``{node_id}``, and ``{env:NAME}`` for a
variable of the suite's own environment (a recipe that needs an unset one cannot run: ``RecipeError``).
Requirements: none directly; recipes let STG-FAIL-001 scenarios run against any implementation.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from conformance.errors import UsageError

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z_][A-Za-z0-9_]*))?\}")
NAMES = ("port", "db", "data_dir", "authority", "node_url", "python", "admin_secret", "federation_pubkey",
         "federation_privkey", "node_id")
CHOICES = {"identity": ("node", "harness"), "declaration": ("route", "harness"), "manifest": ("none", "put"),
           "pull": ("route", "wait"), "peer_envelope": ("flat", "upstream-v2")}


class RecipeError(UsageError):
    """The recipe is malformed, or needs something this machine does not have (an environment variable)."""


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    command: tuple[str, ...]
    cwd: str = "{data_dir}"
    env: Mapping[str, str] = field(default_factory=dict)
    clear_env_prefix: str = ""
    ready_path: str = "/healthz"
    ready_timeout_s: float = 30.0
    admin_command: tuple[str, ...] = ()
    admin_key: str = ""
    admin_use_node_env: bool = False
    auth: str = "required"
    identity: str = "node"
    declaration: str = "route"
    declaration_fields: str = "a08-jcs"
    manifest: str = "none"
    pull: str = "route"
    pull_wait_s: float = 20.0
    peer_envelope: str = "flat"
    source: str = ""

    def render(self, template: str, values: Mapping[str, str]) -> str:
        return render(template, values, self.name)

    def argv(self, values: Mapping[str, str]) -> list[str]:
        return self.argv_of(self.command, values)

    def argv_of(self, parts: Sequence[str], values: Mapping[str, str]) -> list[str]:
        return [self.render(part, values) for part in parts]

    def environment(self, values: Mapping[str, str]) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items()
                if not (self.clear_env_prefix and k.startswith(self.clear_env_prefix))}
        base.update({k: self.render(v, values) for k, v in self.env.items()})
        return base

    def needed_env(self) -> list[str]:
        """The ``{env:NAME}`` variables the recipe reads."""
        texts = [*self.command, self.cwd, *self.env.values(), *self.admin_command, self.admin_key]
        return sorted({m.group(2) for t in texts for m in PLACEHOLDER.finditer(t) if m.group(1) == "env"})


def render(template: str, values: Mapping[str, str], recipe: str = "recipe") -> str:
    """Replace every placeholder; an unknown name or an unset ``{env:NAME}`` is a ``RecipeError``."""
    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "env" and arg:
            if arg not in os.environ:
                raise RecipeError(f"recipe {recipe} needs the environment variable {arg}")
            return os.environ[arg]
        if arg is not None or name not in NAMES:
            raise RecipeError(f"recipe {recipe}: unknown placeholder {match.group(0)}")
        if name == "python":
            return values.get("python", sys.executable)
        if name not in values:
            raise RecipeError(f"recipe {recipe}: no value for {match.group(0)} here")
        return str(values[name])
    return PLACEHOLDER.sub(one, template)


def shipped() -> list[str]:
    """Names of the recipes that ship with the suite."""
    folder = resources.files("conformance").joinpath("recipes")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load(name_or_path: str) -> Recipe:
    """A shipped recipe by name (``reference``, ``upstream``) or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RecipeError(f"cannot read recipe {name_or_path}: {exc}") from exc
        return parse(text, path.stem, str(path))
    resource = resources.files("conformance").joinpath("recipes", f"{name_or_path}.toml")
    if not resource.is_file():
        raise RecipeError(f"no recipe {name_or_path!r}: not a file, and the shipped ones are {', '.join(shipped())}")
    return parse(resource.read_text(encoding="utf-8"), name_or_path, f"shipped:{name_or_path}")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise RecipeError(f"{where} must be a non-empty list of strings")
    return tuple(value)


def parse(text: str, default_name: str = "recipe", source: str = "") -> Recipe:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"recipe {default_name}: {exc}") from exc
    node = doc.get("node")
    if not isinstance(node, dict) or "command" not in node:
        raise RecipeError(f"recipe {default_name}: [node] with a command is required")
    admin = doc.get("admin_key") or {}
    fed = doc.get("federation") or {}
    env = node.get("env") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise RecipeError(f"recipe {default_name}: [node.env] values must be strings")
    for key, options in CHOICES.items():
        if key in fed and fed[key] not in options:
            raise RecipeError(f"recipe {default_name}: federation.{key} is one of {', '.join(options)}")
    recipe = Recipe(
        name=str(doc.get("name", default_name)), description=str(doc.get("description", "")),
        command=_strings(node["command"], "node.command"), cwd=str(node.get("cwd", "{data_dir}")), env=dict(env),
        clear_env_prefix=str(node.get("clear_env_prefix", "")), ready_path=str(node.get("ready_path", "/healthz")),
        ready_timeout_s=float(node.get("ready_timeout_s", 30.0)),
        admin_command=_strings(admin["command"], "admin_key.command") if "command" in admin else (),
        admin_key=str(admin.get("key", "")), admin_use_node_env=bool(admin.get("use_node_env", False)),
        auth="required" if admin else "none",
        identity=str(fed.get("identity", "node")), declaration=str(fed.get("declaration", "route")),
        declaration_fields=str(fed.get("declaration_fields", "a08-jcs")), manifest=str(fed.get("manifest", "none")),
        pull=str(fed.get("pull", "route")), pull_wait_s=float(fed.get("pull_wait_s", 20.0)),
        peer_envelope=str(fed.get("peer_envelope", "flat")), source=source,
    )
    if recipe.declaration == "harness" and recipe.identity != "harness":
        raise RecipeError(f"recipe {recipe.name}: declaration = harness needs identity = harness (the key)")
    for text_value in (*recipe.command, recipe.cwd, *recipe.env.values(), *recipe.admin_command, recipe.admin_key):
        for match in PLACEHOLDER.finditer(text_value):
            if not ((match.group(1) == "env" and match.group(2)) or (match.group(1) in NAMES and not match.group(2))):
                raise RecipeError(f"recipe {recipe.name}: unknown placeholder {match.group(0)}")
    return recipe
