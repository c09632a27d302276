"""The ``as_of`` parameter of GET /v1/facts (Spec-X3; A20 §24; seed "Time-travel / as-of queries").

``--time-travel`` picks the node's answer (interpretation time_travel_default): ``not-loaded`` (the default, so a
default install fails closed with 501 ``time_travel_plugin_not_loaded``, STG-TT-001), ``disabled`` (403
``time_travel_plugin_disabled``, STG-TT-002) or ``enabled`` (as_of answered, STG-TT-003..014). The instant is
judged by ``protocol.time_travel.parse`` against the node's clock and its retention floor (``--as-of-floor``).
"""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams

from reference_node.api.errors import ApiError, from_protocol
from reference_node.protocol import time_travel as rules
from reference_node.protocol.errors import ProtocolError
from reference_node.settings import Settings

__all__ = ["as_of"]

# A '+' in a query string arrives as a space; an RFC 3339 offset is the only place one can stand.
_SPACE_OFFSET = re.compile(r"(.*\d) (\d{2}:\d{2})")


def as_of(params: QueryParams, settings: Settings, now_us: int) -> int | None:
    """The as_of instant of a query (None without as_of); the fail-closed answers when time travel is off."""
    values = params.getlist("as_of")
    if not values:
        return None
    # STG-TT-001: a node without the time-travel plugin fails closed.
    if settings.time_travel == "not-loaded":
        raise ApiError("time_travel_plugin_not_loaded", "as_of needs the time-travel plugin, which is not loaded")
    # STG-TT-002: the plugin is there, its operator gate is off.
    if settings.time_travel == "disabled":
        raise ApiError("time_travel_plugin_disabled", "time travel is disabled on this node")
    if len(values) != 1:
        raise ApiError("as_of_invalid_timestamp", "as_of is given once")
    raw = _SPACE_OFFSET.sub(r"\1+\2", values[0])
    try:
        return rules.parse(raw, now_us, settings.as_of_floor_us)
    except ProtocolError as exc:
        raise from_protocol(exc) from exc
