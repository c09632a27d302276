"""Semantic mutants of the reference node, and the runner that proves the suite kills them (issue 6)."""
