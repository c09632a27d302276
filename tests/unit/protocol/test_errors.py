"""reference_node.protocol.errors: stable codes and requirement ids for every rejection."""

import json
import pathlib

from reference_node.protocol import errors

ROOT = pathlib.Path(__file__).resolve().parents[3]


def leaf_classes():
    return [getattr(errors, name) for name in errors.__all__ if name not in ("ProtocolError", "JcsError")]


def test_codes_are_the_adapter_protocol_codes():
    contract = (ROOT / "docs" / "adapter-protocol.md").read_text(encoding="utf-8")
    for cls in leaf_classes():
        assert f"`{cls.code}`" in contract, cls.__name__


def test_requirements_exist():
    catalogue = json.loads((ROOT / "vectors" / "requirements.json").read_text(encoding="utf-8"))
    ids = {req["id"] for req in catalogue["requirements"]}
    for cls in leaf_classes():
        assert cls.requirement in ids, cls.__name__


def test_instance_requirement_overrides_default():
    error = errors.InvalidEntityUri("empty id", "STG-URI-006")
    assert (error.code, error.requirement, str(error)) == ("invalid_entity_uri", "STG-URI-006", "empty id")
    assert errors.InvalidEntityUri("x").requirement == "STG-URI-010"
