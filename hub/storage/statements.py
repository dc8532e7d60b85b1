"""Statements built once per process.

A read's statements differ between requests only in their values, so each is built once, with bound
parameters for the values (``hub.storage.relationships.BOUND_VIEWER``), and executed again and again:
SQLAlchemy then finds its compiled form by the statement's memoised cache key, without rebuilding the
expression or walking it to compute that key, which was most of the Python an audited read cost.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")


class Building:
    """``cached`` off builds every statement afresh, as the hub once did: the benchmark's baseline."""

    cached = True


BUILDING = Building()


def built_once(builder: Callable[..., T]) -> Callable[..., T]:
    """Memoise a statement builder on its (hashable) arguments."""
    cached = lru_cache(maxsize=1024)(builder)

    @wraps(builder)
    def statement(*args: Hashable) -> T:
        return cached(*args) if BUILDING.cached else builder(*args)

    return statement
