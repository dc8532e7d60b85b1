from __future__ import annotations

import itertools
import random

from hub.domain.implicants import prime_implicants


def covered(cube: str, term: str) -> bool:
    return all(c in ("-", t) for c, t in zip(cube, term, strict=True))


def test_the_cover_is_exactly_the_function_for_random_functions() -> None:
    rng = random.Random(1)
    for _ in range(300):
        width = rng.randint(1, 7)
        everything = ["".join(bits) for bits in itertools.product("01", repeat=width)]
        minterms = {term for term in everything if rng.random() < 0.5}
        cubes = prime_implicants(minterms, width)
        assert {term for term in everything if any(covered(c, term) for c in cubes)} == minterms


def test_an_or_of_two_facts_becomes_two_short_cubes() -> None:
    minterms = {"".join(b) for b in itertools.product("01", repeat=3) if b[0] == "1" or b[2] == "1"}
    assert prime_implicants(minterms, 3) == {"1--", "--1"}
    assert prime_implicants(set(), 3) == set()
    assert prime_implicants({"000", "001", "010", "011", "100", "101", "110", "111"}, 3) == {"---"}
