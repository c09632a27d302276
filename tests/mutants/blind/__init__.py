"""Blind mutant rounds (issue 10): one module per round, ``roundN.py``, plain data read by ``catalogue.py``.

Each module defines ``ROUND`` (its number) and ``MUTANTS``: a list of dicts with ``id``, ``description`` (the fault
and the spec text it breaks), ``file`` (path under ``reference_node/``), ``find`` (an exact snippet occurring once in
that file) and ``replace``; optionally ``equivalent`` (why no black-box run can tell it apart, filled in after the
round is run, never by the author) and ``requirements`` (ids, filled in after the run). The author of a round has not
read the suite's checks, vectors or catalogue; a survivor is fixed by a check or vector, never by editing the mutant.
"""
