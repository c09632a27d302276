"""Ways to reach an implementation: a stdio adapter process, later an HTTP target."""
