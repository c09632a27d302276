"""Deliberately wrong adapters (Bowtie-style miniatures) that prove the runner can fail every vector.

Usage: python miniature_adapter.py MODE, with MODE one of
  always-result   answer every request with an empty result
  always-error    answer every request with error code "nope"
  unsupported     answer every request after hello as unsupported
  crash-after-3   die after answering three requests
  garbage         write a non-JSON line
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    mode = sys.argv[1]
    answered = 0
    for line in sys.stdin:
        request = json.loads(line)
        rid = request["id"]
        if request["op"] == "hello":
            reply = {"id": rid, "result": {"protocol": 1, "implementation": {"name": mode, "version": "0"}, "ops": []}}
        elif mode == "always-result":
            reply = {"id": rid, "result": {}}
        elif mode == "always-error":
            reply = {"id": rid, "error": {"code": "nope", "message": "miniature"}}
        elif mode == "unsupported":
            reply = {"id": rid, "unsupported": "miniature"}
        elif mode == "crash-after-3" and answered >= 3:
            return 1
        elif mode == "garbage":
            sys.stdout.write("this is not json\n")
            sys.stdout.flush()
            continue
        else:
            reply = {"id": rid, "result": {}}
        answered += 1
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
