"""Prime implicants of a boolean function given as the set of inputs it is true for (Quine-McCluskey).

The compiled policy is such a function of a handful of facts; its prime implicants become a short SQL
condition that mentions only the facts each case needs, so the database can short-circuit cheap checks
(e.g. "in the actor's area") before correlated subqueries.

>>> sorted(prime_implicants({"10", "11"}, 2))
['1-']
"""

from __future__ import annotations

from collections.abc import Iterable


def prime_implicants(minterms: Iterable[str], width: int) -> set[str]:
    """Cubes over "0", "1" and "-" (don't care) whose union is exactly ``minterms``."""
    current = set(minterms)
    assert all(len(term) == width and set(term) <= {"0", "1"} for term in current)
    primes: set[str] = set()
    while current:
        merged: set[str] = set()
        used: set[str] = set()
        for term in current:
            # Its partner differs in exactly one specified position: a set lookup, not a pairwise search.
            for i, bit in enumerate(term):
                if bit == "0":
                    partner = term[:i] + "1" + term[i + 1:]
                    if partner in current:
                        merged.add(term[:i] + "-" + term[i + 1:])
                        used.update((term, partner))
        primes |= current - used
        current = merged
    return primes
