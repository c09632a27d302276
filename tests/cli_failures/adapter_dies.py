"""An adapter that answers hello and three requests, then crashes with a traceback on stderr."""

import json
import sys

HELLO = {"protocol": 1, "implementation": {"name": "dies", "version": "0", "language": "python"}}
answered = 0
for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "hello":
        print(json.dumps({"id": request["id"], "result": HELLO}), flush=True)
        continue
    answered += 1
    if answered > 3:
        print("Traceback (most recent call last):", file=sys.stderr)
        print('  File "adapter.py", line 1', file=sys.stderr)
        print("MemoryError: simulated crash in the adapter", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"id": request["id"], "unsupported": "no"}), flush=True)
