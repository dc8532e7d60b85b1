"""How the door accounts for a statement's rows (``hub.access.accounting``), named here so that statements built
in storage can say it too.

- ``SCOPED``: the rows are filtered by the compiled policy; they count as decided.
- ``READ_FOR``: the rows are read for work that releases no row of them, and the value says which:
  ``MATCHING`` (the identity matcher scores candidates; its callers decide on every candidate they reveal) or
  ``STATISTICS`` (a partnership's counts across children, decided as a whole).
"""

SCOPED = "hub_scoped"
READ_FOR = "hub_read_for"
MATCHING, STATISTICS = "matching", "statistics"
WHOLE_READS = frozenset({MATCHING, STATISTICS})
