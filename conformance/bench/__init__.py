"""The benchmark: ``stigmem-conformance bench`` (``cli``), its load generator (``load``), preloading (``preload``),
the trivial endpoint that measures the generator's ceiling (``trivial``) and process figures (``memory``)."""
