"""``python -m conformance.bench``: the bench subcommand on its own (see ``conformance.bench.cli``)."""

from conformance.bench.cli import main

raise SystemExit(main())
